// RateLimiter: a token bucket per key (the mock keys by bearer token
// fingerprint), refilled from an injected Clock, so tests need no sleeping.
//
//   RateLimiter limiter(clock);
//   absl::Duration wait = limiter.TryAcquire("token-fp", /*per_second=*/2, /*burst=*/2);
//   if (wait > absl::ZeroDuration()) { /* 429, Retry-After: ceil(wait) */ }
#ifndef SEEDANCE_MOCK_UPSTREAM_RATE_LIMITER_H_
#define SEEDANCE_MOCK_UPSTREAM_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace seedance::mock_upstream {

class RateLimiter {
 public:
  explicit RateLimiter(const Clock& clock) : clock_(clock) {}

  // Takes one token from `key`'s bucket (full at `burst` when new). Returns
  // zero if taken, else how long until a token is there. `per_second` <= 0
  // means no limit. Thread-safe.
  absl::Duration TryAcquire(absl::string_view key, double per_second, double burst);

  // Forgets every bucket. Thread-safe.
  void Reset();

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  const Clock& clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_RATE_LIMITER_H_
