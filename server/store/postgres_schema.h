// The PostgreSQL schema of the task store and its migrations. The gateway
// migrates at start; several replicas starting at once are serialised by a
// transaction-scoped advisory lock, so exactly one applies each step and the
// others find it applied.
//
//   absl::Status s = MigratePostgresSchema(conn.get());
#ifndef SEEDANCE_SERVER_STORE_POSTGRES_SCHEMA_H_
#define SEEDANCE_SERVER_STORE_POSTGRES_SCHEMA_H_

#include <libpq-fe.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace seedance::server::store {

// One step of the schema's history: the SQL that takes version - 1 to
// version. Steps are never edited once released; a change is a new step.
struct PostgresMigration {
  int version;
  const char* sql;
};

// The steps this build knows, in order.
absl::Span<const PostgresMigration> PostgresMigrations();

// The version this build's schema is at (the last step's).
int PostgresSchemaVersion();

// Applies the steps of `migrations` the database lacks, all in one
// transaction. FAILED_PRECONDITION when the database is at a newer version
// than the last of `migrations` (a newer gateway migrated it: this one
// refuses to run on a schema it does not know).
absl::Status MigratePostgresSchema(PGconn* conn,
                                   absl::Span<const PostgresMigration> migrations =
                                       PostgresMigrations());

// The version the database is at (0: no schema yet).
absl::StatusOr<int> PostgresSchemaVersionOf(PGconn* conn);

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_POSTGRES_SCHEMA_H_
