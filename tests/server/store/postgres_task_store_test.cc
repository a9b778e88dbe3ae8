// What the PostgreSQL store does beyond the conformance suite: schema
// migrations with several replicas starting at once, the password from the
// environment, and a PostgreSQL server that stops, crashes and comes back.
#include "server/store/postgres_task_store.h"

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/postgres_handles.h"
#include "server/store/postgres_schema.h"
#include "tests/server/store/task_writes.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::store {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::PostgresServer;
using ::seedance::testing::StatusIs;
using ::testing::Each;
using ::testing::SizeIs;

std::string QueryOne(const std::string& uri, const char* sql) {
  absl::StatusOr<std::string> value = testing::QueryOne(uri, sql);
  EXPECT_THAT(value, IsOk());
  return value.value_or("");
}

TEST(PostgresTaskStoreTest, OpeningAgainFindsTheSchemaMigrated) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  {
    auto store = PostgresTaskStore::Open({.conninfo = *uri});
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT((*store)->Commit({Create(Task("t1"))}), IsOk());
  }
  auto again = PostgresTaskStore::Open({.conninfo = *uri});
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT((*again)->Get("t1"), IsOk());
  EXPECT_EQ(QueryOne(*uri, "SELECT count(*) FROM seedance_schema_migrations"),
            std::to_string(PostgresMigrations().size()));
}

TEST(PostgresTaskStoreTest, ReplicasStartingAtOnceMigrateOnce) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  constexpr int kReplicas = 8;
  std::vector<absl::Status> opened(kReplicas);
  {
    absl::Notification go;
    std::vector<std::thread> threads;
    for (int i = 0; i < kReplicas; ++i) {
      threads.emplace_back([&, i] {
        go.WaitForNotification();
        opened[i] = PostgresTaskStore::Open({.conninfo = *uri}).status();
      });
    }
    go.Notify();
    for (std::thread& t : threads) t.join();
  }
  EXPECT_THAT(opened, Each(IsOk()));
  EXPECT_EQ(QueryOne(*uri, "SELECT count(*) FROM seedance_schema_migrations"),
            std::to_string(PostgresMigrations().size()));
}

TEST(PostgresTaskStoreTest, MigrationsApplyOnlyTheMissingSteps) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  absl::StatusOr<PgConnection> conn = ConnectPostgres(*uri);
  ASSERT_THAT(conn, IsOk());
  const PostgresMigration steps[] = {{1, "CREATE TABLE a(x integer)"},
                                     {2, "CREATE TABLE b(x integer)"}};
  EXPECT_THAT(PostgresSchemaVersionOf(conn->get()), testing::IsOkAndHolds(0));
  ASSERT_THAT(MigratePostgresSchema(conn->get(), absl::MakeConstSpan(steps, 1)), IsOk());
  EXPECT_THAT(PostgresSchemaVersionOf(conn->get()), testing::IsOkAndHolds(1));
  // Step 1 would fail if it ran again (the table exists): only step 2 runs.
  ASSERT_THAT(MigratePostgresSchema(conn->get(), steps), IsOk());
  EXPECT_THAT(PostgresSchemaVersionOf(conn->get()), testing::IsOkAndHolds(2));
  EXPECT_EQ(QueryOne(*uri, "SELECT to_regclass('b') IS NOT NULL"), "t");
}

TEST(PostgresTaskStoreTest, AFailedStepLeavesTheSchemaAsItWas) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  absl::StatusOr<PgConnection> conn = ConnectPostgres(*uri);
  ASSERT_THAT(conn, IsOk());
  const PostgresMigration steps[] = {{1, "CREATE TABLE a(x integer)"},
                                     {2, "CREATE TABLE b(x no_such_type)"}};
  EXPECT_THAT(MigratePostgresSchema(conn->get(), steps), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(PostgresSchemaVersionOf(conn->get()), testing::IsOkAndHolds(0));
  EXPECT_EQ(QueryOne(*uri, "SELECT to_regclass('a') IS NULL"), "t");
}

TEST(PostgresTaskStoreTest, ASchemaNewerThanThisBuildIsRefused) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  ASSERT_THAT(PostgresTaskStore::Open({.conninfo = *uri}), IsOk());
  std::string newer = std::to_string(PostgresSchemaVersion() + 1);
  absl::StatusOr<PgConnection> conn = ConnectPostgres(*uri);
  ASSERT_THAT(conn, IsOk());
  std::string sql = "INSERT INTO seedance_schema_migrations(version) VALUES(" + newer + ")";
  ASSERT_THAT(ExecCommand(conn->get(), "pretend a newer gateway ran", sql.c_str()), IsOk());
  auto store = PostgresTaskStore::Open({.conninfo = *uri});
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(store.status().message(), ::testing::HasSubstr("version " + newer));
}

