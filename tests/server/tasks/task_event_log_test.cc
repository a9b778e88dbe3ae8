#include "server/tasks/task_event_log.h"

#include <thread>
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

// Unsubscribe waits for a notification in progress, so a subscriber may be
// destroyed right after it returns.
TEST(TaskEventLogTest, UnsubscribeIsSafeAgainstConcurrentAppends) {
  TaskEventLog log("t", {Event(1, v1::TASK_STATE_PENDING)});
  std::atomic<bool> stop{false};
  std::thread appender([&] {
    uint64_t seq = 2;
    while (!stop) log.Append(Event(seq++, v1::TASK_STATE_RUNNING));
  });
  for (int i = 0; i < 2000; ++i) {
    auto subscriber = std::make_unique<Counter>();
    log.Subscribe(subscriber.get());
    log.Unsubscribe(subscriber.get());
  }
  stop = true;
  appender.join();
  EXPECT_EQ(log.subscriber_count(), 0u);
}

}  // namespace
}  // namespace seedance::server::tasks
