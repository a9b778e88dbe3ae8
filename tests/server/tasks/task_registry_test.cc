// TaskRegistry: the one way a task changes. Each change goes through the
// transition table, bumps the revision, is committed before anyone is told,
// and only then reaches the task's event log; a terminal change runs the
// terminal hook once and retires the task. Driven on the test's thread
// (TaskLoop::RunUntilIdle) over an in-memory store.
#include "server/tasks/task_registry.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/in_memory_task_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::tasks {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;

StoredTask NewRecord(const std::string& id) {
  StoredTask r;
  r.mutable_task()->set_task_id(id);
  r.mutable_task()->set_state(v1::TASK_STATE_PENDING);
  r.mutable_task()->set_sequence(1);
  r.set_revision(1);
  return r;
}

class TaskRegistryTest : public ::testing::Test {
 protected:
  // Creates task `id` and commits it.
  void CreateCommitted(const std::string& id) {
    absl::Status created = absl::UnknownError("not yet");
    registry.Create(NewRecord(id), "token", [&created](absl::Status s) { created = s; });
    loop.RunUntilIdle();
    ASSERT_THAT(created, IsOk());
  }

  std::vector<v1::TaskState> LoggedStates(const std::string& id) {
    std::vector<v1::TaskState> states;
    LiveTask* task = registry.Find(id);
    if (task == nullptr) return states;
    for (const v1::TaskEvent& e : task->log->EventsAfter(0)) states.push_back(e.state());
    return states;
  }

  testing::FakeClock clock;
  store::InMemoryTaskStore store;
  TaskLoop loop{store};
  TaskRegistry registry{loop, store, clock};
};

TEST_F(TaskRegistryTest, ACreateIsToldAndLoggedOnlyAfterItsCommit) {
  bool told = false;
  LiveTask& task = registry.Create(NewRecord("t1"), "token", [&](absl::Status) {
    told = true;
    EXPECT_THAT(store.Get("t1"), IsOk());  // durable before the continuation
  });
  EXPECT_FALSE(task.created);
  EXPECT_TRUE(task.log->EventsAfter(0).empty());
  EXPECT_EQ(registry.in_flight(), 1u);
  loop.RunUntilIdle();
  EXPECT_TRUE(told);
  EXPECT_TRUE(registry.Find("t1")->created);
  EXPECT_THAT(LoggedStates("t1"), ElementsAre(v1::TASK_STATE_PENDING));
}

TEST_F(TaskRegistryTest, TransitionsFollowTheTableAndBumpSequenceAndRevision) {
  CreateCommitted("t1");
  EXPECT_TRUE(registry.Transition("t1", v1::TASK_STATE_QUEUED, nullptr, nullptr));
  EXPECT_TRUE(registry.Transition("t1", v1::TASK_STATE_RUNNING, nullptr, nullptr));
  // RUNNING -> QUEUED is not in the table: refused, nothing changes.
  EXPECT_FALSE(registry.Transition("t1", v1::TASK_STATE_QUEUED, nullptr, nullptr));
  loop.RunUntilIdle();
  absl::StatusOr<StoredTask> stored = store.Get("t1");
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->task().state(), v1::TASK_STATE_RUNNING);
  EXPECT_EQ(stored->task().sequence(), 3u);
  EXPECT_EQ(stored->revision(), 3u);
  EXPECT_THAT(LoggedStates("t1"),
              ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_QUEUED, v1::TASK_STATE_RUNNING));
}

TEST_F(TaskRegistryTest, ATerminalChangeRunsTheHookOnceAndRetiresTheTask) {
  std::vector<std::string> ended;
  registry.SetTerminalHook([&](LiveTask& task) {
    ended.push_back(task.record.task().task_id());
    EXPECT_EQ(task.record.task().state(), v1::TASK_STATE_SUCCEEDED);
  });
  CreateCommitted("t1");
  ASSERT_TRUE(registry.Transition(
      "t1", v1::TASK_STATE_SUCCEEDED,
      [](StoredTask& t) { t.mutable_task()->mutable_result()->set_video_url("https://v"); },
      nullptr));
  EXPECT_EQ(registry.in_flight(), 0u);
  EXPECT_TRUE(ended.empty());  // not before the commit
  loop.RunUntilIdle();
  EXPECT_THAT(ended, ElementsAre("t1"));
  EXPECT_EQ(registry.Find("t1"), nullptr);
  EXPECT_EQ(store.Get("t1")->task().result().video_url(), "https://v");
  // An ended task takes no more transitions.
  EXPECT_FALSE(registry.Transition("t1", v1::TASK_STATE_FAILED, nullptr, nullptr));
}

TEST_F(TaskRegistryTest, UpdateChangesLiveTasksAndUpdateStoredAlsoEndedOnes) {
  CreateCommitted("t1");
  absl::Status live_update = absl::UnknownError("not yet");
  registry.Update("t1", [](StoredTask& t) { t.set_submitted(true); },
                  [&](absl::Status s) { live_update = s; });
  loop.RunUntilIdle();
  EXPECT_THAT(live_update, IsOk());
  EXPECT_TRUE(store.Get("t1")->submitted());
  EXPECT_EQ(store.Get("t1")->revision(), 2u);
  EXPECT_THAT(LoggedStates("t1"), ElementsAre(v1::TASK_STATE_PENDING));  // no event

  ASSERT_TRUE(registry.Transition("t1", v1::TASK_STATE_FAILED, nullptr, nullptr));
  loop.RunUntilIdle();
  absl::Status ended_update = absl::UnknownError("not yet");
  registry.Update("t1", [](StoredTask& t) { t.mutable_webhook()->set_finished(true); },
                  [&](absl::Status s) { ended_update = s; });
  EXPECT_THAT(ended_update, StatusIs(absl::StatusCode::kNotFound));
  absl::Status stored_update = absl::UnknownError("not yet");
  registry.UpdateStored("t1", [](StoredTask& t) { t.mutable_webhook()->set_finished(true); },
                        [&](absl::Status s) { stored_update = s; });
  loop.RunUntilIdle();
  EXPECT_THAT(stored_update, IsOk());
  EXPECT_TRUE(store.Get("t1")->webhook().finished());
  EXPECT_EQ(store.Get("t1")->revision(), 4u);
  absl::Status unknown = absl::OkStatus();
  registry.UpdateStored("nope", [](StoredTask&) {}, [&](absl::Status s) { unknown = s; });
  EXPECT_THAT(unknown, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TaskRegistryTest, AdoptedTasksKeepTheirHistoryAndWriteNothing) {
  StoredTask record = NewRecord("t1");
  record.mutable_task()->set_state(v1::TASK_STATE_QUEUED);
  record.mutable_task()->set_sequence(2);
  std::vector<v1::TaskEvent> history(2);
  history[0].set_sequence(1);
  history[0].set_state(v1::TASK_STATE_PENDING);
  history[1].set_sequence(2);
  history[1].set_state(v1::TASK_STATE_QUEUED);
  LiveTask& task = registry.Adopt(record, history, "token");
  EXPECT_TRUE(task.created);
  EXPECT_EQ(task.upstream_token, "token");
  EXPECT_EQ(loop.RunUntilIdle(), 0);
  EXPECT_THAT(store.Get("t1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(LoggedStates("t1"), ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_QUEUED));
}

}  // namespace
}  // namespace seedance::server::tasks
