// PostgresEventHints: EventHints over PostgreSQL's LISTEN/NOTIFY, on one
// connection of its own with one thread. Notify() requests are coalesced:
// one NOTIFY goes out per batch of requests, at most every `min_gap`, and
// never inside a task transaction (a NOTIFY in every commit serialises
// commits cluster-wide: about 300 commits/s on this project's machine
// against 4,500 without). The connection is re-made after a failure, and
// subscribers are told then, since notifications sent meanwhile are lost.
//
//   absl::StatusOr<std::unique_ptr<PostgresEventHints>> hints =
//       PostgresEventHints::Start({.conninfo = uri});
#ifndef SEEDANCE_SERVER_STORE_POSTGRES_EVENT_HINTS_H_
#define SEEDANCE_SERVER_STORE_POSTGRES_EVENT_HINTS_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/event_hints.h"
#include "server/store/postgres_handles.h"

namespace seedance::server::store {

class PostgresEventHints : public EventHints {
 public:
  struct Options {
    std::string conninfo;
    // The notification channel (one per database is enough).
    std::string channel = "seedance_events";
    // At most one NOTIFY this often.
    absl::Duration min_gap = absl::Milliseconds(2);
    // Between attempts to reconnect.
    absl::Duration reconnect_delay = absl::Seconds(1);
  };

  // Starts the thread; it connects (and reconnects) on its own, so a
  // database that is down at start is no error.
  static absl::StatusOr<std::unique_ptr<PostgresEventHints>> Start(Options options);
  // Stops the thread.
  ~PostgresEventHints() override;

  // EventHints:
  void Notify() override;
  int Subscribe(std::function<void()> hint) override;
  void Unsubscribe(int id) override;

  // Connections made so far (for tests).
  int connections() const { return connections_; }

 private:
  PostgresEventHints(Options options, int wake_fd);
  void Run();
  // Listens and notifies on `conn` until it fails or the hints stop.
  void Serve(PGconn* conn);
  void Hint();

  const Options options_;
  const int wake_fd_;  // an eventfd: Notify() and the destructor wake the thread
  std::atomic<bool> stopping_{false};
  std::atomic<bool> notify_wanted_{false};
  std::atomic<int> connections_{0};
  absl::Mutex mu_;
  // Held while hints run, so that Unsubscribe waits for one in progress.
  std::vector<std::pair<int, std::function<void()>>> subscribers_ ABSL_GUARDED_BY(mu_);
  int next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::thread thread_;
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_POSTGRES_EVENT_HINTS_H_
