// PostgresServer: a real PostgreSQL server started by a test: initdb into a
// fresh temporary directory, listening on loopback on a free port with
// password (SCRAM) authentication, and stopped, its files removed, when the
// object goes away. It dies with the test's thread if the test crashes.
// PostgreSQL refuses to run as root, so a test running as root runs its
// programs as the `postgres` user (Debian's package creates it).
//
//   absl::StatusOr<std::unique_ptr<PostgresServer>> pg = PostgresServer::Start();
//   absl::StatusOr<std::string> uri = (*pg)->CreateDatabase();  // empty, new
//   PostgresServer::Shared().CreateDatabase();  // one server per test process
//   (*pg)->Crash();           // immediate shutdown, as a crash (no checkpoint)
//   (*pg)->Restart();         // same port, same data
//
// The programs come from $SEEDANCE_PG_BINDIR, else the newest
// /usr/lib/postgresql/<version>/bin. Not thread-safe.
#ifndef SEEDANCE_TESTS_TESTING_POSTGRES_SERVER_H_
#define SEEDANCE_TESTS_TESTING_POSTGRES_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace seedance::testing {

class PostgresServer {
 public:
  struct Options {
    // fsync and full-page writes on, as a production server has them (for
    // benchmarks); off by default, since a test server never loses power.
    bool durable = false;
  };

  // initdb, then starts the server. Errors say what is missing (e.g. the
  // postgresql package) or quote the server's log.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start(Options options);
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Start() { return Start(Options()); }

  // One server for the whole test process, started at the first call and
  // stopped at exit; tests sharing it take a database each
  // (CreateDatabase). Aborts the test program when it cannot start.
  static PostgresServer& Shared();

  // Stops the server (immediately) and removes its directory.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // The password of the superuser `user()` (random per server).
  const std::string& password() const { return password_; }
  const std::string& user() const { return user_; }

  // A URI for database `dbname`, without the password (give it through
  // PGPASSWORD, or use UriWithPassword).
  std::string Uri(const std::string& dbname) const;
  std::string UriWithPassword(const std::string& dbname) const;

  // Creates a new empty database and returns its URI with the password.
  absl::StatusOr<std::string> CreateDatabase();

  // Fast shutdown: clients are disconnected, committed work is kept.
  absl::Status Stop();
  // Immediate shutdown, as a crash: no checkpoint, recovery at the next start.
  absl::Status Crash();
  // Starts a stopped server again on the same port with the same data.
  absl::Status Restart();
  bool running() const { return pid_ > 0; }

 private:
  PostgresServer() = default;
  absl::Status Launch(absl::Duration timeout);
  absl::Status StopWith(int signal);

  Options options_;
  std::string bindir_;
  std::string dir_;
  std::string user_ = "seedance";
  std::string password_;
  int port_ = 0;
  pid_t pid_ = -1;
  int databases_ = 0;
};

// The one value the query `sql` returns on the database at `uri` (text).
absl::StatusOr<std::string> QueryOne(const std::string& uri, const std::string& sql);

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_POSTGRES_SERVER_H_
