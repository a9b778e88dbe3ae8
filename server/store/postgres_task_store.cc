#include "server/store/postgres_task_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/store/postgres_schema.h"
#include "server/store/task_store_util.h"

namespace seedance::server::store {
namespace {

template <typename Message>
absl::StatusOr<std::vector<Message>> MessagesOf(const PGresult* result) {
  std::vector<Message> out;
  int rows = PQntuples(result);
  out.reserve(rows);
  for (int row = 0; row < rows; ++row) {
    absl::string_view bytes = Value(result, row, 0);
    Message message;
    if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError(
          absl::StrCat("a stored ", Message::descriptor()->name(), " does not parse"));
    }
    out.push_back(std::move(message));
  }
  return out;
}

// Applies one write checked by CheckWrite.
absl::Status ApplyWrite(PGconn* conn, const TaskStore::Write& w) {
  const StoredTask& task = w.task;
  const std::string& id = task.task().task_id();
  std::string record = task.SerializeAsString();
  if (w.expected_revision == 0) {
    PgParams params;
    params.Text(id).Text(task.owner());
    if (task.task().request_id().empty()) {
      params.Null();
    } else {
      params.Text(task.task().request_id());
    }
    params.Int(task.task().state())
        .Bool(IsSettled(task))
        .Int(CreateTimeMicros(task))
        .Int(static_cast<int64_t>(task.revision()))
        .Bytes(record);
    absl::StatusOr<PgResult> r = ExecParams(
        conn, absl::StrCat("create task ", id),
        "INSERT INTO seedance_tasks(task_id, owner, request_id, state, settled, create_time_us, "
        "revision, record) VALUES($1, $2, $3, $4::integer, $5::boolean, $6::bigint, $7::bigint, "
        "$8::bytea)",
        params);
    if (!r.ok()) return r.status();
  } else {
    absl::StatusOr<PgResult> r = ExecParams(
        conn, absl::StrCat("update task ", id),
        "UPDATE seedance_tasks SET state = $2::integer, settled = $3::boolean, "
        "revision = $4::bigint, record = $5::bytea WHERE task_id = $1 AND revision = $6::bigint",
        PgParams()
            .Text(id)
            .Int(task.task().state())
            .Bool(IsSettled(task))
            .Int(static_cast<int64_t>(task.revision()))
            .Bytes(record)
            .Int(static_cast<int64_t>(w.expected_revision)));
    if (!r.ok()) return r.status();
    if (RowsAffected(r->get()) != 1) {
      return absl::AbortedError(
          absl::StrCat("task ", id, " is not at revision ", w.expected_revision));
    }
  }
  if (w.event.has_value()) {
    absl::StatusOr<PgResult> r = ExecParams(
        conn, absl::StrCat("append event to ", id),
        "INSERT INTO seedance_task_events(task_id, sequence, event) "
        "VALUES($1, $2::bigint, $3::bytea)",
        PgParams()
            .Text(id)
            .Int(static_cast<int64_t>(w.event->sequence()))
            .Bytes(w.event->SerializeAsString()));
    if (!r.ok()) return r.status();
  }
  return absl::OkStatus();
}

}  // namespace

PostgresTaskStore::PostgresTaskStore(const Options& options)
    : pool_({.conninfo = options.conninfo,
             .max_connections = std::max(options.max_connections, 1),
             .connect_timeout = options.connect_timeout}) {}

absl::StatusOr<std::unique_ptr<PostgresTaskStore>> PostgresTaskStore::Open(
    const Options& options) {
  std::unique_ptr<PostgresTaskStore> store(new PostgresTaskStore(options));
  absl::Status migrated = store->WithConnection([](PGconn* conn, bool*) {
    return MigratePostgresSchema(conn);
  });
  if (!migrated.ok()) return migrated;
  return store;
}

absl::Status PostgresTaskStore::WithConnection(
    absl::FunctionRef<absl::Status(PGconn*, bool* retryable)> fn) {
  absl::Status status;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::StatusOr<PostgresConnectionPool::Lease> conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    bool retryable = false;
    status = fn(conn->get(), &retryable);
    if (status.ok() || !retryable || PQstatus(conn->get()) != CONNECTION_BAD) return status;
  }
  return status;
}

