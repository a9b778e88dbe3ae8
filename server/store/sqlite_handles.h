// RAII owners for SQLite's C handles, and Status conversion of its result
// codes (the one place where SQLite errors become absl::Status).
//
//   SqliteDb db = ...;                       // closes on destruction
//   absl::StatusOr<SqliteStatement> stmt = Prepare(db.get(), "SELECT 1");
#ifndef SEEDANCE_SERVER_STORE_SQLITE_HANDLES_H_
#define SEEDANCE_SERVER_STORE_SQLITE_HANDLES_H_

#include <sqlite3.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::server::store {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// The Status for SQLite result `rc` on `db` (which may be null): constraint
// violations are ALREADY_EXISTS, busy/locked/full/I/O errors UNAVAILABLE,
// corruption DATA_LOSS, anything else INTERNAL. `what` prefixes the message.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what);

// Prepares `sql` on `db`.
absl::StatusOr<SqliteStatement> Prepare(sqlite3* db, absl::string_view sql);

// Runs one or more statements without results (schema, pragmas).
absl::Status Exec(sqlite3* db, const char* sql);

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_SQLITE_HANDLES_H_
