#include "server/tasks/task_event_log.h"

#include <atomic>
#include <memory>
#include <new>
#include <thread>
#include <type_traits>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::server::tasks {
namespace {

v1::TaskEvent Event(uint64_t sequence, v1::TaskState state) {
  v1::TaskEvent e;
  e.set_task_id("t");
  e.set_sequence(sequence);
  e.set_state(state);
  return e;
}

class Counter : public TaskEventLog::Subscriber {
 public:
  void OnTaskEvents() override { ++count; }
  std::atomic<int> count{0};
};

TEST(TaskEventLogTest, ReadsAfterASequence) {
  TaskEventLog log("t", {Event(1, v1::TASK_STATE_PENDING)});
  log.Append(Event(2, v1::TASK_STATE_QUEUED));
  log.Append(Event(3, v1::TASK_STATE_SUCCEEDED));
  EXPECT_EQ(log.last_sequence(), 3u);
  EXPECT_TRUE(log.terminal());
  EXPECT_EQ(log.EventsAfter(1).size(), 2u);
  EXPECT_EQ(log.EventsAfter(1, 1)[0].sequence(), 2u);
  EXPECT_TRUE(log.EventsAfter(3).empty());
  EXPECT_EQ(log.Latest().state(), v1::TASK_STATE_SUCCEEDED);
}

TEST(TaskEventLogTest, EmptyLogHasNoSequence) {
  TaskEventLog log("t", {});
  EXPECT_EQ(log.last_sequence(), 0u);
  EXPECT_FALSE(log.terminal());
}

TEST(TaskEventLogTest, SubscribersAreNotifiedUntilTheyLeave) {
  TaskEventLog log("t", {Event(1, v1::TASK_STATE_PENDING)});
  Counter a, b;
  log.Subscribe(&a);
  log.Subscribe(&b);
  log.Append(Event(2, v1::TASK_STATE_RUNNING));
  log.Unsubscribe(&a);
  log.Close();
  EXPECT_EQ(a.count, 1);
  EXPECT_EQ(b.count, 2);
  EXPECT_TRUE(log.closing());
  EXPECT_EQ(log.subscriber_count(), 1u);
}

// A subscriber that notices being called after it was destroyed: its
// destructor marks it dead (the memory stays valid until the test ends, so
// the mark can be read), and a call that finds the mark is counted.
class Canary : public TaskEventLog::Subscriber {
 public:
  explicit Canary(std::atomic<int>& late_calls) : late_calls_(late_calls) {}
  ~Canary() override { alive_ = false; }
  void OnTaskEvents() override {
    if (!alive_) ++late_calls_;
    // Hold the call open a moment, so that an Unsubscribe that did not wait
    // for it would return (and the test destroy us) while it runs.
    for (int i = 0; i < 1000 && alive_; ++i) std::this_thread::yield();
    if (!alive_) ++late_calls_;
  }

 private:
  std::atomic<int>& late_calls_;
  std::atomic<bool> alive_{true};
};

// Unsubscribe waits for a notification in progress, so a subscriber may be
// destroyed right after it returns: no call ever reaches a destroyed one.
TEST(TaskEventLogTest, UnsubscribeIsSafeAgainstConcurrentAppends) {
  TaskEventLog log("t", {Event(1, v1::TASK_STATE_PENDING)});
  std::atomic<bool> stop{false};
  std::atomic<int> late_calls{0};
  std::thread appender([&] {
    uint64_t seq = 2;
    while (!stop) log.Append(Event(seq++, v1::TASK_STATE_RUNNING));
  });
  // Destroyed subscribers are kept as storage, so a late call reads a dead
  // mark instead of freed memory.
  std::vector<std::unique_ptr<std::aligned_storage_t<sizeof(Canary), alignof(Canary)>>> graves;
  for (int i = 0; i < 2000; ++i) {
    graves.push_back(std::make_unique<std::aligned_storage_t<sizeof(Canary), alignof(Canary)>>());
    auto* subscriber = new (graves.back().get()) Canary(late_calls);
    log.Subscribe(subscriber);
    log.Unsubscribe(subscriber);
    subscriber->~Canary();
  }
  stop = true;
  appender.join();
  EXPECT_EQ(late_calls, 0);
  EXPECT_EQ(log.subscriber_count(), 0u);
}

}  // namespace
}  // namespace seedance::server::tasks
