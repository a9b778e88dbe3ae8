// CreateLimits: the three limits a create meets before anything is stored,
// each refused the same way (RESOURCE_EXHAUSTED with a reason and a RetryInfo,
// model::LimitRefusal):
//   - the gateway's tasks in progress (TOO_MANY_TASKS_IN_FLIGHT),
//   - a caller's create rate, a token bucket per caller
//     (CALLER_CREATE_RATE_LIMITED),
//   - a caller's creates waiting for their URLs' host names to resolve
//     (CALLER_URL_CHECKS_PENDING), so that one caller's unresolvable names
//     cannot fill the resolver's shared queue.
//
//   if (absl::Status s = limits.BeginUrlCheck(owner); !s.ok()) return done(s);
//   ... the URL guard answers ...  limits.EndUrlCheck(owner);
//   if (absl::Status s = limits.AdmitCreate(owner, registry.in_flight()); !s.ok()) ...
//
// Thread-safe.
#ifndef SEEDANCE_SERVER_ADMISSION_CREATE_LIMITS_H_
#define SEEDANCE_SERVER_ADMISSION_CREATE_LIMITS_H_

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "server/admission/caller_rate_limit.h"

namespace seedance::server::admission {

struct CreateLimitsOptions {
  // Tasks in progress at once.
  int max_tasks_in_flight = 10000;
  // The retry delay suggested when refusing for capacity.
  absl::Duration busy_retry_delay = absl::Seconds(5);
  // Creates per second per caller, and at once after being idle; 0: no limit.
  double caller_create_rate = 0;
  double caller_create_burst = 1;
  // Creates of one caller in the URL guard at once; 0: no cap.
  int max_url_checks_per_caller = 8;
};

class CreateLimits {
 public:
  // `clock` must outlive this.
  CreateLimits(const Clock& clock, CreateLimitsOptions options);

  // OK for a create that may go ahead with `in_flight` tasks in progress;
  // it then takes one of the caller's create tokens. A create refused for
  // capacity takes none.
  absl::Status AdmitCreate(const std::string& owner, size_t in_flight);

  // Counts a create of `owner` entering the URL guard, or refuses it (and
  // counts nothing) when the caller already has the most there.
  absl::Status BeginUrlCheck(const std::string& owner);
  // The URL guard answered a create BeginUrlCheck counted.
  void EndUrlCheck(const std::string& owner);

 private:
  const CreateLimitsOptions options_;
  CallerRateLimit create_rate_;
  absl::Mutex url_checks_mu_;
  // Creates in the URL guard per owner; entries at 0 are erased.
  absl::flat_hash_map<std::string, int> url_checks_ ABSL_GUARDED_BY(url_checks_mu_);
};

}  // namespace seedance::server::admission

#endif  // SEEDANCE_SERVER_ADMISSION_CREATE_LIMITS_H_
