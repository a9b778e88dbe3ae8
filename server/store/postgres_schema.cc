#include "server/store/postgres_schema.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/store/postgres_handles.h"

namespace seedance::server::store {
namespace {

// The advisory lock key migrations hold: a fixed random 64-bit number, so
// that it does not collide by accident with another application's key on a
// shared server.
constexpr char kLockKey[] = "7310575178521013861";

// Tables mirror the SQLite store's: a task is a row with the serialised
// StoredTask plus the columns that queries filter and order by; events are
// rows keyed by (task, sequence). Task ids compare byte by byte (COLLATE
// "C"), as in SQLite, so listings order ties the same on both.
constexpr PostgresMigration kMigrations[] = {
    {1, R"sql(
CREATE TABLE seedance_tasks(
  task_id text COLLATE "C" PRIMARY KEY,
  owner text NOT NULL,
  request_id text,
  state integer NOT NULL,
  settled boolean NOT NULL,
  create_time_us bigint NOT NULL,
  revision bigint NOT NULL,
  record bytea NOT NULL);
CREATE UNIQUE INDEX seedance_tasks_by_request_id
  ON seedance_tasks(owner, request_id) WHERE request_id IS NOT NULL;
CREATE INDEX seedance_tasks_by_owner_time
  ON seedance_tasks(owner, create_time_us DESC, task_id DESC);
CREATE INDEX seedance_tasks_unfinished
  ON seedance_tasks(create_time_us, task_id) WHERE NOT settled;
CREATE TABLE seedance_task_events(
  task_id text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  event bytea NOT NULL,
  PRIMARY KEY(task_id, sequence));
)sql"},
    // Leases (task_leases.h): the replica driving each unfinished task,
    // the claim's epoch, and until when (microseconds since the epoch, by
    // the replicas' clocks).
    {2, R"sql(
ALTER TABLE seedance_tasks
  ADD COLUMN lease_owner text,
  ADD COLUMN lease_epoch bigint NOT NULL DEFAULT 0,
  ADD COLUMN lease_expires_us bigint NOT NULL DEFAULT 0;
CREATE INDEX seedance_tasks_by_lease_owner
  ON seedance_tasks(lease_owner) WHERE NOT settled;
)sql"},
};

absl::StatusOr<int> ReadVersion(PGconn* conn) {
  absl::StatusOr<PgResult> r =
      ExecParams(conn, "read the schema version",
                 "SELECT coalesce(max(version), 0) FROM seedance_schema_migrations", PgParams(),
                 PgFormat::kText);
  if (!r.ok()) return r.status();
  int version = 0;
  if (PQntuples(r->get()) != 1 || !absl::SimpleAtoi(Value(r->get(), 0, 0), &version)) {
    return absl::InternalError("the schema version does not read as a number");
  }
  return version;
}

absl::Status Migrate(PGconn* conn, absl::Span<const PostgresMigration> migrations) {
  absl::StatusOr<PgResult> locked =
      ExecParams(conn, "lock the schema", "SELECT pg_advisory_xact_lock($1::bigint)",
                 PgParams().Text(kLockKey), PgFormat::kText);
  if (!locked.ok()) return locked.status();
  if (absl::Status s = ExecCommand(conn, "create the migrations table",
                                   "CREATE TABLE IF NOT EXISTS seedance_schema_migrations("
                                   "version integer PRIMARY KEY, "
                                   "applied_at timestamptz NOT NULL DEFAULT now())");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<int> current = ReadVersion(conn);
  if (!current.ok()) return current.status();
  int known = migrations.empty() ? 0 : migrations.back().version;
  if (*current > known) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the PostgreSQL schema is at version ", *current, ", newer than this gateway's ", known,
        ": run a gateway at least as new as the one that migrated it"));
  }
  for (const PostgresMigration& m : migrations) {
    if (m.version <= *current) continue;
    if (absl::Status s = ExecCommand(conn, absl::StrCat("migrate to version ", m.version), m.sql);
        !s.ok()) {
      return s;
    }
    absl::StatusOr<PgResult> recorded =
        ExecParams(conn, "record the migration",
                   "INSERT INTO seedance_schema_migrations(version) VALUES($1::integer)",
                   PgParams().Int(m.version), PgFormat::kText);
    if (!recorded.ok()) return recorded.status();
  }
  return absl::OkStatus();
}

}  // namespace

absl::Span<const PostgresMigration> PostgresMigrations() { return kMigrations; }

int PostgresSchemaVersion() { return PostgresMigrations().back().version; }

absl::Status MigratePostgresSchema(PGconn* conn, absl::Span<const PostgresMigration> migrations) {
  return InTransaction(conn, "migrate the schema", [&] { return Migrate(conn, migrations); });
}

absl::StatusOr<int> PostgresSchemaVersionOf(PGconn* conn) {
  absl::StatusOr<PgResult> exists = ExecParams(
      conn, "look for the schema", "SELECT to_regclass('seedance_schema_migrations') IS NOT NULL",
      PgParams(), PgFormat::kText);
  if (!exists.ok()) return exists.status();
  if (Value(exists->get(), 0, 0) != "t") return 0;
  return ReadVersion(conn);
}

}  // namespace seedance::server::store
