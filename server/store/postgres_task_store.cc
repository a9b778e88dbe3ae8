#include "server/store/postgres_task_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "server/model/task_state.h"
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

// The states of a task in progress, as an integer[] literal.
std::string InProgressStates() {
  std::vector<int64_t> states;
  for (int s = v1::TaskState_MIN; s <= v1::TaskState_MAX; ++s) {
    if (v1::TaskState_IsValid(s) && s != v1::TASK_STATE_UNSPECIFIED &&
        !model::IsTerminal(static_cast<v1::TaskState>(s))) {
      states.push_back(s);
    }
  }
  return IntArray(states);
}

// Why an update changed no row: the revision moved on (ABORTED), or the
// lease did (FAILED_PRECONDITION: another replica holds the task now).
absl::Status WhyNotUpdated(PGconn* conn, const TaskStore::Write& w) {
  const std::string& id = w.task.task().task_id();
  absl::StatusOr<PgResult> r = ExecParams(
      conn, absl::StrCat("read the lease of ", id),
      "SELECT revision, coalesce(lease_owner, ''), lease_epoch FROM seedance_tasks "
      "WHERE task_id = $1",
      PgParams().Text(id), PgFormat::kText);
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 1 && w.lease.has_value() &&
      Value(r->get(), 0, 0) == absl::StrCat(w.expected_revision)) {
    return absl::FailedPreconditionError(
        absl::StrCat("lease lost: task ", id, " is held by replica \"", Value(r->get(), 0, 1),
                     "\" at epoch ", Value(r->get(), 0, 2), ", not \"", w.lease->replica,
                     "\" at epoch ", w.lease->epoch));
  }
  return absl::AbortedError(absl::StrCat("task ", id, " is not at revision ", w.expected_revision));
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
    if (w.lease.has_value()) {
      params.Text(w.lease->replica)
          .Int(static_cast<int64_t>(w.lease->epoch))
          .Int(absl::ToUnixMicros(w.lease->expires));
    } else {
      params.Null().Int(0).Int(0);
    }
    absl::StatusOr<PgResult> r = ExecParams(
        conn, absl::StrCat("create task ", id),
        "INSERT INTO seedance_tasks(task_id, owner, request_id, state, settled, create_time_us, "
        "revision, record, lease_owner, lease_epoch, lease_expires_us) VALUES($1, $2, $3, "
        "$4::integer, $5::boolean, $6::bigint, $7::bigint, $8::bytea, $9, $10::bigint, "
        "$11::bigint)",
        params);
    if (!r.ok()) return r.status();
  } else {
    PgParams params;
    params.Text(id)
        .Int(task.task().state())
        .Bool(IsSettled(task))
        .Int(static_cast<int64_t>(task.revision()))
        .Bytes(record)
        .Int(static_cast<int64_t>(w.expected_revision));
    if (w.lease.has_value()) {
      params.Text(w.lease->replica).Int(static_cast<int64_t>(w.lease->epoch));
    } else {
      params.Null().Int(0);
    }
    // The lease check is in the same statement as the revision check: the
    // row lock it takes orders it against a concurrent claim.
    absl::StatusOr<PgResult> r = ExecParams(
        conn, absl::StrCat("update task ", id),
        "UPDATE seedance_tasks SET state = $2::integer, settled = $3::boolean, "
        "revision = $4::bigint, record = $5::bytea WHERE task_id = $1 AND revision = $6::bigint "
        "AND ($7::text IS NULL OR (lease_owner = $7 AND lease_epoch = $8::bigint))",
        params);
    if (!r.ok()) return r.status();
    if (RowsAffected(r->get()) != 1) return WhyNotUpdated(conn, w);
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
  if (options.event_hints) {
    absl::StatusOr<std::unique_ptr<PostgresEventHints>> hints =
        PostgresEventHints::Start({.conninfo = options.conninfo});
    if (!hints.ok()) return hints.status();
    store->hints_ = *std::move(hints);
  }
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
    if (status.ok() || PQstatus(conn->get()) != CONNECTION_BAD) return status;
    // The server went away since this connection was last used: so did
    // the idle ones' (libpq notices only at their next use).
    pool_.CloseIdle();
    if (!retryable) return status;
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
  absl::Status committed = WithConnection([&](PGconn* conn, bool* retryable) {
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
  if (committed.ok() && hints_ != nullptr &&
      std::any_of(writes.begin(), writes.end(),
                  [](const Write& w) { return w.event.has_value(); })) {
    hints_->Notify();
  }
  return committed;
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

absl::StatusOr<std::vector<v1::TaskEvent>> PostgresTaskStore::EventsOfTasks(
    absl::Span<const EventCursor> cursors) {
  // Chunks keep each statement's parameters and answer small.
  constexpr size_t kChunk = 1000;
  std::vector<v1::TaskEvent> out;
  for (size_t first = 0; first < cursors.size(); first += kChunk) {
    absl::Span<const EventCursor> chunk = cursors.subspan(first, kChunk);
    std::vector<std::string> ids;
    std::vector<int64_t> afters;
    for (const EventCursor& c : chunk) {
      ids.push_back(c.task_id);
      afters.push_back(static_cast<int64_t>(c.after_sequence));
    }
    // The ids compare in the column's collation ("C"), so that the
    // primary key's index serves the join.
    absl::StatusOr<std::vector<v1::TaskEvent>> events = Query<v1::TaskEvent>(
        "read events of tasks",
        "SELECT e.event FROM unnest($1::text[], $2::bigint[]) AS c(task_id, after_sequence) "
        "JOIN seedance_task_events e ON e.task_id = c.task_id COLLATE \"C\" "
        "AND e.sequence > c.after_sequence ORDER BY e.task_id, e.sequence",
        PgParams().Text(TextArray(ids)).Text(IntArray(afters)));
    if (!events.ok()) return events.status();
    for (v1::TaskEvent& e : *events) out.push_back(std::move(e));
  }
  return out;
}

absl::Status PostgresTaskStore::Ping() {
  return WithConnection([](PGconn* conn, bool* retryable) {
    *retryable = true;
    return ExecCommand(conn, "ping the database", "SELECT 1");
  });
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
  std::vector<int64_t> states(query.states.begin(), query.states.end());
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
          .Text(IntArray(states))
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

absl::StatusOr<std::vector<TaskLeases::Claim>> PostgresTaskStore::ClaimExpired(
    const ClaimQuery& query) {
  std::vector<Claim> claims;
  int64_t expires = absl::ToUnixMicros(query.now + query.ttl);
  absl::Status status = WithConnection([&](PGconn* conn, bool* retryable) {
    *retryable = true;  // one statement: committed whole or not at all
    claims.clear();
    // SKIP LOCKED: replicas claiming at once each take other rows instead
    // of waiting for each other's.
    absl::StatusOr<PgResult> r = ExecParams(
        conn, "claim expired leases",
        "UPDATE seedance_tasks t SET lease_owner = $1, lease_epoch = t.lease_epoch + 1, "
        "lease_expires_us = $3::bigint FROM (SELECT task_id, coalesce(lease_owner, '') AS "
        "previous FROM seedance_tasks WHERE NOT settled AND (lease_owner IS NULL OR "
        "lease_expires_us < $2::bigint OR ($5::boolean AND lease_owner = $1 AND "
        "lease_expires_us < $3::bigint)) "
        "ORDER BY create_time_us, task_id LIMIT $4::integer FOR UPDATE SKIP LOCKED) c "
        "WHERE t.task_id = c.task_id RETURNING t.lease_epoch, t.record, c.previous",
        PgParams()
            .Text(query.replica)
            .Int(absl::ToUnixMicros(query.now))
            .Int(expires)
            .Int(std::max(query.limit, 1))
            .Bool(query.include_own));
    if (!r.ok()) return r.status();
    for (int row = 0; row < PQntuples(r->get()); ++row) {
      absl::string_view bytes = Value(r->get(), row, 1);
      Claim claim;
      if (!claim.task.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        return absl::DataLossError("a stored StoredTask does not parse");
      }
      claim.lease = {.replica = query.replica,
                     .epoch = static_cast<uint64_t>(BinaryInt64(r->get(), row, 0)),
                     .expires = absl::FromUnixMicros(expires)};
      claim.previous_replica = std::string(Value(r->get(), row, 2));
      claims.push_back(std::move(claim));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  // RETURNING keeps no order: oldest first, as recovery resumes them.
  std::sort(claims.begin(), claims.end(), [](const Claim& a, const Claim& b) {
    int64_t ta = CreateTimeMicros(a.task), tb = CreateTimeMicros(b.task);
    if (ta != tb) return ta < tb;
    return a.task.task().task_id() < b.task.task().task_id();
  });
  return claims;
}

absl::StatusOr<TaskLeases::Claim> PostgresTaskStore::Steal(const std::string& replica,
                                                           const std::string& task_id,
                                                           absl::Time now, absl::Duration ttl) {
  std::optional<Claim> claim;
  int64_t expires = absl::ToUnixMicros(now + ttl);
  absl::Status status = WithConnection([&](PGconn* conn, bool* retryable) {
    *retryable = true;  // one statement
    claim.reset();
    absl::StatusOr<PgResult> r = ExecParams(
        conn, absl::StrCat("take over task ", task_id),
        "UPDATE seedance_tasks SET lease_owner = $1, lease_epoch = lease_epoch + 1, "
        "lease_expires_us = $3::bigint WHERE task_id = $2 AND NOT settled "
        "AND state = ANY($4::integer[]) RETURNING lease_epoch, record",
        PgParams().Text(replica).Text(task_id).Int(expires).Text(InProgressStates()));
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) != 1) return absl::OkStatus();
    absl::string_view bytes = Value(r->get(), 0, 1);
    claim.emplace();
    if (!claim->task.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError("a stored StoredTask does not parse");
    }
    claim->lease = {.replica = replica,
                    .epoch = static_cast<uint64_t>(BinaryInt64(r->get(), 0, 0)),
                    .expires = absl::FromUnixMicros(expires)};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!claim.has_value()) {
    return absl::NotFoundError(absl::StrCat("no unfinished task ", task_id));
  }
  return *std::move(claim);
}

absl::StatusOr<std::vector<std::pair<std::string, uint64_t>>> PostgresTaskStore::Renew(
    const std::string& replica, absl::Time now, absl::Duration ttl) {
  std::vector<std::pair<std::string, uint64_t>> held;
  absl::Status status = WithConnection([&](PGconn* conn, bool* retryable) {
    *retryable = true;  // renewing twice is renewing
    held.clear();
    absl::StatusOr<PgResult> r = ExecParams(
        conn, "renew leases",
        "UPDATE seedance_tasks SET lease_expires_us = $2::bigint WHERE lease_owner = $1 "
        "AND NOT settled RETURNING task_id, lease_epoch",
        PgParams().Text(replica).Int(absl::ToUnixMicros(now + ttl)), PgFormat::kText);
    if (!r.ok()) return r.status();
    for (int row = 0; row < PQntuples(r->get()); ++row) {
      uint64_t epoch = 0;
      if (!absl::SimpleAtoi(Value(r->get(), row, 1), &epoch)) {
        return absl::InternalError("a lease epoch does not read as a number");
      }
      held.emplace_back(std::string(Value(r->get(), row, 0)), epoch);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return held;
}

absl::StatusOr<int64_t> PostgresTaskStore::CountInProgress() {
  int64_t count = 0;
  absl::Status status = WithConnection([&](PGconn* conn, bool* retryable) {
    *retryable = true;
    absl::StatusOr<PgResult> r = ExecParams(
        conn, "count tasks in progress",
        "SELECT count(*) FROM seedance_tasks WHERE NOT settled AND state = ANY($1::integer[])",
        PgParams().Text(InProgressStates()), PgFormat::kText);
    if (!r.ok()) return r.status();
    if (!absl::SimpleAtoi(Value(r->get(), 0, 0), &count)) {
      return absl::InternalError("a count does not read as a number");
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return count;
}

absl::Status PostgresTaskStore::Release(const std::string& replica,
                                        absl::Span<const std::string> task_ids) {
  if (task_ids.empty()) return absl::OkStatus();
  return WithConnection([&](PGconn* conn, bool* retryable) {
    *retryable = true;
    return ExecParams(conn, "release leases",
                      "UPDATE seedance_tasks SET lease_expires_us = 0 WHERE lease_owner = $1 "
                      "AND task_id = ANY($2::text[])",
                      PgParams().Text(replica).Text(TextArray(task_ids)))
        .status();
  });
}

}  // namespace seedance::server::store
