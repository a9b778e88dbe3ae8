#include "server/store/sqlite_task_store.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/model/task_state.h"
#include "server/store/task_store_util.h"

namespace seedance::server::store {
namespace {

constexpr int kSchemaVersion = 1;

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS tasks(
  task_id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  request_id TEXT,
  state INTEGER NOT NULL,
  settled INTEGER NOT NULL,
  create_time_us INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  record BLOB NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS tasks_by_request_id
  ON tasks(owner, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS tasks_by_owner_time
  ON tasks(owner, create_time_us DESC, task_id DESC);
CREATE INDEX IF NOT EXISTS tasks_unfinished
  ON tasks(create_time_us, task_id) WHERE settled = 0;
CREATE TABLE IF NOT EXISTS events(
  task_id TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  event BLOB NOT NULL,
  PRIMARY KEY(task_id, sequence)) WITHOUT ROWID;
)sql";

// Clears bindings and resets `stmt` when it goes out of scope, so that a
// cached statement is always ready for its next use.
class Reset {
 public:
  explicit Reset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  Reset(const Reset&) = delete;
  Reset& operator=(const Reset&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

void BindText(sqlite3_stmt* stmt, int index, absl::string_view text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void BindBlob(sqlite3_stmt* stmt, int index, const std::string& bytes) {
  sqlite3_bind_blob(stmt, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

template <typename Message>
absl::StatusOr<Message> ColumnMessage(sqlite3_stmt* stmt, int column) {
  Message message;
  const void* data = sqlite3_column_blob(stmt, column);
  int size = sqlite3_column_bytes(stmt, column);
  if (!message.ParseFromArray(data, size)) {
    return absl::DataLossError(
        absl::StrCat("a stored ", Message::descriptor()->name(), " does not parse"));
  }
  return message;
}

// Steps a query of one message column until done, collecting the messages.
template <typename Message>
absl::StatusOr<std::vector<Message>> CollectRows(sqlite3* db, sqlite3_stmt* stmt) {
  std::vector<Message> out;
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return SqliteError(db, rc, "query");
    absl::StatusOr<Message> message = ColumnMessage<Message>(stmt, 0);
    if (!message.ok()) return message.status();
    out.push_back(*std::move(message));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqliteTaskStore>> SqliteTaskStore::Open(
    const Options& options) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(options.path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return SqliteError(db.get(), rc, absl::StrCat("open ", options.path));
  }
  sqlite3_busy_timeout(db.get(), 5000);
  if (absl::Status s = Exec(db.get(), "PRAGMA journal_mode=WAL;"); !s.ok()) return s;
  const char* sync = options.durability == Durability::kFull
                         ? "PRAGMA synchronous=FULL;"
                         : "PRAGMA synchronous=NORMAL;";
  if (absl::Status s = Exec(db.get(), sync); !s.ok()) return s;
  if (absl::Status s = Exec(db.get(), kSchema); !s.ok()) return s;
  if (absl::Status s = Exec(db.get(), absl::StrCat("PRAGMA user_version=", kSchemaVersion,
                                                   ";").c_str());
      !s.ok()) {
    return s;
  }
  std::unique_ptr<SqliteTaskStore> store(new SqliteTaskStore(std::move(db)));
  absl::MutexLock lock(&store->mu_);
  if (absl::Status s = store->PrepareStatements(); !s.ok()) return s;
  return store;
}

absl::Status SqliteTaskStore::PrepareStatements() {
  struct Entry {
    SqliteStatement* stmt;
    const char* sql;
  };
  const Entry entries[] = {
      {&insert_task_,
       "INSERT INTO tasks(task_id, owner, request_id, state, settled, create_time_us, "
       "revision, record) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
      {&update_task_,
       "UPDATE tasks SET state = ?2, settled = ?3, revision = ?4, record = ?5 "
       "WHERE task_id = ?1 AND revision = ?6"},
      {&insert_event_, "INSERT INTO events(task_id, sequence, event) VALUES(?1, ?2, ?3)"},
      {&get_task_, "SELECT record FROM tasks WHERE task_id = ?1"},
      {&find_request_, "SELECT record FROM tasks WHERE owner = ?1 AND request_id = ?2"},
      {&get_events_,
       "SELECT event FROM events WHERE task_id = ?1 AND sequence > ?2 ORDER BY sequence"},
      {&unfinished_,
       "SELECT record FROM tasks WHERE settled = 0 ORDER BY create_time_us, task_id"},
  };
  for (const Entry& e : entries) {
    absl::StatusOr<SqliteStatement> stmt = Prepare(db_.get(), e.sql);
    if (!stmt.ok()) return stmt.status();
    *e.stmt = *std::move(stmt);
  }
  return absl::OkStatus();
}

absl::Status SqliteTaskStore::ApplyWrite(const Write& w) {
  if (absl::Status s = CheckWrite(w); !s.ok()) return s;
  const StoredTask& task = w.task;
  const std::string& id = task.task().task_id();
  std::string record = task.SerializeAsString();
  int settled = IsSettled(task) ? 1 : 0;
  if (w.expected_revision == 0) {
    sqlite3_stmt* stmt = insert_task_.get();
    Reset reset(stmt);
    BindText(stmt, 1, id);
    BindText(stmt, 2, task.owner());
    if (!task.task().request_id().empty()) BindText(stmt, 3, task.task().request_id());
    sqlite3_bind_int(stmt, 4, task.task().state());
    sqlite3_bind_int(stmt, 5, settled);
    sqlite3_bind_int64(stmt, 6, CreateTimeMicros(task));
    sqlite3_bind_int64(stmt, 7, static_cast<int64_t>(task.revision()));
    BindBlob(stmt, 8, record);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      return SqliteError(db_.get(), rc, absl::StrCat("create task ", id));
    }
  } else {
    sqlite3_stmt* stmt = update_task_.get();
    Reset reset(stmt);
    BindText(stmt, 1, id);
    sqlite3_bind_int(stmt, 2, task.task().state());
    sqlite3_bind_int(stmt, 3, settled);
    sqlite3_bind_int64(stmt, 4, static_cast<int64_t>(task.revision()));
    BindBlob(stmt, 5, record);
    sqlite3_bind_int64(stmt, 6, static_cast<int64_t>(w.expected_revision));
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      return SqliteError(db_.get(), rc, absl::StrCat("update task ", id));
    }
    if (sqlite3_changes(db_.get()) != 1) {
      return absl::AbortedError(absl::StrCat("task ", id, " is not at revision ",
                                             w.expected_revision));
    }
  }
  if (w.event.has_value()) {
    sqlite3_stmt* stmt = insert_event_.get();
    Reset reset(stmt);
    BindText(stmt, 1, id);
    sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(w.event->sequence()));
    BindBlob(stmt, 3, w.event->SerializeAsString());
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      return SqliteError(db_.get(), rc, absl::StrCat("append event to ", id));
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteTaskStore::Commit(absl::Span<const Write> writes) {
  absl::MutexLock lock(&mu_);
  if (absl::Status s = Exec(db_.get(), "BEGIN IMMEDIATE"); !s.ok()) return s;
  for (const Write& w : writes) {
    absl::Status s = ApplyWrite(w);
    if (!s.ok()) {
      (void)Exec(db_.get(), "ROLLBACK");
      return s;
    }
  }
  absl::Status committed = Exec(db_.get(), "COMMIT");
  if (!committed.ok()) (void)Exec(db_.get(), "ROLLBACK");
  return committed;
}

absl::StatusOr<StoredTask> SqliteTaskStore::Get(absl::string_view task_id) {
  absl::MutexLock lock(&mu_);
  sqlite3_stmt* stmt = get_task_.get();
  Reset reset(stmt);
  BindText(stmt, 1, task_id);
  absl::StatusOr<std::vector<StoredTask>> rows = CollectRows<StoredTask>(db_.get(), stmt);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError(absl::StrCat("no task ", task_id));
  return std::move(rows->front());
}

absl::StatusOr<StoredTask> SqliteTaskStore::FindByRequestId(absl::string_view owner,
                                                            absl::string_view request_id) {
  absl::MutexLock lock(&mu_);
  sqlite3_stmt* stmt = find_request_.get();
  Reset reset(stmt);
  BindText(stmt, 1, owner);
  BindText(stmt, 2, request_id);
  absl::StatusOr<std::vector<StoredTask>> rows = CollectRows<StoredTask>(db_.get(), stmt);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::NotFoundError(absl::StrCat("no task for request_id ", request_id));
  }
  return std::move(rows->front());
}

absl::StatusOr<std::vector<v1::TaskEvent>> SqliteTaskStore::Events(
    absl::string_view task_id, uint64_t after_sequence) {
  absl::MutexLock lock(&mu_);
  sqlite3_stmt* stmt = get_events_.get();
  Reset reset(stmt);
  BindText(stmt, 1, task_id);
  sqlite3_bind_int64(stmt, 2, static_cast<int64_t>(after_sequence));
  return CollectRows<v1::TaskEvent>(db_.get(), stmt);
}

absl::StatusOr<TaskPage> SqliteTaskStore::List(const ListQuery& query) {
  std::optional<PagePosition> after;
  if (!query.page_token.empty()) {
    absl::StatusOr<PagePosition> position = DecodePageToken(query.page_token);
    if (!position.ok()) return position.status();
    after = *position;
  }
  int page_size = std::max(query.page_size, 1);
  std::string sql = "SELECT record FROM tasks WHERE owner = ?1";
  int next_param = 2;
  if (!query.states.empty()) {
    std::vector<std::string> params;
    for (size_t i = 0; i < query.states.size(); ++i) {
      params.push_back(absl::StrCat("?", next_param++));
    }
    absl::StrAppend(&sql, " AND state IN (", absl::StrJoin(params, ", "), ")");
  }
  int time_param = next_param;
  if (after) {
    absl::StrAppend(&sql, " AND (create_time_us < ?", time_param,
                    " OR (create_time_us = ?", time_param, " AND task_id < ?",
                    time_param + 1, "))");
    next_param += 2;
  }
  absl::StrAppend(&sql, " ORDER BY create_time_us DESC, task_id DESC LIMIT ?", next_param);

  absl::MutexLock lock(&mu_);
  absl::StatusOr<SqliteStatement> stmt = Prepare(db_.get(), sql);
  if (!stmt.ok()) return stmt.status();
  sqlite3_stmt* s = stmt->get();
  BindText(s, 1, query.owner);
  for (size_t i = 0; i < query.states.size(); ++i) {
    sqlite3_bind_int(s, static_cast<int>(i) + 2, query.states[i]);
  }
  if (after) {
    sqlite3_bind_int64(s, time_param, after->create_time_micros);
    BindText(s, time_param + 1, after->task_id);
  }
  sqlite3_bind_int(s, next_param, page_size + 1);
  absl::StatusOr<std::vector<StoredTask>> rows = CollectRows<StoredTask>(db_.get(), s);
  if (!rows.ok()) return rows.status();
  return PageOf(*std::move(rows), page_size);
}

absl::StatusOr<std::vector<StoredTask>> SqliteTaskStore::ListUnfinished() {
  absl::MutexLock lock(&mu_);
  sqlite3_stmt* stmt = unfinished_.get();
  Reset reset(stmt);
  return CollectRows<StoredTask>(db_.get(), stmt);
}

}  // namespace seedance::server::store
