#include "server/store/postgres_handles.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::store {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::PostgresServer;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(StatusCodeForSqlStateTest, MapsByWhatTheCallerShouldDo) {
  struct Case {
    const char* sqlstate;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"23505", absl::StatusCode::kAlreadyExists},  // unique_violation
      {"40001", absl::StatusCode::kAborted},        // serialization_failure
      {"40P01", absl::StatusCode::kAborted},        // deadlock_detected
      {"08006", absl::StatusCode::kUnavailable},    // connection_failure
      {"08001", absl::StatusCode::kUnavailable},    // cannot connect
      {"57P01", absl::StatusCode::kUnavailable},    // admin_shutdown
      {"57P03", absl::StatusCode::kUnavailable},    // cannot_connect_now (starting up)
      {"57014", absl::StatusCode::kUnavailable},    // statement timeout
      {"53100", absl::StatusCode::kUnavailable},    // disk_full
      {"53300", absl::StatusCode::kUnavailable},    // too_many_connections
      {"58030", absl::StatusCode::kUnavailable},    // io_error
      {"25006", absl::StatusCode::kUnavailable},    // read-only: a standby
      {"55P03", absl::StatusCode::kUnavailable},    // lock_not_available (lock_timeout)
      {"XX001", absl::StatusCode::kDataLoss},       // data_corrupted
      {"XX002", absl::StatusCode::kDataLoss},       // index_corrupted
      {"42P01", absl::StatusCode::kInternal},       // undefined_table: our bug
      {"23502", absl::StatusCode::kInternal},       // not_null_violation: our bug
      {"22P02", absl::StatusCode::kInternal},       // invalid text representation
      {"", absl::StatusCode::kUnavailable},         // no answer from a server
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sqlstate);
    EXPECT_EQ(StatusCodeForSqlState(c.sqlstate), c.code);
  }
}

TEST(DescribeConninfoTest, KeepsOnlyWhatIsSafeToLog) {
  struct Case {
    const char* conninfo;
    const char* described;
  };
  const Case cases[] = {
      {"postgresql://gw:hunter2@db.example:5433/seedance?sslmode=require&options=-cx%3Dy",
       "host=db.example port=5433 dbname=seedance user=gw sslmode=require"},
      {"host=db port=5432 dbname=tasks user=gw password=hunter2 application_name=x",
       "host=db port=5432 dbname=tasks user=gw"},
      {"postgresql://", "(from the PG* environment)"},
      {"host=db password='hunter2", "(unparseable)"},
      // An '@' or '/' in the password, not percent-encoded: libpq would
      // put a piece of it in the host or the database name.
      {"postgresql://gw:hun@ter2@db/x", "(a URI with an unencoded '@')"},
      {"postgresql://gw:hun/ter2@db/x", "(a URI with an unencoded '@')"},
      {"postgresql://gw:hun%40ter2@db/x", "host=db dbname=x user=gw"},
      {"postgresql://db/x", "host=db dbname=x"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.conninfo);
    EXPECT_EQ(DescribeConninfo(c.conninfo), c.described);
  }
}

