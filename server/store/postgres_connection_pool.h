// PostgresConnectionPool: up to N libpq connections to one database, lent
// to one caller at a time, so that a long commit on one does not hold up
// reads on another. A connection that broke, or was returned inside a
// transaction, is closed rather than lent again; the next Acquire opens a
// fresh one, which is how the store reconnects after PostgreSQL comes back.
//
//   PostgresConnectionPool pool({.conninfo = "postgresql://gw@db/seedance"});
//   absl::StatusOr<PostgresConnectionPool::Lease> conn = pool.Acquire();
//   if (conn.ok()) ExecCommand(conn->get(), "ping", "SELECT 1");
#ifndef SEEDANCE_SERVER_STORE_POSTGRES_CONNECTION_POOL_H_
#define SEEDANCE_SERVER_STORE_POSTGRES_CONNECTION_POOL_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/postgres_handles.h"

namespace seedance::server::store {

// Thread-safe.
class PostgresConnectionPool {
 public:
  struct Options {
    std::string conninfo;
    // Connections open at most.
    int max_connections = 4;
    absl::Duration connect_timeout = absl::Seconds(5);
    // How long Acquire waits for a busy pool to lend a connection.
    absl::Duration acquire_timeout = absl::Seconds(30);
  };

  // A lent connection; goes back to the pool (or is closed, if it broke)
  // when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {
      other.pool_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    PGconn* get() const { return conn_.get(); }

   private:
    friend class PostgresConnectionPool;
    Lease(PostgresConnectionPool* pool, PgConnection conn)
        : pool_(pool), conn_(std::move(conn)) {}

    PostgresConnectionPool* pool_;
    PgConnection conn_;
  };

  explicit PostgresConnectionPool(Options options) : options_(std::move(options)) {}
  PostgresConnectionPool(const PostgresConnectionPool&) = delete;
  PostgresConnectionPool& operator=(const PostgresConnectionPool&) = delete;

  // A healthy connection, opening one if none is idle and fewer than
  // max_connections are open. UNAVAILABLE when PostgreSQL cannot be reached
  // or the pool stayed busy for acquire_timeout.
  absl::StatusOr<Lease> Acquire();

  // Closes the idle connections (the server restarted: they are broken,
  // though libpq learns so only at their next use). Lent ones are unchanged.
  void CloseIdle();

  // Connections open now (lent or idle), for tests and metrics.
  int open_connections() const;

 private:
  void Return(PgConnection conn);

  const Options options_;
  mutable absl::Mutex mu_;
  std::vector<PgConnection> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_POSTGRES_CONNECTION_POOL_H_