template <typename Message>
absl::StatusOr<std::vector<Message>> PostgresTaskStore::Query(absl::string_view what,
                                                              const char* sql,
                                                              const PgParams& params) {
  absl::StatusOr<std::vector<Message>> out;
  absl::Status status = WithConnection([&](PGconn* conn, bool* retryable) {
    *retryable = true;  // a read changes nothing: it may always run again
    absl::StatusOr<PgResult> r = ExecParams(conn, what, sql, params);
    if (!r.ok()) return r.status();
    out = MessagesOf<Message>(r->get());
    return out.status();
  });
  if (!status.ok()) return status;
  return out;
}

absl::Status PostgresTaskStore::Commit(absl::Span<const Write> writes) {
  for (const Write& w : writes) {
    if (absl::Status s = CheckWrite(w); !s.ok()) return s;
  }
  return WithConnection([&](PGconn* conn, bool* retryable) {
    bool began = false;
    absl::Status status = InTransaction(
        conn, "commit",
        [&] {
          for (const Write& w : writes) {
            if (absl::Status s = ApplyWrite(conn, w); !s.ok()) return s;
          }
          return absl::OkStatus();
        },
        &began);
    *retryable = !began;
    return status;
  });
}

absl::StatusOr<StoredTask> PostgresTaskStore::Get(absl::string_view task_id) {
  absl::StatusOr<std::vector<StoredTask>> rows =
      Query<StoredTask>("read a task", "SELECT record FROM seedance_tasks WHERE task_id = $1",
                        PgParams().Text(task_id));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return absl::NotFoundError(absl::StrCat("no task ", task_id));
  return std::move(rows->front());
}

absl::StatusOr<StoredTask> PostgresTaskStore::FindByRequestId(absl::string_view owner,
                                                              absl::string_view request_id) {
  absl::StatusOr<std::vector<StoredTask>> rows = Query<StoredTask>(
      "find a request_id",
      "SELECT record FROM seedance_tasks WHERE owner = $1 AND request_id = $2",
      PgParams().Text(owner).Text(request_id));
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return absl::NotFoundError(absl::StrCat("no task for request_id ", request_id));
  }
  return std::move(rows->front());
}

absl::StatusOr<std::vector<v1::TaskEvent>> PostgresTaskStore::Events(absl::string_view task_id,
                                                                     uint64_t after_sequence) {
  return Query<v1::TaskEvent>(
      "read events",
      "SELECT event FROM seedance_task_events WHERE task_id = $1 AND sequence > $2::bigint "
      "ORDER BY sequence",
      PgParams().Text(task_id).Int(static_cast<int64_t>(after_sequence)));
}

absl::StatusOr<TaskPage> PostgresTaskStore::List(const ListQuery& query) {
  PagePosition after{.create_time_micros = INT64_MAX, .task_id = ""};
  bool from_start = query.page_token.empty();
  if (!from_start) {
    absl::StatusOr<PagePosition> position = DecodePageToken(query.page_token);
    if (!position.ok()) return position.status();
    after = *position;
  }
  int page_size = std::max(query.page_size, 1);
  std::vector<std::string> states;
  for (v1::TaskState s : query.states) states.push_back(absl::StrCat(static_cast<int>(s)));
  // One statement for every query shape: an empty state array means all
  // states, and the first page starts after a position no task has.
  absl::StatusOr<std::vector<StoredTask>> rows = Query<StoredTask>(
      "list tasks",
      "SELECT record FROM seedance_tasks WHERE owner = $1 "
      "AND (cardinality($2::integer[]) = 0 OR state = ANY($2::integer[])) "
      "AND ($3::boolean OR (create_time_us, task_id) < ($4::bigint, $5)) "
      "ORDER BY create_time_us DESC, task_id DESC LIMIT $6::integer",
      PgParams()
          .Text(query.owner)
          .Text(absl::StrCat("{", absl::StrJoin(states, ","), "}"))
          .Bool(from_start)
          .Int(after.create_time_micros)
          .Text(after.task_id)
          .Int(page_size + 1));
  if (!rows.ok()) return rows.status();
  return PageOf(*std::move(rows), page_size);
}

absl::StatusOr<std::vector<StoredTask>> PostgresTaskStore::ListUnfinished() {
  return Query<StoredTask>(
      "list unfinished tasks",
      "SELECT record FROM seedance_tasks WHERE NOT settled ORDER BY create_time_us, task_id",
      PgParams());
}

}  // namespace seedance::server::store
