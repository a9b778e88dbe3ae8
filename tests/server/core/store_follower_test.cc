// StoreFollower on the in-memory store, with a fake clock, scheduler and
// hints, its loop driven on the test's thread: what it appends, when it
// reads (periodically, on hints, at most once per gap) and what it drops.
#include "server/core/store_follower.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/in_memory_task_store.h"
#include "tests/server/store/task_writes.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"

namespace seedance::server::core {
namespace {

using store::Create;
using store::EventFor;
using gateway::v1::StoredTask;
using store::Task;
using ::testing::ElementsAre;

constexpr absl::Duration kInterval = absl::Seconds(1);
constexpr absl::Duration kGap = absl::Milliseconds(2);

class FakeHints : public store::EventHints {
 public:
  void Notify() override {}
  int Subscribe(std::function<void()> hint) override {
    absl::MutexLock lock(&mu_);
    subscribers_.emplace_back(next_id_, std::move(hint));
    return next_id_++;
  }
  void Unsubscribe(int id) override {
    absl::MutexLock lock(&mu_);
    std::erase_if(subscribers_, [id](const auto& s) { return s.first == id; });
  }
  // A replica notified.
  void Hint() {
    absl::MutexLock lock(&mu_);
    for (const auto& [id, hint] : subscribers_) hint();
  }
  size_t subscribers() {
    absl::MutexLock lock(&mu_);
    return subscribers_.size();
  }

 private:
  absl::Mutex mu_;
  std::vector<std::pair<int, std::function<void()>>> subscribers_;
  int next_id_ = 1;
};

// Fails every read of the tasks in `broken` with DATA_LOSS.
class PartlyBrokenStore : public store::InMemoryTaskStore {
 public:
  absl::flat_hash_set<std::string> broken;
  absl::StatusOr<std::vector<v1::TaskEvent>> Events(absl::string_view task_id,
                                                    uint64_t after) override {
    if (broken.contains(task_id)) return absl::DataLossError("a row does not parse");
    return InMemoryTaskStore::Events(task_id, after);
  }
};

class StoreFollowerTest : public ::testing::Test {
 protected:
  // A task another replica drives, stored with its first event (PENDING).
  StoredTask& Driven(const std::string& id) {
    tasks_[id] = Task(id);
    EXPECT_TRUE(store_.Commit({Create(tasks_[id])}).ok());
    return tasks_[id];
  }
  // The other replica moves the task on.
  void Move(const std::string& id, v1::TaskState state) {
    ASSERT_TRUE(store_.Commit({store::Advance(tasks_[id], state)}).ok());
  }
  std::shared_ptr<tasks::TaskEventLog> Follow(const std::string& id) {
    absl::StatusOr<std::vector<v1::TaskEvent>> history = store_.Events(id, 0);
    EXPECT_TRUE(history.ok());
    return follower_.Follow(id, *std::move(history));
  }
  void Elapse(absl::Duration d) {
    scheduler_.AdvanceAndRunDue(d);
    loop_.RunUntilIdle();
  }
  void HintAndRun() {
    hints_.Hint();
    loop_.RunUntilIdle();
  }

