#include "server/store/store_location.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::store {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using Kind = StoreLocation::Kind;

TEST(ParseStoreLocationTest, NamesEachStore) {
  struct Case {
    const char* flag;
    Kind kind;
    const char* conninfo;
    const char* described;
  };
  const Case cases[] = {
      {"sqlite", Kind::kSqlite, "", "sqlite /data/tasks.db"},
      {"", Kind::kSqlite, "", "sqlite /data/tasks.db"},
      {"memory", Kind::kMemory, "", "memory"},
      {"postgres", Kind::kPostgres, "postgresql://", "postgres (from the PG* environment)"},
      {"postgresql", Kind::kPostgres, "postgresql://", "postgres (from the PG* environment)"},
      {"postgresql://gw:hunter2@db:5433/tasks", Kind::kPostgres,
       "postgresql://gw:hunter2@db:5433/tasks", "postgres host=db port=5433 dbname=tasks user=gw"},
      {"postgres://db/tasks?sslmode=verify-full", Kind::kPostgres,
       "postgres://db/tasks?sslmode=verify-full",
       "postgres host=db dbname=tasks sslmode=verify-full"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flag);
    absl::StatusOr<StoreLocation> where = ParseStoreLocation(c.flag);
    ASSERT_THAT(where, IsOk());
    EXPECT_EQ(where->kind, c.kind);
    EXPECT_EQ(where->conninfo, c.conninfo);
    EXPECT_EQ(DescribeStoreLocation(*where, "/data"), c.described);
  }
}

TEST(ParseStoreLocationTest, RefusesAnythingElseWithoutQuotingIt) {
  for (const char* flag : {"mysql://gw:hunter2@db/x", "SQLite", "postgresql://gw:hunter2@db/x?nope=1",
                           "/var/lib/tasks.db"}) {
    SCOPED_TRACE(flag);
    absl::StatusOr<StoreLocation> where = ParseStoreLocation(flag);
    EXPECT_THAT(where, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(where.status().message(), Not(HasSubstr("hunter2")));
    EXPECT_THAT(where.status().message(), HasSubstr("--store"));
  }
}

}  // namespace
}  // namespace seedance::server::store