TEST(ConnectPostgresTest, AUriWithAnUnencodedAtInItsPasswordIsInvalidWithoutIt) {
  for (const char* uri : {"postgresql://gw:hun@ter2@db/x", "postgres://gw:hun/ter2@db/x",
                          "postgresql://gw:hun?ter2@db/x"}) {
    SCOPED_TRACE(uri);
    absl::StatusOr<PgConnection> conn = ConnectPostgres(uri);
    EXPECT_THAT(conn, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(conn.status().message(), HasSubstr("percent-encode"));
    EXPECT_THAT(conn.status().message(), Not(HasSubstr("ter2")));
  }
}

TEST(ConnectPostgresTest, AConnectionStringThatDoesNotParseIsInvalidWithoutItsPassword) {
  absl::StatusOr<PgConnection> conn = ConnectPostgres("host=db password='hunter2");
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(conn.status().message(), Not(HasSubstr("hunter2")));
  conn = ConnectPostgres("postgresql://gw:hunter2@db/x?no_such_option=hunter2");
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(conn.status().message(), Not(HasSubstr("hunter2")));
  // A password with quotes of its own.
  conn = ConnectPostgres("postgresql://gw:a%22hun%zzter2@db/x");
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(conn.status().message(), Not(HasSubstr("ter2")));
}

TEST(ConnectPostgresTest, AWrongPasswordIsUnavailableAndNotQuoted) {
  PostgresServer& pg = PostgresServer::Shared();
  std::string uri = pg.Uri("postgres");
  uri.insert(uri.find('@'), ":wrong-password-42");
  absl::StatusOr<PgConnection> conn = ConnectPostgres(uri);
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(conn.status().message(), HasSubstr("password authentication failed"));
  EXPECT_THAT(conn.status().message(), Not(HasSubstr("wrong-password-42")));
}

TEST(ConnectPostgresTest, ANoServerPortIsUnavailable) {
  PostgresServer& pg = PostgresServer::Shared();
  // Port 1 on loopback: nothing listens there.
  absl::StatusOr<PgConnection> conn = ConnectPostgres(
      "postgresql://" + pg.user() + ":" + pg.password() + "@127.0.0.1:1/postgres");
  EXPECT_THAT(conn, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(conn.status().message(), Not(HasSubstr(pg.password())));
}

TEST(ExecParamsTest, RunsParameterisedStatementsAndMapsErrors) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  absl::StatusOr<PgConnection> conn = ConnectPostgres(*uri);
  ASSERT_THAT(conn, IsOk());
  ASSERT_THAT(ExecCommand(conn->get(), "create",
                          "CREATE TABLE t(k text PRIMARY KEY, v bytea, n bigint)"),
              IsOk());
  std::string bytes("a\0b\xff", 4);  // binary values pass through unchanged
  absl::StatusOr<PgResult> r =
      ExecParams(conn->get(), "insert", "INSERT INTO t VALUES($1, $2::bytea, $3::bigint)",
                 PgParams().Text("k1").Bytes(bytes).Int(-7));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(RowsAffected(r->get()), 1);
  r = ExecParams(conn->get(), "select", "SELECT v FROM t WHERE k = $1", PgParams().Text("k1"));
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(PQntuples(r->get()), 1);
  EXPECT_EQ(Value(r->get(), 0, 0), bytes);
  r = ExecParams(conn->get(), "select", "SELECT n FROM t WHERE v IS NOT NULL", PgParams(),
                 PgFormat::kText);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Value(r->get(), 0, 0), "-7");
  EXPECT_THAT(ExecParams(conn->get(), "insert again",
                         "INSERT INTO t VALUES($1, NULL, NULL)", PgParams().Text("k1")),
              StatusIs(absl::StatusCode::kAlreadyExists));
  absl::StatusOr<PgResult> bad =
      ExecParams(conn->get(), "select", "SELECT * FROM no_such_table", PgParams());
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(bad.status().message(), HasSubstr("42P01"));
}

TEST(InTransactionTest, RollsBackWhenTheBodyFails) {
  absl::StatusOr<std::string> uri = PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  absl::StatusOr<PgConnection> conn = ConnectPostgres(*uri);
  ASSERT_THAT(conn, IsOk());
  ASSERT_THAT(ExecCommand(conn->get(), "create", "CREATE TABLE t(k text PRIMARY KEY)"), IsOk());
  bool began = false;
  absl::Status failed = InTransaction(
      conn->get(), "two inserts",
      [&] {
        absl::StatusOr<PgResult> r =
            ExecParams(conn->get(), "first", "INSERT INTO t VALUES('a')", PgParams());
        if (!r.ok()) return r.status();
        return absl::AbortedError("the body gives up");
      },
      &began);
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kAborted));
  EXPECT_TRUE(began);
  EXPECT_EQ(PQtransactionStatus(conn->get()), PQTRANS_IDLE);
  absl::StatusOr<PgResult> r = ExecParams(conn->get(), "count", "SELECT count(*) FROM t",
                                          PgParams(), PgFormat::kText);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Value(r->get(), 0, 0), "0");
  EXPECT_THAT(InTransaction(conn->get(), "one insert",
                            [&] {
                              return ExecParams(conn->get(), "insert",
                                                "INSERT INTO t VALUES('b')", PgParams())
                                  .status();
                            }),
              IsOk());
  r = ExecParams(conn->get(), "count", "SELECT count(*) FROM t", PgParams(), PgFormat::kText);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(Value(r->get(), 0, 0), "1");
}

}  // namespace
}  // namespace seedance::server::store
