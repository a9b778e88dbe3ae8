#include "server/store/postgres_handles.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"

namespace seedance::server::store {
namespace {

struct ConninfoOptionsFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using ConninfoOptions = std::unique_ptr<PQconninfoOption, ConninfoOptionsFree>;

// libpq's messages end with a newline.
std::string Trimmed(const char* message) {
  return std::string(absl::StripTrailingAsciiWhitespace(message != nullptr ? message : ""));
}

// libpq's parse errors quote the fragment they stumbled on, which may be a
// password (itself holding quotes): everything from the first quote on is
// dropped.
std::string WithoutQuotedFragments(absl::string_view message) {
  size_t quote = message.find('"');
  if (quote == absl::string_view::npos) return std::string(message);
  return absl::StrCat(message.substr(0, quote), "\"…\"");
}

absl::Status ParseError(const char* error) {
  std::string message = WithoutQuotedFragments(Trimmed(error));
  if (error != nullptr) PQfreemem(const_cast<char*>(error));
  return absl::InvalidArgumentError(
      absl::StrCat("the PostgreSQL connection string does not parse: ", message));
}

// A URI whose user or password holds an '@', '/' or '?' not percent-encoded
// parses, but wrongly: libpq splits it at the first '@' or '/', and a piece
// of the password lands in the host, port or database name, which are
// logged. Such a URI is refused instead. (An '@' after a '/' or '?' could be
// a database or user name's: those must be percent-encoded too, then.)
bool HasUnencodedAt(absl::string_view conninfo) {
  for (absl::string_view scheme : {"postgresql://", "postgres://"}) {
    if (!absl::StartsWith(conninfo, scheme)) continue;
    absl::string_view rest = conninfo.substr(scheme.size());
    size_t at = rest.find('@');
    if (at == absl::string_view::npos) return false;
    return rest.find_first_of("/?#") < at || rest.find('@', at + 1) != absl::string_view::npos;
  }
  return false;
}

absl::StatusOr<ConninfoOptions> Parse(const std::string& conninfo) {
  if (HasUnencodedAt(conninfo)) {
    return absl::InvalidArgumentError(
        "the PostgreSQL URI has an '@' where libpq would split it wrongly: percent-encode "
        "'@', '/', '?' and '#' in its user name and password (%40, %2F, %3F, %23), or give "
        "the password in PGPASSWORD or ~/.pgpass");
  }
  char* error = nullptr;
  ConninfoOptions options(PQconninfoParse(conninfo.c_str(), &error));
  if (options == nullptr) return ParseError(error);
  return options;
}

absl::Status ResultError(PGconn* conn, const PGresult* result, absl::string_view what) {
  if (result == nullptr || PQstatus(conn) == CONNECTION_BAD) {
    return absl::UnavailableError(
        absl::StrCat(what, ": the PostgreSQL connection failed: ", Trimmed(PQerrorMessage(conn))));
  }
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string state = sqlstate != nullptr ? sqlstate : "";
  return absl::Status(StatusCodeForSqlState(state),
                      absl::StrCat(what, ": ", Trimmed(PQresultErrorMessage(result)),
                                   state.empty() ? "" : absl::StrCat(" (SQLSTATE ", state, ")")));
}

}  // namespace

absl::StatusCode StatusCodeForSqlState(absl::string_view sqlstate) {
  if (sqlstate.size() != 5) return absl::StatusCode::kUnavailable;  // no answer from a server
  absl::string_view cls = sqlstate.substr(0, 2);
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::StatusCode::kAborted;
  if (sqlstate == "XX001" || sqlstate == "XX002") return absl::StatusCode::kDataLoss;
  // Connection exceptions; insufficient resources (disk full, too many
  // connections); operator intervention (shutdown, statement timeout); a
  // read-only server (a standby after a failover); system errors (I/O); a
  // lock not granted within lock_timeout.
  if (cls == "08" || cls == "53" || cls == "57" || cls == "58" || sqlstate == "25006" ||
      sqlstate == "55P03") {
    return absl::StatusCode::kUnavailable;
  }
  return absl::StatusCode::kInternal;
}

absl::StatusOr<PgConnection> ConnectPostgres(const std::string& conninfo,
                                             absl::Duration connect_timeout) {
  if (absl::StatusOr<ConninfoOptions> parsed = Parse(conninfo); !parsed.ok()) {
    return parsed.status();
  }
  std::string timeout =
      absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(connect_timeout)));
  // Defaults first: libpq lets the expanded connection string (the last
  // entry) override them. TCP keepalives and a user timeout make a dead
  // server an error within seconds rather than a call blocked for the
  // kernel's minutes.
  // Server-side limits too: a statement waiting on a lock that a stalled
  // replica holds fails (UNAVAILABLE) instead of blocking the task loop.
  const char* keywords[] = {"connect_timeout", "keepalives",     "keepalives_idle",
                            "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                            "application_name", "options",      "dbname",
                            nullptr};
  const char* values[] = {timeout.c_str(), "1",  "10", "3", "3", "15000",
                          "seedance-gateway",
                          "-c statement_timeout=30000 -c lock_timeout=10000 "
                          "-c idle_in_transaction_session_timeout=60000",
                          conninfo.c_str(), nullptr};
  PgConnection conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) return absl::ResourceExhaustedError("libpq could not allocate a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(absl::StrCat("cannot connect to PostgreSQL (",
                                               DescribeConninfo(conninfo), "): ",
                                               Trimmed(PQerrorMessage(conn.get()))));
  }
  // The server's notices ("... already exists, skipping") would go to
  // stderr past the gateway's log format; errors come back as Status.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

