// One conformance suite, run against every TaskStore implementation: they
// must be interchangeable.
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/in_memory_task_store.h"
#include "server/store/postgres_task_store.h"
#include "server/store/sqlite_task_store.h"
#include "server/store/task_store.h"
#include "tests/server/store/task_writes.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::server::store {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Property;
using ::testing::SizeIs;

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<TaskStore>(const std::string& dir)> make;
};

class TaskStoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().make(dir_.path()); }

  testing::TempDir dir_;
  std::unique_ptr<TaskStore> store_;
};

TEST_P(TaskStoreConformanceTest, CreatedTaskCanBeReadBack) {
  StoredTask t = Task("t1", "alice", 100);
  t.set_callback_secret("s3cret");
  ASSERT_THAT(store_->Commit({Create(t)}), IsOk());
  absl::StatusOr<StoredTask> got = store_->Get("t1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->SerializeAsString(), t.SerializeAsString());
  EXPECT_THAT(store_->Get("nope"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(TaskStoreConformanceTest, CreatingAnExistingTaskFails) {
  ASSERT_THAT(store_->Commit({Create(Task("t1", "alice", 100))}), IsOk());
  EXPECT_THAT(store_->Commit({Create(Task("t1", "bob", 200))}),
              StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(store_->Get("t1")->owner(), "alice");
}

TEST_P(TaskStoreConformanceTest, RequestIdIsUniquePerOwner) {
  ASSERT_THAT(store_->Commit({Create(Task("t1", "alice", 100, v1::TASK_STATE_PENDING,
                                          "req-1"))}),
              IsOk());
  EXPECT_THAT(store_->Commit({Create(Task("t2", "alice", 101, v1::TASK_STATE_PENDING,
                                          "req-1"))}),
              StatusIs(absl::StatusCode::kAlreadyExists));
  // Another owner may use the same request_id; tasks without one never clash.
  EXPECT_THAT(store_->Commit({Create(Task("t3", "bob", 102, v1::TASK_STATE_PENDING,
                                          "req-1"))}),
              IsOk());
  EXPECT_THAT(store_->Commit({Create(Task("t4", "alice", 103)),
                              Create(Task("t5", "alice", 104))}),
              IsOk());
  EXPECT_EQ(store_->FindByRequestId("alice", "req-1")->task().task_id(), "t1");
  EXPECT_EQ(store_->FindByRequestId("bob", "req-1")->task().task_id(), "t3");
  EXPECT_THAT(store_->FindByRequestId("carol", "req-1"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(TaskStoreConformanceTest, UpdatesAreCompareAndSetOnRevision) {
  StoredTask t = Task("t1", "alice", 100);
  ASSERT_THAT(store_->Commit({Create(t)}), IsOk());
  StoredTask stale = t;
  ASSERT_THAT(store_->Commit({Advance(t, v1::TASK_STATE_QUEUED)}), IsOk());
  EXPECT_THAT(store_->Commit({Advance(stale, v1::TASK_STATE_RUNNING)}),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(store_->Get("t1")->task().state(), v1::TASK_STATE_QUEUED);
}

TEST_P(TaskStoreConformanceTest, MalformedWritesAreRejected) {
  StoredTask t = Task("t1", "alice", 100);
  t.set_revision(5);  // must be expected + 1
  EXPECT_THAT(store_->Commit({{t, 0, std::nullopt}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  StoredTask no_id = Task("", "alice", 100);
  EXPECT_THAT(store_->Commit({{no_id, 0, std::nullopt}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  StoredTask wrong_event = Task("t2", "alice", 100);
  v1::TaskEvent e = EventFor(wrong_event);
  e.set_sequence(7);
  EXPECT_THAT(store_->Commit({{wrong_event, 0, e}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Get("t2"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_P(TaskStoreConformanceTest, BatchAppliesAllOrNothing) {
  StoredTask a = Task("a", "alice", 100);
  ASSERT_THAT(store_->Commit({Create(a)}), IsOk());
  StoredTask b = Task("b", "alice", 101);
  StoredTask stale_a = a;
  stale_a.set_revision(7);  // expected 6: wrong
  EXPECT_THAT(store_->Commit({Create(b), {stale_a, 6, std::nullopt}}),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(store_->Get("b"), StatusIs(absl::StatusCode::kNotFound));
  // Several writes to one task in one batch chain their revisions.
  StoredTask c = Task("c", "alice", 102);
  TaskStore::Write create = Create(c);
  TaskStore::Write queued = Advance(c, v1::TASK_STATE_QUEUED);
  TaskStore::Write running = Advance(c, v1::TASK_STATE_RUNNING);
  ASSERT_THAT(store_->Commit({create, queued, running}), IsOk());
  EXPECT_EQ(store_->Get("c")->revision(), 3u);
  EXPECT_THAT(*store_->Events("c", 0), SizeIs(3));
}

TEST_P(TaskStoreConformanceTest, EventsComeInSequenceAfterTheGivenOne) {
  StoredTask t = Task("t1", "alice", 100);
  ASSERT_THAT(store_->Commit({Create(t)}), IsOk());
  ASSERT_THAT(store_->Commit({Advance(t, v1::TASK_STATE_QUEUED)}), IsOk());
  ASSERT_THAT(store_->Commit({Advance(t, v1::TASK_STATE_RUNNING)}), IsOk());
  ASSERT_THAT(store_->Commit({Advance(t, v1::TASK_STATE_SUCCEEDED)}), IsOk());
  auto seq = [](uint64_t n) { return Property(&v1::TaskEvent::sequence, n); };
  EXPECT_THAT(*store_->Events("t1", 0), ElementsAre(seq(1), seq(2), seq(3), seq(4)));
  EXPECT_THAT(*store_->Events("t1", 2), ElementsAre(seq(3), seq(4)));
  EXPECT_THAT(*store_->Events("t1", 4), IsEmpty());
  EXPECT_THAT(*store_->Events("unknown", 0), IsEmpty());
  EXPECT_EQ((*store_->Events("t1", 3))[0].state(), v1::TASK_STATE_SUCCEEDED);
}

TEST_P(TaskStoreConformanceTest, EventsOfManyTasksComeGroupedAfterEachCursor) {
  StoredTask a = Task("a");
  StoredTask b = Task("b");
  StoredTask c = Task("c");
  ASSERT_THAT(store_->Commit({Create(a), Create(b), Create(c)}), IsOk());
  ASSERT_THAT(store_->Commit({Advance(a, v1::TASK_STATE_QUEUED), Advance(b, v1::TASK_STATE_QUEUED)}),
              IsOk());
  ASSERT_THAT(store_->Commit({Advance(a, v1::TASK_STATE_RUNNING)}), IsOk());
  std::vector<EventCursor> cursors = {{"b", 0}, {"a", 1}, {"c", 1}, {"unknown", 0}};
  absl::StatusOr<std::vector<v1::TaskEvent>> events = store_->EventsOfTasks(cursors);
  ASSERT_THAT(events, IsOk());
  std::map<std::string, std::vector<uint64_t>> by_task;
  std::vector<std::string> order;
  for (const v1::TaskEvent& e : *events) {
    if (order.empty() || order.back() != e.task_id()) order.push_back(e.task_id());
    by_task[e.task_id()].push_back(e.sequence());
  }
  EXPECT_THAT(by_task["a"], ElementsAre(2, 3));
  EXPECT_THAT(by_task["b"], ElementsAre(1, 2));
  EXPECT_EQ(by_task.count("c"), 0u);  // nothing after its cursor
  EXPECT_THAT(order, SizeIs(2));      // each task's events together
  EXPECT_THAT(*store_->EventsOfTasks({}), IsEmpty());
}

TEST_P(TaskStoreConformanceTest, AnOpenStoreAnswersPing) { EXPECT_THAT(store_->Ping(), IsOk()); }

TEST_P(TaskStoreConformanceTest, ListsOwnersTasksNewestFirstInPages) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_THAT(store_->Commit({Create(Task(absl::StrCat("a", i), "alice", 100 + i))}),
                IsOk());
  }
  ASSERT_THAT(store_->Commit({Create(Task("b0", "bob", 200))}), IsOk());
  std::vector<std::string> seen;
  ListQuery query{.owner = "alice", .page_size = 3};
  int pages = 0;
  do {
    absl::StatusOr<TaskPage> page = store_->List(query);
    ASSERT_THAT(page, IsOk());
    for (const StoredTask& t : page->tasks) seen.push_back(t.task().task_id());
    query.page_token = page->next_page_token;
    ++pages;
  } while (!query.page_token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(seen, ElementsAre("a6", "a5", "a4", "a3", "a2", "a1", "a0"));
}

TEST_P(TaskStoreConformanceTest, ListsTiesInCreationTimeStably) {
  for (const char* id : {"x", "z", "y"}) {
    ASSERT_THAT(store_->Commit({Create(Task(id, "alice", 100))}), IsOk());
  }
  ListQuery query{.owner = "alice", .page_size = 2};
  absl::StatusOr<TaskPage> first = store_->List(query);
  ASSERT_THAT(first, IsOk());
  query.page_token = first->next_page_token;
  absl::StatusOr<TaskPage> second = store_->List(query);
  ASSERT_THAT(second, IsOk());
  auto id = [](const char* s) {
    return Property(&StoredTask::task,
                    Property(&v1::VideoTask::task_id, std::string(s)));
  };
  EXPECT_THAT(first->tasks, ElementsAre(id("z"), id("y")));
  EXPECT_THAT(second->tasks, ElementsAre(id("x")));
  EXPECT_EQ(second->next_page_token, "");
}

TEST_P(TaskStoreConformanceTest, ListsFilterByState) {
  StoredTask done = Task("done", "alice", 100);
  ASSERT_THAT(store_->Commit({Create(done)}), IsOk());
  ASSERT_THAT(store_->Commit({Advance(done, v1::TASK_STATE_SUCCEEDED)}), IsOk());
  ASSERT_THAT(store_->Commit({Create(Task("running", "alice", 101,
                                          v1::TASK_STATE_RUNNING))}),
              IsOk());
  ASSERT_THAT(store_->Commit({Create(Task("failed", "alice", 102,
                                          v1::TASK_STATE_FAILED))}),
              IsOk());
  absl::StatusOr<TaskPage> page = store_->List(
      {.owner = "alice",
       .states = {v1::TASK_STATE_SUCCEEDED, v1::TASK_STATE_FAILED},
       .page_size = 10});
  ASSERT_THAT(page, IsOk());
  ASSERT_THAT(page->tasks, SizeIs(2));
  EXPECT_EQ(page->tasks[0].task().task_id(), "failed");
  EXPECT_EQ(page->tasks[1].task().task_id(), "done");
}

TEST_P(TaskStoreConformanceTest, ForeignPageTokensAreRejected) {
  EXPECT_THAT(store_->List({.owner = "alice", .page_token = "garbage!"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->List({.owner = "alice", .page_token = "cDE6eDp5"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_P(TaskStoreConformanceTest, UnfinishedTasksAreListedOldestFirst) {
  StoredTask a = Task("a", "alice", 103);
  StoredTask b = Task("b", "bob", 101, v1::TASK_STATE_RUNNING);
  StoredTask c = Task("c", "alice", 102);
  ASSERT_THAT(store_->Commit({Create(a), Create(b), Create(c)}), IsOk());
  ASSERT_THAT(store_->Commit({Advance(c, v1::TASK_STATE_EXPIRED)}), IsOk());
  absl::StatusOr<std::vector<StoredTask>> unfinished = store_->ListUnfinished();
  ASSERT_THAT(unfinished, IsOk());
  ASSERT_THAT(*unfinished, SizeIs(2));
  EXPECT_EQ((*unfinished)[0].task().task_id(), "b");
  EXPECT_EQ((*unfinished)[1].task().task_id(), "a");
}

TEST_P(TaskStoreConformanceTest, EndedTasksWithAPendingWebhookAreUnfinished) {
  StoredTask t = Task("hook", "alice", 100);
  t.mutable_task()->mutable_spec()->set_callback_url("https://me.example/hook");
  ASSERT_THAT(store_->Commit({Create(t)}), IsOk());
  ASSERT_THAT(store_->Commit({Advance(t, v1::TASK_STATE_SUCCEEDED)}), IsOk());
  EXPECT_THAT(*store_->ListUnfinished(), SizeIs(1));
  uint64_t expected = t.revision();
  t.set_revision(expected + 1);
  t.mutable_webhook()->set_finished(true);
  ASSERT_THAT(store_->Commit({{t, expected, std::nullopt}}), IsOk());
  EXPECT_THAT(*store_->ListUnfinished(), IsEmpty());
}

TEST_P(TaskStoreConformanceTest, SucceededTasksWithAContentFetchPendingAreUnfinished) {
  StoredTask t = Task("kept", "alice", 100);
  ASSERT_THAT(store_->Commit({Create(t)}), IsOk());
  t.mutable_task()->mutable_result()->set_video_url("https://cdn.example/v.mp4");
  t.mutable_task()->mutable_video_content()->set_state(v1::CONTENT_STATE_PENDING);
  ASSERT_THAT(store_->Commit({Advance(t, v1::TASK_STATE_SUCCEEDED)}), IsOk());
  EXPECT_THAT(*store_->ListUnfinished(), SizeIs(1));
  uint64_t expected = t.revision();
  t.set_revision(expected + 1);
  t.mutable_task()->mutable_video_content()->set_state(v1::CONTENT_STATE_FAILED);
  ASSERT_THAT(store_->Commit({{t, expected, std::nullopt}}), IsOk());
  EXPECT_THAT(*store_->ListUnfinished(), IsEmpty());
}

// A new database on the test process's PostgreSQL server.
std::unique_ptr<TaskStore> OpenPostgresStore() {
  absl::StatusOr<std::string> uri = testing::PostgresServer::Shared().CreateDatabase();
  EXPECT_TRUE(uri.ok()) << uri.status();
  if (!uri.ok()) return nullptr;
  auto store = PostgresTaskStore::Open({.conninfo = *uri});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(
    AllStores, TaskStoreConformanceTest,
    ::testing::Values(
        StoreFactory{"InMemory",
                     [](const std::string&) -> std::unique_ptr<TaskStore> {
                       return std::make_unique<InMemoryTaskStore>();
                     }},
        StoreFactory{"Sqlite",
                     [](const std::string& dir) -> std::unique_ptr<TaskStore> {
                       auto store = SqliteTaskStore::Open({.path = dir + "/tasks.db"});
                       EXPECT_TRUE(store.ok()) << store.status();
                       return store.ok() ? *std::move(store) : nullptr;
                     }},
        StoreFactory{"Postgres",
                     [](const std::string&) -> std::unique_ptr<TaskStore> {
                       return OpenPostgresStore();
                     }}),
    [](const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.name; });

TEST(SqliteTaskStoreTest, TasksSurviveReopening) {
  testing::TempDir dir;
  std::string path = dir.path() + "/tasks.db";
  StoredTask t = Task("t1", "alice", 100);
  {
    auto store = SqliteTaskStore::Open({.path = path});
    ASSERT_THAT(store, IsOk());
    ASSERT_THAT((*store)->Commit({Create(t)}), IsOk());
    ASSERT_THAT((*store)->Commit({Advance(t, v1::TASK_STATE_RUNNING)}), IsOk());
  }
  auto reopened = SqliteTaskStore::Open(
      {.path = path, .durability = SqliteTaskStore::Durability::kProcessCrash});
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ((*reopened)->Get("t1")->task().state(), v1::TASK_STATE_RUNNING);
  EXPECT_THAT(*(*reopened)->Events("t1", 0), SizeIs(2));
  EXPECT_THAT(*(*reopened)->ListUnfinished(), SizeIs(1));
}

TEST(SqliteTaskStoreTest, UnopenablePathIsUnavailable) {
  testing::TempDir dir;
  EXPECT_THAT(SqliteTaskStore::Open({.path = dir.path() + "/missing/dir/tasks.db"}),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(SqliteTaskStoreTest, CorruptFileIsReported) {
  testing::TempDir dir;
  std::string path = dir.path() + "/tasks.db";
  {
    std::ofstream out(path);
    out << std::string(4096, 'x');
  }
  absl::StatusOr<std::unique_ptr<SqliteTaskStore>> store = SqliteTaskStore::Open({.path = path});
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace seedance::server::store
