#include "server/tasks/task_loop.h"

#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/in_memory_task_store.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::tasks {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;

store::TaskStore::Write CreateWrite(const std::string& id) {
  StoredTask t;
  t.mutable_task()->set_task_id(id);
  t.set_revision(1);
  return {t, 0, std::nullopt};
}

TEST(TaskLoopTest, WritesStagedInOneBatchCommitTogetherBeforeTheirContinuations) {
  store::InMemoryTaskStore store;
  TaskLoop loop(store);
  std::vector<std::string> order;
  for (const char* id : {"a", "b", "c"}) {
    loop.Post([&, id] {
      order.push_back(std::string("run ") + id);
      loop.Stage(CreateWrite(id), [&, id](absl::Status s) {
        EXPECT_THAT(s, IsOk());
        // Durable by the time the continuation runs.
        EXPECT_THAT(store.Get(id), IsOk());
        order.push_back(std::string("committed ") + id);
      });
    });
  }
  loop.RunUntilIdle();
  EXPECT_THAT(order, ElementsAre("run a", "run b", "run c", "committed a", "committed b",
                                 "committed c"));
  EXPECT_EQ(loop.batches_committed(), 1);
  EXPECT_EQ(loop.writes_committed(), 3);
}

TEST(TaskLoopTest, OneBadWriteDoesNotFailItsBatchNeighbours) {
  store::InMemoryTaskStore store;
  ASSERT_THAT(store.Commit({CreateWrite("dup")}), IsOk());
  TaskLoop loop(store);
  absl::Status dup_status, ok_status;
  loop.Post([&] {
    loop.Stage(CreateWrite("dup"), [&](absl::Status s) { dup_status = s; });
    loop.Stage(CreateWrite("fresh"), [&](absl::Status s) { ok_status = s; });
  });
  loop.RunUntilIdle();
  EXPECT_THAT(dup_status, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(ok_status, IsOk());
  EXPECT_THAT(store.Get("fresh"), IsOk());
}

TEST(TaskLoopTest, ThreadRunsPostedWorkAndStopsAfterDraining) {
  store::InMemoryTaskStore store;
  TaskLoop loop(store);
  loop.Start();
  absl::Notification ran;
  bool on_loop = false;
  loop.Post([&] {
    on_loop = loop.OnLoop();
    loop.Stage(CreateWrite("x"), [&](absl::Status) { ran.Notify(); });
  });
  ran.WaitForNotification();
  EXPECT_TRUE(on_loop);
  EXPECT_FALSE(loop.OnLoop());
  loop.Stop();
  EXPECT_THAT(store.Get("x"), IsOk());
  // Work posted after Stop is dropped, not queued: driving the loop by hand
  // afterwards finds nothing to run.
  bool ran_after_stop = false;
  loop.Post([&] { ran_after_stop = true; });
  loop.Stop();  // idempotent
  EXPECT_EQ(loop.RunUntilIdle(), 0);
  EXPECT_FALSE(ran_after_stop);
}

}  // namespace
}  // namespace seedance::server::tasks
