// RAII owners for libpq's C handles, parameter binding, and the one place
// where PostgreSQL errors become absl::Status.
//
//   absl::StatusOr<PgConnection> conn = ConnectPostgres("postgresql://gw@db/seedance");
//   PgParams params;
//   params.Text(task_id).Bytes(record);
//   absl::StatusOr<PgResult> r = ExecParams(conn->get(),
//       "UPDATE t SET record = $2 WHERE task_id = $1", params);
#ifndef SEEDANCE_SERVER_STORE_POSTGRES_HANDLES_H_
#define SEEDANCE_SERVER_STORE_POSTGRES_HANDLES_H_

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace seedance::server::store {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};

using PgConnection = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;

// The absl::StatusCode for a PostgreSQL SQLSTATE (five characters), chosen
// by what a caller should do: unique violations ALREADY_EXISTS,
// serialization failures and deadlocks ABORTED (retry the transaction),
// lost connections, a server shutting down or out of resources UNAVAILABLE
// (retry later), corruption DATA_LOSS, anything else INTERNAL.
absl::StatusCode StatusCodeForSqlState(absl::string_view sqlstate);

// Connects to `conninfo` (a libpq URI or key=value string; PG* environment
// variables and ~/.pgpass fill what it leaves out, so a password need not be
// on a command line). Defaults the gateway wants (connect and TCP timeouts,
// keepalives, application_name) apply unless `conninfo` sets them.
// INVALID_ARGUMENT when `conninfo` does not parse, UNAVAILABLE when the
// server cannot be reached or refuses the login. Messages never contain
// the password.
absl::StatusOr<PgConnection> ConnectPostgres(const std::string& conninfo,
                                             absl::Duration connect_timeout = absl::Seconds(5));

// `conninfo` with only what is safe to log (host, port, database, user,
// sslmode): never a password or any other setting. "(unparseable)" when it
// does not parse.
std::string DescribeConninfo(const std::string& conninfo);

// Query parameters, bound by position ($1, $2, ...). Values are copied.
class PgParams {
 public:
  PgParams& Text(absl::string_view value);
  PgParams& Int(int64_t value);
  PgParams& Bool(bool value);
  // Binary (bytea) value.
  PgParams& Bytes(absl::string_view value);
  PgParams& Null();

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  PgParams& Add(std::string value, bool binary);

  std::deque<std::string> storage_;  // stable addresses for values_
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// How a query's columns come back.
enum class PgFormat { kText = 0, kBinary = 1 };

// Runs one statement with `params`. The result has status COMMAND_OK or
// TUPLES_OK; otherwise the error, as StatusCodeForSqlState maps it
// (UNAVAILABLE when the connection is gone). `what` prefixes messages.
absl::StatusOr<PgResult> ExecParams(PGconn* conn, absl::string_view what, const char* sql,
                                    const PgParams& params,
                                    PgFormat results = PgFormat::kBinary);

// Runs `sql` (one or more statements, no parameters, no results wanted).
absl::Status ExecCommand(PGconn* conn, absl::string_view what, const char* sql);

// Runs `body` between BEGIN and COMMIT; ROLLBACK when `body` or the COMMIT
// fails. The outcome of a COMMIT whose answer was lost (UNAVAILABLE) is
// unknown: the transaction may have committed. `began` (when given) tells
// whether BEGIN succeeded: when it did not, nothing reached the database.
absl::Status InTransaction(PGconn* conn, absl::string_view what,
                           absl::FunctionRef<absl::Status()> body, bool* began = nullptr);

// The number of rows a command changed (PQcmdTuples).
int64_t RowsAffected(const PGresult* result);

// The value of row `row`, column `column` as bytes (binary or text).
absl::string_view Value(const PGresult* result, int row, int column);

// A bigint column of a binary-format result (network byte order).
int64_t BinaryInt64(const PGresult* result, int row, int column);

// A text[] literal for `values` ("{"a","b"}"), each quoted and escaped.
std::string TextArray(absl::Span<const std::string> values);

// An integer[] or bigint[] literal for `values` ("{1,2}").
std::string IntArray(absl::Span<const int64_t> values);

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_POSTGRES_HANDLES_H_
