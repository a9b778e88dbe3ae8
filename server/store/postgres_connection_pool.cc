#include "server/store/postgres_connection_pool.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace seedance::server::store {

PostgresConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Return(std::move(conn_));
}

absl::StatusOr<PostgresConnectionPool::Lease> PostgresConnectionPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto can_lend = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.max_connections;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&can_lend), options_.acquire_timeout)) {
      return absl::UnavailableError(absl::StrCat("all ", options_.max_connections,
                                                 " PostgreSQL connections stayed busy for ",
                                                 absl::FormatDuration(options_.acquire_timeout)));
    }
    while (!idle_.empty()) {
      PgConnection conn = std::move(idle_.back());
      idle_.pop_back();
      if (PQstatus(conn.get()) == CONNECTION_OK) return Lease(this, std::move(conn));
      --open_;  // broke while idle (the server restarted): closed here
    }
    ++open_;  // reserved; the connect below runs unlocked
  }
  absl::StatusOr<PgConnection> conn = ConnectPostgres(options_.conninfo, options_.connect_timeout);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    return conn.status();
  }
  return Lease(this, *std::move(conn));
}

void PostgresConnectionPool::Return(PgConnection conn) {
  // A connection that broke, or comes back inside a transaction (a caller
  // failed between BEGIN and ROLLBACK), is not lent again.
  bool reusable = conn != nullptr && PQstatus(conn.get()) == CONNECTION_OK &&
                  PQtransactionStatus(conn.get()) == PQTRANS_IDLE;
  absl::MutexLock lock(&mu_);
  if (reusable) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
}

void PostgresConnectionPool::CloseIdle() {
  std::vector<PgConnection> closing;
  {
    absl::MutexLock lock(&mu_);
    open_ -= static_cast<int>(idle_.size());
    closing.swap(idle_);
  }
  // Closed outside the lock: PQfinish may write to the socket.
}

int PostgresConnectionPool::open_connections() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

}  // namespace seedance::server::store
