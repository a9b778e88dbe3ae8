#include "server/store/postgres_event_hints.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/log.h"
#include "upstream_api/status_details.h"

namespace seedance::server::store {
namespace {

struct NotifyFree {
  void operator()(PGnotify* n) const { PQfreemem(n); }
};
using PgNotification = std::unique_ptr<PGnotify, NotifyFree>;

void Drain(int fd) {
  uint64_t count = 0;
  while (read(fd, &count, sizeof(count)) > 0) {
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresEventHints>> PostgresEventHints::Start(Options options) {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  std::unique_ptr<PostgresEventHints> hints(new PostgresEventHints(std::move(options), fd));
  hints->thread_ = std::thread([h = hints.get()] { h->Run(); });
  return hints;
}

PostgresEventHints::PostgresEventHints(Options options, int wake_fd)
    : options_(std::move(options)), wake_fd_(wake_fd) {}

PostgresEventHints::~PostgresEventHints() {
  stopping_ = true;
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  close(wake_fd_);
}

void PostgresEventHints::Notify() {
  if (notify_wanted_.exchange(true)) return;  // one wake-up per batch
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

int PostgresEventHints::Subscribe(std::function<void()> hint) {
  absl::MutexLock lock(&mu_);
  subscribers_.emplace_back(next_id_, std::move(hint));
  return next_id_++;
}

void PostgresEventHints::Unsubscribe(int id) {
  absl::MutexLock lock(&mu_);
  std::erase_if(subscribers_, [id](const auto& s) { return s.first == id; });
}

void PostgresEventHints::Hint() {
  absl::MutexLock lock(&mu_);
  for (const auto& [id, hint] : subscribers_) hint();
}

void PostgresEventHints::Run() {
  pthread_setname_np(pthread_self(), "pg-hints");
  while (!stopping_) {
    absl::StatusOr<PgConnection> conn = ConnectPostgres(options_.conninfo);
    std::string listen = absl::StrCat("LISTEN ", options_.channel);
    // A NOTIFY is a transaction of its own with a commit record: not
    // waiting for its WAL flush keeps the cluster-wide notification lock
    // short, and a hint lost in a crash costs nothing (readers re-read).
    absl::Status listening =
        conn.ok() ? ExecCommand(conn->get(), "set up the hints connection",
                                "SET synchronous_commit TO off")
                  : conn.status();
    if (listening.ok()) {
      listening = ExecCommand(conn->get(), "listen for event hints", listen.c_str());
    }
    if (listening.ok()) {
      ++connections_;
      // Whatever was notified while there was no connection is lost: the
      // subscribers read everything again.
      Hint();
      Serve(conn->get());
    }
    if (stopping_) break;
    Log(LogLevel::kWarning, "event_hints_disconnected",
        {{"error", upstream_api::StatusSummary(
                       listening.ok() ? absl::UnavailableError("the connection failed")
                                      : listening)}});
    // Wait before reconnecting, but wake for a stop.
    pollfd wake{wake_fd_, POLLIN, 0};
    poll(&wake, 1, static_cast<int>(absl::ToInt64Milliseconds(options_.reconnect_delay)));
    Drain(wake_fd_);
  }
}

void PostgresEventHints::Serve(PGconn* conn) {
  std::string notify = absl::StrCat("NOTIFY ", options_.channel);
  absl::Time last_notify = absl::InfinitePast();
  while (!stopping_) {
    int timeout_ms = -1;
    if (notify_wanted_) {
      absl::Duration wait = last_notify + options_.min_gap - absl::Now();
      if (wait <= absl::ZeroDuration()) {
        notify_wanted_ = false;
        if (!ExecCommand(conn, "notify event hints", notify.c_str()).ok()) return;
        last_notify = absl::Now();
        // The round trip read whatever notifications came meanwhile (ours
        // too) off the socket: poll would not wake for them.
        bool hinted = false;
        while (PgNotification n{PQnotifies(conn)}) hinted = true;
        if (hinted) Hint();
        continue;
      }
      timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(wait)) + 1;
    }
    pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) Drain(wake_fd_);
    if (fds[0].revents != 0) {
      if (PQconsumeInput(conn) == 0) return;  // the connection broke
      bool hinted = false;
      while (PgNotification n{PQnotifies(conn)}) hinted = true;
      if (hinted) Hint();
    }
    if (PQstatus(conn) != CONNECTION_OK) return;
  }
}

}  // namespace seedance::server::store
