// TaskLeases on PostgreSQL: which tasks a replica may claim, that a claim
// fences out the replica that held the task before, renewal and release,
// and replicas claiming at once.
#include "server/store/task_leases.h"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/postgres_task_store.h"
#include "tests/server/store/task_writes.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::store {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
constexpr absl::Duration kTtl = absl::Seconds(10);

std::unique_ptr<PostgresTaskStore> OpenStore(const std::string& uri) {
  auto store = PostgresTaskStore::Open({.conninfo = uri});
  EXPECT_THAT(store, IsOk());
  return store.ok() ? *std::move(store) : nullptr;
}

class TaskLeasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> uri = testing::PostgresServer::Shared().CreateDatabase();
    ASSERT_THAT(uri, IsOk());
    uri_ = *uri;
    store_ = OpenStore(uri_);
    ASSERT_NE(store_, nullptr);
  }

  // Creates `id` held by `replica` until `expires` (no lease: replica "").
  void CreateHeld(StoredTask& t, const std::string& replica, absl::Time expires) {
    TaskStore::Write w = Create(t);
    if (!replica.empty()) w.lease = Lease{.replica = replica, .epoch = 1, .expires = expires};
    ASSERT_THAT(store_->Commit({w}), IsOk());
  }

  std::vector<std::string> Ids(const std::vector<TaskLeases::Claim>& claims) {
    std::vector<std::string> ids;
    for (const TaskLeases::Claim& c : claims) ids.push_back(c.task.task().task_id());
    return ids;
  }

  std::string uri_;
  std::unique_ptr<PostgresTaskStore> store_;
};

TEST_F(TaskLeasesTest, ClaimsUnfinishedTasksWithoutALiveLeaseOldestFirst) {
  StoredTask none = Task("none", "alice", 101);
  StoredTask live = Task("live", "alice", 102);
  StoredTask expired = Task("expired", "alice", 100);
  StoredTask ended = Task("ended", "alice", 99, v1::TASK_STATE_SUCCEEDED);
  CreateHeld(none, "", kNow);
  CreateHeld(live, "gw-a", kNow + absl::Seconds(1));
  CreateHeld(expired, "gw-a", kNow - absl::Seconds(1));
  CreateHeld(ended, "", kNow);
  absl::StatusOr<std::vector<TaskLeases::Claim>> claims =
      store_->ClaimExpired({.replica = "gw-b", .now = kNow, .ttl = kTtl});
  ASSERT_THAT(claims, IsOk());
  EXPECT_THAT(Ids(*claims), ElementsAre("expired", "none"));
  EXPECT_EQ((*claims)[0].lease.epoch, 2u);  // the claim raised gw-a's epoch 1
  EXPECT_EQ((*claims)[1].lease.epoch, 1u);
  EXPECT_EQ((*claims)[0].lease.replica, "gw-b");
  EXPECT_EQ((*claims)[0].previous_replica, "gw-a");
  EXPECT_EQ((*claims)[1].previous_replica, "");
  EXPECT_EQ((*claims)[0].lease.expires, kNow + kTtl);
  // Claimed now: a second claim finds nothing.
  EXPECT_THAT(*store_->ClaimExpired({.replica = "gw-c", .now = kNow, .ttl = kTtl}), IsEmpty());
}

