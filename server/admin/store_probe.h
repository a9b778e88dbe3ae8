// StoreProbe: asks the task store whether it is reachable (TaskStore::Ping)
// every `interval` on a thread of its own, since a ping of an unreachable
// database may block for its connect timeout: readiness checks and gRPC
// health read the last answer instead of waiting. `on_change` runs, on the
// probe's thread, when the answer flips (and once with the first answer).
//
//   StoreProbe probe(store, absl::Seconds(1), [&](bool reachable) {
//     health->SetServingStatus("seedance.v1.VideoGateway", reachable);
//   });
//   absl::Status s = probe.last();   // OK, or UNAVAILABLE with why
#ifndef SEEDANCE_SERVER_ADMIN_STORE_PROBE_H_
#define SEEDANCE_SERVER_ADMIN_STORE_PROBE_H_

#include <functional>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/store/task_store.h"

namespace seedance::server::admin {

class StoreProbe {
 public:
  // Probes at once, then every `interval`. `store` must outlive the probe.
  StoreProbe(store::TaskStore& store, absl::Duration interval,
             std::function<void(bool reachable)> on_change);
  // Stops the thread (waits for a ping in progress).
  ~StoreProbe();
  StoreProbe(const StoreProbe&) = delete;
  StoreProbe& operator=(const StoreProbe&) = delete;

  // The last answer: OK, or why the store is unreachable; UNAVAILABLE
  // before the first answer. Thread-safe.
  absl::Status last() const;

 private:
  void Run();

  store::TaskStore& store_;
  const absl::Duration interval_;
  const std::function<void(bool)> on_change_;
  mutable absl::Mutex mu_;
  std::optional<absl::Status> last_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace seedance::server::admin

#endif  // SEEDANCE_SERVER_ADMIN_STORE_PROBE_H_
