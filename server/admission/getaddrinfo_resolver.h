// GetaddrinfoResolver: the HostResolver the gateway uses, on the system's
// getaddrinfo (so /etc/hosts, nsswitch and resolv.conf apply as for any
// program). getaddrinfo blocks, for seconds when a DNS server is slow, so it
// never runs on a gRPC callback thread or the task loop: a few dedicated
// threads take lookups from a bounded queue and call back from there.
// Lookups beyond the queue's bound fail at once with kUnavailable rather
// than wait behind a slow DNS server.
//
//   GetaddrinfoResolver resolver({.threads = 2});
//   resolver.Resolve("localhost", [](absl::StatusOr<std::vector<IpAddress>> r) {
//     // on one of the resolver's threads
//   });
//   resolver.Stop();  // also done by the destructor
#ifndef SEEDANCE_SERVER_ADMISSION_GETADDRINFO_RESOLVER_H_
#define SEEDANCE_SERVER_ADMISSION_GETADDRINFO_RESOLVER_H_

#include <cstddef>
#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/admission/host_resolver.h"

namespace seedance::server::admission {

class GetaddrinfoResolver : public HostResolver {
 public:
  struct Options {
    // Lookups running at once (each blocks a thread).
    int threads = 2;
    // Lookups waiting for a thread; more fail with kUnavailable.
    size_t max_queued = 256;
  };

  // Starts the threads.
  explicit GetaddrinfoResolver(Options options);
  // Stop().
  ~GetaddrinfoResolver() override;

  GetaddrinfoResolver(const GetaddrinfoResolver&) = delete;
  GetaddrinfoResolver& operator=(const GetaddrinfoResolver&) = delete;

  // One blocking getaddrinfo call on the calling thread, with the error
  // codes of HostResolver::Resolve. Thread-safe; for the worker threads and
  // for tests.
  static absl::StatusOr<std::vector<IpAddress>> ResolveNow(const std::string& host);

  // Queued lookups that have not started fail with kUnavailable, lookups
  // in progress finish (getaddrinfo cannot be interrupted: this waits for
  // them), then the threads end; later Resolve calls fail at once. Not from
  // a `done` callback, nor from two threads at once. Idempotent.
  void Stop();

  // --- HostResolver ---
  // Queues the lookup; see HostResolver. Thread-safe.
  void Resolve(std::string host, Done done) override;

 private:
  void WorkerMain();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::deque<std::pair<std::string, Done>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  const Options options_;
  std::vector<std::thread> threads_;
};

}  // namespace seedance::server::admission

#endif  // SEEDANCE_SERVER_ADMISSION_GETADDRINFO_RESOLVER_H_