TEST_F(TaskLeasesTest, AClaimFencesOutTheReplicaThatHeldTheTask) {
  StoredTask t = Task("t");
  CreateHeld(t, "gw-a", kNow);
  StoredTask at_a = t;
  absl::StatusOr<std::vector<TaskLeases::Claim>> claims = store_->ClaimExpired(
      {.replica = "gw-b", .now = kNow + absl::Seconds(1), .ttl = kTtl});
  ASSERT_THAT(claims, IsOk());
  ASSERT_THAT(*claims, SizeIs(1));
  // gw-a paused past its lease and wakes up with a write: nothing changes.
  TaskStore::Write stale = Advance(at_a, v1::TASK_STATE_FAILED);
  stale.lease = Lease{.replica = "gw-a", .epoch = 1};
  absl::Status fenced = store_->Commit({stale});
  EXPECT_THAT(fenced, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(fenced.message(), ::testing::HasSubstr("gw-b"));
  EXPECT_EQ(store_->Get("t")->task().state(), v1::TASK_STATE_PENDING);
  EXPECT_THAT(*store_->Events("t", 0), SizeIs(1));
  // The new holder's write, at its epoch, applies.
  TaskStore::Write fresh = Advance(t, v1::TASK_STATE_QUEUED);
  fresh.lease = (*claims)[0].lease;
  EXPECT_THAT(store_->Commit({fresh}), IsOk());
  // And gw-a renews nothing: it learns it lost the task.
  EXPECT_THAT(*store_->Renew("gw-a", kNow + absl::Seconds(2), kTtl), IsEmpty());
  EXPECT_THAT(*store_->Renew("gw-b", kNow + absl::Seconds(2), kTtl), ElementsAre(Pair("t", 2u)));
}

TEST_F(TaskLeasesTest, RenewalKeepsTasksFromBeingClaimed) {
  StoredTask a = Task("a", "alice", 100);
  StoredTask b = Task("b", "alice", 101);
  CreateHeld(a, "gw-a", kNow + kTtl);
  CreateHeld(b, "gw-a", kNow + kTtl);
  absl::Time later = kNow + absl::Seconds(8);
  absl::StatusOr<std::vector<std::pair<std::string, uint64_t>>> held =
      store_->Renew("gw-a", later, kTtl);
  ASSERT_THAT(held, IsOk());
  EXPECT_THAT(*held, ::testing::UnorderedElementsAre(Pair("a", 1u), Pair("b", 1u)));
  // Past the first lease, inside the renewed one.
  EXPECT_THAT(*store_->ClaimExpired({.replica = "gw-b", .now = kNow + absl::Seconds(12),
                                     .ttl = kTtl}),
              IsEmpty());
  EXPECT_THAT(*store_->ClaimExpired({.replica = "gw-b", .now = later + kTtl + absl::Seconds(1),
                                     .ttl = kTtl}),
              SizeIs(2));
}

TEST_F(TaskLeasesTest, AReplicaRestartingWithItsIdTakesItsTasksBackAtOnce) {
  StoredTask t = Task("t");
  CreateHeld(t, "gw-a", kNow + kTtl);
  EXPECT_THAT(*store_->ClaimExpired({.replica = "gw-a", .now = kNow, .ttl = kTtl}), IsEmpty());
  // Restarted a second later.
  absl::Time restart = kNow + absl::Seconds(1);
  absl::StatusOr<std::vector<TaskLeases::Claim>> claims = store_->ClaimExpired(
      {.replica = "gw-a", .now = restart, .ttl = kTtl, .include_own = true});
  ASSERT_THAT(claims, IsOk());
  ASSERT_THAT(*claims, SizeIs(1));
  // A new epoch: a previous process of gw-a that still runs is fenced out.
  EXPECT_EQ((*claims)[0].lease.epoch, 2u);
  // Claiming again in the same start finds it claimed already (a start
  // claims in batches until a batch comes back short).
  EXPECT_THAT(*store_->ClaimExpired(
                  {.replica = "gw-a", .now = restart, .ttl = kTtl, .include_own = true}),
              IsEmpty());
}

TEST_F(TaskLeasesTest, AStealTakesALiveLeaseAndFencesItsHolder) {
  StoredTask t = Task("t");
  CreateHeld(t, "gw-a", kNow + kTtl);
  StoredTask ended = Task("ended", "alice", 100, v1::TASK_STATE_SUCCEEDED);
  CreateHeld(ended, "gw-a", kNow + kTtl);
  absl::StatusOr<TaskLeases::Claim> stolen = store_->Steal("gw-b", "t", kNow, kTtl);
  ASSERT_THAT(stolen, IsOk());
  EXPECT_EQ(stolen->lease.epoch, 2u);
  EXPECT_EQ(stolen->task.task().task_id(), "t");
  TaskStore::Write stale = Advance(t, v1::TASK_STATE_QUEUED);
  stale.lease = Lease{.replica = "gw-a", .epoch = 1};
  EXPECT_THAT(store_->Commit({stale}), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(store_->Steal("gw-b", "ended", kNow, kTtl), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->Steal("gw-b", "unknown", kNow, kTtl),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TaskLeasesTest, CountsTheTasksInProgressOfEveryReplica) {
  StoredTask a = Task("a", "alice", 100, v1::TASK_STATE_PENDING);
  StoredTask b = Task("b", "bob", 101, v1::TASK_STATE_RUNNING);
  StoredTask c = Task("c", "alice", 102, v1::TASK_STATE_SUCCEEDED);
  StoredTask d = Task("d", "alice", 103, v1::TASK_STATE_QUEUED);
  CreateHeld(a, "gw-a", kNow);
  CreateHeld(b, "gw-b", kNow);
  CreateHeld(c, "gw-a", kNow);
  CreateHeld(d, "", kNow);
  EXPECT_THAT(store_->CountInProgress(), testing::IsOkAndHolds(3));
  ASSERT_THAT(store_->Commit({Advance(d, v1::TASK_STATE_FAILED)}), IsOk());
  EXPECT_THAT(store_->CountInProgress(), testing::IsOkAndHolds(2));
}

TEST_F(TaskLeasesTest, ReleasedTasksCanBeClaimedAtOnce) {
  StoredTask t = Task("t");
  StoredTask kept = Task("kept");
  CreateHeld(t, "gw-a", kNow + kTtl);
  CreateHeld(kept, "gw-a", kNow + kTtl);
  ASSERT_THAT(store_->Release("gw-a", {"t"}), IsOk());
  // Another replica's release of a task it does not hold changes nothing.
  ASSERT_THAT(store_->Release("gw-b", {"kept"}), IsOk());
  EXPECT_THAT(Ids(*store_->ClaimExpired({.replica = "gw-b", .now = kNow, .ttl = kTtl})),
              ElementsAre("t"));
}

TEST_F(TaskLeasesTest, ReplicasClaimingAtOnceNeverClaimTheSameTask) {
  constexpr int kTasks = 60;
  constexpr int kReplicas = 4;
  for (int i = 0; i < kTasks; ++i) {
    StoredTask t = Task(absl::StrCat("t", i), "alice", 100 + i);
    CreateHeld(t, "", kNow);
  }
  std::vector<std::unique_ptr<PostgresTaskStore>> replicas;
  for (int i = 0; i < kReplicas; ++i) replicas.push_back(OpenStore(uri_));
  std::vector<std::vector<std::string>> claimed(kReplicas);
  absl::Notification go;
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      go.WaitForNotification();
      while (true) {
        absl::StatusOr<std::vector<TaskLeases::Claim>> claims = replicas[i]->ClaimExpired(
            {.replica = absl::StrCat("gw-", i), .now = kNow, .ttl = kTtl, .limit = 7});
        if (!claims.ok() || claims->empty()) return;
        for (const TaskLeases::Claim& c : *claims) claimed[i].push_back(c.task.task().task_id());
      }
    });
  }
  go.Notify();
  for (std::thread& t : threads) t.join();
  std::multiset<std::string> all;
  for (const auto& ids : claimed) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kTasks));
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), static_cast<size_t>(kTasks));
}

}  // namespace
}  // namespace seedance::server::store
