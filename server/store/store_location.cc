#include "server/store/store_location.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/store/postgres_handles.h"

namespace seedance::server::store {

absl::StatusOr<StoreLocation> ParseStoreLocation(absl::string_view flag) {
  if (flag == "sqlite" || flag.empty()) return StoreLocation{};
  if (flag == "memory") return StoreLocation{.kind = StoreLocation::Kind::kMemory};
  if (flag == "postgres" || flag == "postgresql") {
    return StoreLocation{.kind = StoreLocation::Kind::kPostgres, .conninfo = "postgresql://"};
  }
  if (absl::StartsWith(flag, "postgresql://") || absl::StartsWith(flag, "postgres://")) {
    StoreLocation location{.kind = StoreLocation::Kind::kPostgres, .conninfo = std::string(flag)};
    if (DescribeConninfo(location.conninfo) == "(unparseable)") {
      return absl::InvalidArgumentError(
          "--store: the PostgreSQL URI does not parse (see "
          "https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING)");
    }
    return location;
  }
  // Not echoed: a mistyped URI may hold a password.
  return absl::InvalidArgumentError(
      "--store must be sqlite, memory, postgres, or a postgresql:// URI");
}

std::string DescribeStoreLocation(const StoreLocation& location, absl::string_view data_dir) {
  switch (location.kind) {
    case StoreLocation::Kind::kSqlite:
      return absl::StrCat("sqlite ", data_dir, "/tasks.db");
    case StoreLocation::Kind::kMemory:
      return "memory";
    case StoreLocation::Kind::kPostgres:
      return absl::StrCat("postgres ", DescribeConninfo(location.conninfo));
  }
  return "unknown";
}

}  // namespace seedance::server::store
