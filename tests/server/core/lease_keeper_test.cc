// LeaseKeeper with two replicas, each a full task engine with its own fake
// clock and scheduler, on one real PostgreSQL database: a replica that
// stops renewing has its tasks taken over, and learns so at its next write;
// a round drops a task another replica took; a request takes a task over.
#include "server/core/lease_keeper.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/postgres_task_store.h"
#include "tests/server/core/core_harness.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::core {
namespace {

using ::seedance::testing::IsOk;
using ::testing::SizeIs;
using gateway::v1::DELIVERY_MODE_POLL;

// Long beside the poll interval, so that a poll comes before a round.
constexpr absl::Duration kTtl = absl::Seconds(30);

// One replica: its store connection, its engine.
struct Replica {
  Replica(const std::string& uri, const std::string& id, int claim_batch = 100) {
    auto opened = store::PostgresTaskStore::Open({.conninfo = uri, .event_hints = false});
    EXPECT_THAT(opened, IsOk());
    store = *std::move(opened);
    harness = std::make_unique<CoreHarness>(Mode(DELIVERY_MODE_POLL),
                                            CoreHarness::DefaultDriverOptions(), store.get(),
                                            LeaseOptions{.replica = id, .ttl = kTtl, .claim_batch = claim_batch},
                                            store.get());
  }
  LeaseKeeper& keeper() { return *harness->core.leases(); }
  absl::StatusOr<int> Start() {
    absl::StatusOr<int> resumed = absl::InternalError("not run");
    harness->loop.Post([&] { resumed = keeper().Start(); });
    harness->Run();
    return resumed;
  }

  std::unique_ptr<store::PostgresTaskStore> store;
  std::unique_ptr<CoreHarness> harness;
};

class LeaseKeeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> uri = testing::PostgresServer::Shared().CreateDatabase();
    ASSERT_THAT(uri, IsOk());
    db_uri_ = *uri;
    a_ = std::make_unique<Replica>(*uri, "replica-a");
    b_ = std::make_unique<Replica>(*uri, "replica-b");
    ASSERT_THAT(a_->Start(), IsOk());
    ASSERT_THAT(b_->Start(), IsOk());
  }

  // A task created on replica a, accepted upstream as "up-1".
  std::string CreateOnA() {
    absl::StatusOr<v1::VideoTask> task = a_->harness->Create(kAlice, Request());
    EXPECT_THAT(task, IsOk());
    EXPECT_THAT(a_->harness->submits, SizeIs(1));
    a_->harness->submits[0].done(Accepted("up-1"));
    a_->harness->Run();
    return task.ok() ? task->task_id() : "";
  }

  std::string db_uri_;
  std::unique_ptr<Replica> a_;
  std::unique_ptr<Replica> b_;
};

TEST_F(LeaseKeeperTest, ATaskOfAReplicaThatStoppedRenewingIsTakenOverAndPolled) {
  std::string id = CreateOnA();
  // b's rounds within the lease leave the task alone.
  b_->harness->Advance(kTtl / 2);
  EXPECT_EQ(b_->harness->registry.Find(id), nullptr);
  // a is stalled (its clock stands still, it renews nothing); past the
  // lease, b's next round claims the task and polls it upstream itself.
  b_->harness->Advance(kTtl);
  ASSERT_NE(b_->harness->registry.Find(id), nullptr);
  EXPECT_EQ(b_->keeper().taken_over(), 1);
  b_->harness->Advance(CoreHarness::DefaultDriverOptions().poll_initial);
  ASSERT_THAT(b_->harness->retrieves, SizeIs(1));
  EXPECT_EQ(b_->harness->retrieves[0].upstream_task_id, "up-1");
  // a wakes up with a poll answer: its write is fenced out, it lets go.
  a_->harness->Advance(CoreHarness::DefaultDriverOptions().poll_initial);
  ASSERT_THAT(a_->harness->retrieves, SizeIs(1));
  seedance::upstream::v1::TaskRecord running;
  *running.mutable_response() = Answer("running");
  a_->harness->retrieves[0].done(running);
  a_->harness->Run();
  EXPECT_EQ(a_->harness->registry.Find(id), nullptr);
  EXPECT_EQ(a_->store->Get(id)->task().state(), v1::TASK_STATE_QUEUED);
  // b's answer is the one that counts.
  seedance::upstream::v1::TaskRecord done;
  *done.mutable_response() = Answer("succeeded", "https://cdn/v.mp4");
  b_->harness->retrieves[0].done(done);
  b_->harness->Run();
  EXPECT_EQ(b_->store->Get(id)->task().state(), v1::TASK_STATE_SUCCEEDED);
  // Sent upstream once, by a.
  EXPECT_THAT(b_->harness->submits, SizeIs(0));
}