TEST(PostgresTaskStoreTest, ThePasswordMayComeFromTheEnvironment) {
  PostgresServer& pg = PostgresServer::Shared();
  absl::StatusOr<std::string> uri = pg.CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  std::string without_password = pg.Uri(uri->substr(uri->rfind('/') + 1));
  EXPECT_THAT(PostgresTaskStore::Open({.conninfo = without_password}),
              StatusIs(absl::StatusCode::kUnavailable));
  setenv("PGPASSWORD", pg.password().c_str(), 1);
  absl::StatusOr<std::unique_ptr<PostgresTaskStore>> store =
      PostgresTaskStore::Open({.conninfo = without_password});
  unsetenv("PGPASSWORD");
  ASSERT_THAT(store, IsOk());
  EXPECT_THAT((*store)->Commit({Create(Task("t1"))}), IsOk());
}

TEST(PostgresTaskStoreTest, OfReplicasRacingOnOneRevisionExactlyOneWins) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  constexpr int kReplicas = 6;
  std::vector<std::unique_ptr<PostgresTaskStore>> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    auto store = PostgresTaskStore::Open({.conninfo = *uri});
    ASSERT_THAT(store, IsOk());
    replicas.push_back(*std::move(store));
  }
  StoredTask t = Task("t1");
  ASSERT_THAT(replicas[0]->Commit({Create(t)}), IsOk());
  std::vector<absl::Status> outcomes(kReplicas);
  {
    absl::Notification go;
    std::vector<std::thread> threads;
    for (int i = 0; i < kReplicas; ++i) {
      threads.emplace_back([&, i, copy = t]() mutable {
        TaskStore::Write w = Advance(copy, v1::TASK_STATE_QUEUED);
        w.task.set_owner("replica-" + std::to_string(i));
        go.WaitForNotification();
        outcomes[i] = replicas[i]->Commit({w});
      });
    }
    go.Notify();
    for (std::thread& th : threads) th.join();
  }
  int won = -1;
  for (int i = 0; i < kReplicas; ++i) {
    if (outcomes[i].ok()) {
      EXPECT_EQ(won, -1) << "two replicas won";
      won = i;
    } else {
      EXPECT_THAT(outcomes[i], StatusIs(absl::StatusCode::kAborted));
    }
  }
  ASSERT_NE(won, -1);
  absl::StatusOr<StoredTask> stored = replicas[0]->Get("t1");
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->owner(), "replica-" + std::to_string(won));
  EXPECT_THAT(*replicas[0]->Events("t1", 0), SizeIs(2));
}

TEST(PostgresTaskStoreTest, CallsFailUnavailableWhileTheServerIsDownAndWorkAfter) {
  absl::StatusOr<std::unique_ptr<PostgresServer>> pg = PostgresServer::Start();
  ASSERT_THAT(pg, IsOk());
  absl::StatusOr<std::string> uri = (*pg)->CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  auto store = PostgresTaskStore::Open({.conninfo = *uri, .connect_timeout = absl::Seconds(2)});
  ASSERT_THAT(store, IsOk());
  StoredTask t = Task("t1");
  ASSERT_THAT((*store)->Commit({Create(t)}), IsOk());

  ASSERT_THAT((*pg)->Stop(), IsOk());
  StoredTask stale = t;
  EXPECT_THAT((*store)->Get("t1"), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT((*store)->Commit({Advance(stale, v1::TASK_STATE_QUEUED)}),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT((*store)->ListUnfinished(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT((*store)->Ping(), StatusIs(absl::StatusCode::kUnavailable));

  ASSERT_THAT((*pg)->Restart(), IsOk());
  EXPECT_THAT((*store)->Ping(), IsOk());
  // The same store object reconnects by itself; the failed write left
  // nothing behind.
  absl::StatusOr<StoredTask> got = (*store)->Get("t1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->revision(), 1u);
  EXPECT_THAT((*store)->Commit({Advance(t, v1::TASK_STATE_QUEUED)}), IsOk());
  EXPECT_THAT(*(*store)->Events("t1", 0), SizeIs(2));
}

TEST(PostgresTaskStoreTest, ACrashedServerKeepsWhatWasCommitted) {
  absl::StatusOr<std::unique_ptr<PostgresServer>> pg = PostgresServer::Start();
  ASSERT_THAT(pg, IsOk());
  absl::StatusOr<std::string> uri = (*pg)->CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  StoredTask t = Task("t1");
  {
    auto store = PostgresTaskStore::Open({.conninfo = *uri});
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT((*store)->Commit({Create(t)}), IsOk());
    ASSERT_THAT((*store)->Commit({Advance(t, v1::TASK_STATE_RUNNING)}), IsOk());
    // Immediate shutdown while the store's connections are open: no
    // checkpoint, so what is kept comes from the WAL's replay.
    ASSERT_THAT((*pg)->Crash(), IsOk());
  }
  ASSERT_THAT((*pg)->Restart(), IsOk());
  auto store = PostgresTaskStore::Open({.conninfo = *uri});
  ASSERT_THAT(store, IsOk());
  absl::StatusOr<StoredTask> got = (*store)->Get("t1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->task().state(), v1::TASK_STATE_RUNNING);
  EXPECT_THAT(*(*store)->Events("t1", 0), SizeIs(2));
  EXPECT_THAT(*(*store)->ListUnfinished(), SizeIs(1));
}

}  // namespace
}  // namespace seedance::server::store