std::string DescribeConninfo(const std::string& conninfo) {
  if (HasUnencodedAt(conninfo)) return "(a URI with an unencoded '@')";
  char* error = nullptr;
  ConninfoOptions options(PQconninfoParse(conninfo.c_str(), &error));
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    return "(unparseable)";
  }
  std::vector<std::string> parts;
  for (absl::string_view key : {"host", "hostaddr", "port", "dbname", "user", "sslmode"}) {
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
      if (key == o->keyword && o->val != nullptr && *o->val != '\0') {
        parts.push_back(absl::StrCat(key, "=", o->val));
      }
    }
  }
  if (parts.empty()) return "(from the PG* environment)";
  return absl::StrJoin(parts, " ");
}

PgParams& PgParams::Add(std::string value, bool binary) {
  storage_.push_back(std::move(value));
  values_.push_back(storage_.back().data());
  lengths_.push_back(static_cast<int>(storage_.back().size()));
  formats_.push_back(binary ? 1 : 0);
  return *this;
}

PgParams& PgParams::Text(absl::string_view value) { return Add(std::string(value), false); }
PgParams& PgParams::Int(int64_t value) { return Add(absl::StrCat(value), false); }
PgParams& PgParams::Bool(bool value) { return Add(value ? "true" : "false", false); }
PgParams& PgParams::Bytes(absl::string_view value) { return Add(std::string(value), true); }

PgParams& PgParams::Null() {
  storage_.emplace_back();
  values_.push_back(nullptr);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

absl::StatusOr<PgResult> ExecParams(PGconn* conn, absl::string_view what, const char* sql,
                                    const PgParams& params, PgFormat results) {
  PgResult result(PQexecParams(conn, sql, params.size(), /*paramTypes=*/nullptr,
                               params.values(), params.lengths(), params.formats(),
                               static_cast<int>(results)));
  ExecStatusType status = result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ResultError(conn, result.get(), what);
  }
  return result;
}

absl::Status ExecCommand(PGconn* conn, absl::string_view what, const char* sql) {
  PgResult result(PQexec(conn, sql));
  ExecStatusType status = result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ResultError(conn, result.get(), what);
  }
  return absl::OkStatus();
}

absl::Status InTransaction(PGconn* conn, absl::string_view what,
                           absl::FunctionRef<absl::Status()> body, bool* began) {
  absl::Status begun = ExecCommand(conn, absl::StrCat(what, ": begin"), "BEGIN");
  if (began != nullptr) *began = begun.ok();
  if (!begun.ok()) return begun;
  absl::Status status = body();
  if (status.ok()) status = ExecCommand(conn, absl::StrCat(what, ": commit"), "COMMIT");
  if (!status.ok() && PQtransactionStatus(conn) != PQTRANS_IDLE) {
    (void)ExecCommand(conn, absl::StrCat(what, ": roll back"), "ROLLBACK");
  }
  return status;
}

int64_t RowsAffected(const PGresult* result) {
  int64_t rows = 0;
  if (!absl::SimpleAtoi(PQcmdTuples(const_cast<PGresult*>(result)), &rows)) return 0;
  return rows;
}

absl::string_view Value(const PGresult* result, int row, int column) {
  return absl::string_view(PQgetvalue(result, row, column),
                           static_cast<size_t>(PQgetlength(result, row, column)));
}

int64_t BinaryInt64(const PGresult* result, int row, int column) {
  absl::string_view bytes = Value(result, row, column);
  if (bytes.size() != 8) return 0;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(value);
}

std::string TextArray(absl::Span<const std::string> values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string IntArray(absl::Span<const int64_t> values) {
  return absl::StrCat("{", absl::StrJoin(values, ","), "}");
}

}  // namespace seedance::server::store