TEST_F(LeaseKeeperTest, ARoundDropsATaskAnotherReplicaTookOver) {
  std::string id = CreateOnA();
  absl::Status taken = absl::InternalError("not run");
  b_->harness->loop.Post([&] { taken = b_->keeper().TakeOver(id, /*resume=*/true); });
  b_->harness->Run();
  ASSERT_THAT(taken, IsOk());
  ASSERT_NE(b_->harness->registry.Find(id), nullptr);
  // a's next round finds its lease gone: the task leaves a, its poll timer
  // with it.
  a_->harness->Advance(kTtl / 3);
  EXPECT_EQ(a_->harness->registry.Find(id), nullptr);
  EXPECT_EQ(a_->keeper().lost(), 1);
  // No more polls from a (within b's lease: past it, with b standing still,
  // a would rightly take the task back).
  size_t polls = a_->harness->retrieves.size();
  a_->harness->Advance(kTtl / 2);
  EXPECT_THAT(a_->harness->retrieves, SizeIs(polls));
}

TEST_F(LeaseKeeperTest, ACancelOnTheOtherReplicaTakesTheTaskOverAndEndsIt) {
  std::string id = CreateOnA();
  absl::StatusOr<v1::VideoTask> cancelled = b_->harness->Cancel(kAlice, id);
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->state(), v1::TASK_STATE_CANCELLED);
  EXPECT_EQ(a_->store->Get(id)->task().state(), v1::TASK_STATE_CANCELLED);
  // Get on a answers from the store, not from its stale live copy.
  EXPECT_EQ(a_->harness->Get(kAlice, id)->state(), v1::TASK_STATE_CANCELLED);
}

TEST_F(LeaseKeeperTest, ARestartedReplicaTakesBackAllItsTasksInBatches) {
  constexpr int kTasks = 5;
  for (int i = 0; i < kTasks; ++i) {
    ASSERT_THAT(a_->harness->Create(kAlice, Request()), IsOk());
  }
  // The same replica id again (a restart), claiming two at a time: every
  // task comes back once, and the start ends.
  Replica again(db_uri_, "replica-a", /*claim_batch=*/2);
  again.harness->clock.Advance(absl::Seconds(1));
  EXPECT_THAT(again.Start(), testing::IsOkAndHolds(kTasks));
  // Each claimed once (epoch 1 to 2), not again and again.
  EXPECT_THAT(testing::QueryOne(db_uri_, "SELECT count(*) FROM seedance_tasks "
                                         "WHERE lease_epoch = 2 AND lease_owner = 'replica-a'"),
              testing::IsOkAndHolds(std::to_string(kTasks)));
}

TEST_F(LeaseKeeperTest, AReplicaStoppingCleanlyLetsTheOthersTakeOverAtOnce) {
  std::string id = CreateOnA();
  a_->harness->loop.Post([&] { a_->harness->core.StopReplicaWork(); });
  a_->harness->Run();
  b_->harness->Advance(kTtl / 3);
  EXPECT_NE(b_->harness->registry.Find(id), nullptr);
}

}  // namespace
}  // namespace seedance::server::core
