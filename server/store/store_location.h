// StoreLocation: which TaskStore the gateway keeps its tasks in, as the
// --store flag names it.
//
//   "sqlite"                         <data_dir>/tasks.db (the default)
//   "memory"                         in memory, lost on exit
//   "postgresql://gw@db:5432/tasks"  PostgreSQL (also postgres://...)
//   "postgresql://" or "postgres"    PostgreSQL, everything from PG* variables
//
// A password belongs in PGPASSWORD or a ~/.pgpass file (PGPASSFILE), not on
// the command line; libpq reads both.
//
//   absl::StatusOr<StoreLocation> where = ParseStoreLocation(flag);
#ifndef SEEDANCE_SERVER_STORE_STORE_LOCATION_H_
#define SEEDANCE_SERVER_STORE_STORE_LOCATION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::server::store {

struct StoreLocation {
  enum class Kind { kSqlite, kMemory, kPostgres };
  Kind kind = Kind::kSqlite;
  // kPostgres: the libpq connection URI.
  std::string conninfo;
};

// The location `flag` names; INVALID_ARGUMENT (never quoting a password)
// for anything else.
absl::StatusOr<StoreLocation> ParseStoreLocation(absl::string_view flag);

// What to log about `location`: no password, ever.
std::string DescribeStoreLocation(const StoreLocation& location, absl::string_view data_dir);

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_STORE_LOCATION_H_