  PartlyBrokenStore store_;
  testing::FakeClock clock_;
  testing::FakeScheduler scheduler_{clock_};
  tasks::TaskLoop loop_{store_};
  FakeHints hints_;
  StoreFollower follower_{store_, loop_, scheduler_, clock_, kInterval, kGap, &hints_};
  std::map<std::string, StoredTask> tasks_;
};

std::vector<uint64_t> Sequences(const tasks::TaskEventLog& log) {
  std::vector<uint64_t> out;
  for (const v1::TaskEvent& e : log.EventsAfter(0)) out.push_back(e.sequence());
  return out;
}

TEST_F(StoreFollowerTest, AppendsWhatTheStoreHasAfterTheLogInOrderEachOnce) {
  Driven("t1");
  std::shared_ptr<tasks::TaskEventLog> log = Follow("t1");
  Move("t1", v1::TASK_STATE_QUEUED);
  Move("t1", v1::TASK_STATE_RUNNING);
  follower_.CatchUp();
  follower_.CatchUp();  // nothing new: nothing appended twice
  EXPECT_EQ(log->last_sequence(), 3u);
  EXPECT_EQ(log->Latest().state(), v1::TASK_STATE_RUNNING);
  EXPECT_THAT(Sequences(*log), ElementsAre(1, 2, 3));
}

TEST_F(StoreFollowerTest, OneLogPerTaskForEveryWatcher) {
  Driven("t1");
  std::shared_ptr<tasks::TaskEventLog> first = Follow("t1");
  EXPECT_EQ(Follow("t1"), first);
  EXPECT_EQ(follower_.followed(), 1u);
}

TEST_F(StoreFollowerTest, ReadsEveryIntervalWithoutHints) {
  Driven("t1");
  std::shared_ptr<tasks::TaskEventLog> log = Follow("t1");
  Move("t1", v1::TASK_STATE_QUEUED);
  Elapse(kInterval - absl::Milliseconds(1));
  EXPECT_EQ(log->last_sequence(), 1u);
  Elapse(absl::Milliseconds(1));
  EXPECT_EQ(log->last_sequence(), 2u);
  Move("t1", v1::TASK_STATE_RUNNING);
  Elapse(kInterval);
  EXPECT_EQ(log->last_sequence(), 3u);
}

TEST_F(StoreFollowerTest, AHintReadsAtOnce) {
  Driven("t1");
  std::shared_ptr<tasks::TaskEventLog> log = Follow("t1");
  Move("t1", v1::TASK_STATE_QUEUED);
  HintAndRun();
  EXPECT_EQ(log->last_sequence(), 2u);
  EXPECT_EQ(follower_.reads(), 1);
}

TEST_F(StoreFollowerTest, HintsWithinTheGapAreServedByOneReadAtItsEnd) {
  Driven("t1");
  std::shared_ptr<tasks::TaskEventLog> log = Follow("t1");
  HintAndRun();
  ASSERT_EQ(follower_.reads(), 1);
  Move("t1", v1::TASK_STATE_QUEUED);
  HintAndRun();
  Move("t1", v1::TASK_STATE_RUNNING);
  HintAndRun();
  HintAndRun();
  EXPECT_EQ(follower_.reads(), 1);  // within the gap of the first read
  EXPECT_EQ(log->last_sequence(), 1u);
  Elapse(kGap);
  EXPECT_EQ(follower_.reads(), 2);
  EXPECT_EQ(log->last_sequence(), 3u);
  // The gap has passed since: the next hint reads at once.
  Elapse(kGap);
  Move("t1", v1::TASK_STATE_SUCCEEDED);
  HintAndRun();
  EXPECT_EQ(follower_.reads(), 3);
  EXPECT_TRUE(log->terminal());
}

TEST_F(StoreFollowerTest, DropsLogsThatEndedOrThatNoWatcherHolds) {
  Driven("ends");
  Driven("released");
  std::shared_ptr<tasks::TaskEventLog> ends = Follow("ends");
  Follow("released");  // its watcher went at once
  EXPECT_EQ(follower_.followed(), 2u);
  Move("ends", v1::TASK_STATE_SUCCEEDED);
  follower_.CatchUp();
  EXPECT_TRUE(ends->terminal());
  follower_.CatchUp();
  EXPECT_EQ(follower_.followed(), 0u);
  int reads = follower_.reads();
  follower_.CatchUp();
  EXPECT_EQ(follower_.reads(), reads);  // nothing followed: no read
}

TEST_F(StoreFollowerTest, AnEndedTaskIsNotFollowed) {
  Driven("t1");
  Move("t1", v1::TASK_STATE_FAILED);
  std::shared_ptr<tasks::TaskEventLog> log = Follow("t1");
  EXPECT_TRUE(log->terminal());
  EXPECT_EQ(follower_.followed(), 0u);
}

TEST_F(StoreFollowerTest, TrackedLogsOfATaskLostHereAreFollowedToo) {
  StoredTask& t = Driven("t1");
  // The log this replica kept while it drove the task.
  auto live = std::make_shared<tasks::TaskEventLog>("t1", std::vector{EventFor(t)});
  follower_.Track(live);
  Move("t1", v1::TASK_STATE_QUEUED);
  follower_.CatchUp();
  EXPECT_EQ(live->last_sequence(), 2u);
}

TEST_F(StoreFollowerTest, ATaskTheStoreCannotReadDoesNotStallTheOthers) {
  Driven("good");
  Driven("bad");
  std::shared_ptr<tasks::TaskEventLog> good = Follow("good");
  std::shared_ptr<tasks::TaskEventLog> bad = Follow("bad");
  store_.broken.insert("bad");
  Move("good", v1::TASK_STATE_QUEUED);
  Move("bad", v1::TASK_STATE_QUEUED);
  follower_.CatchUp();
  EXPECT_EQ(good->last_sequence(), 2u);
  EXPECT_EQ(bad->last_sequence(), 1u);
  store_.broken.clear();
  follower_.CatchUp();
  EXPECT_EQ(bad->last_sequence(), 2u);
}

TEST_F(StoreFollowerTest, NoReadAfterStop) {
  Driven("t1");
  std::shared_ptr<tasks::TaskEventLog> log = Follow("t1");
  HintAndRun();
  Move("t1", v1::TASK_STATE_QUEUED);
  HintAndRun();  // waits for the gap
  follower_.Stop();
  EXPECT_EQ(hints_.subscribers(), 0u);
  Elapse(kInterval);
  EXPECT_EQ(log->last_sequence(), 1u);
  EXPECT_EQ(follower_.reads(), 1);
}

}  // namespace
}  // namespace seedance::server::core
