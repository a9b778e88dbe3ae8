// RateLimiter: a token bucket per key (the mock keys by bearer-token
// fingerprint, the gateway by caller), refilled from an injected Clock so
// that tests need no sleeping. The buckets it holds are bounded: a bucket
// that has refilled to its burst is the same as no bucket and is dropped on
// a sweep, and past `max_keys` the least recently used half goes, so a
// client cycling through keys cannot grow memory without bound.
//
//   RateLimiter limiter(clock);
//   absl::Duration wait = limiter.TryAcquire("token-fp", /*per_second=*/2, /*burst=*/2);
//   if (wait > absl::ZeroDuration()) { /* refuse; retry after `wait` */ }
#ifndef SEEDANCE_BASE_RATE_LIMITER_H_
#define SEEDANCE_BASE_RATE_LIMITER_H_

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace seedance {

class RateLimiter {
 public:
  struct Options {
    // Buckets kept at most. Reaching it drops every full bucket and, if that
    // is not enough, the least recently used ones down to half of it (a key
    // dropped while not full starts again from a full bucket).
    size_t max_keys = 100000;
    // Full buckets are also dropped this often (checked on TryAcquire), so
    // that the map stays small when traffic is normal.
    absl::Duration sweep_interval = absl::Minutes(1);
  };

  // `clock` must outlive the limiter.
  explicit RateLimiter(const Clock& clock) : RateLimiter(clock, Options()) {}
  RateLimiter(const Clock& clock, Options options);

  // Takes one token from `key`'s bucket (full at `burst` when new). Returns
  // zero if taken, else how long until a token is there. `per_second` <= 0
  // means no limit (and no bucket). Thread-safe.
  absl::Duration TryAcquire(absl::string_view key, double per_second, double burst);

  // Forgets every bucket. Thread-safe.
  void Reset();

  // Buckets held now. Thread-safe.
  size_t size() const;

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
    // The rate and burst of the last TryAcquire: when it will be full.
    double per_second;
    double burst;
  };
  // Drops buckets full at `now`; then, if `target` is below the size, the
  // least recently updated ones down to `target`.
  void SweepLocked(absl::Time now, size_t target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock& clock_;
  const Options options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sweep_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance

#endif  // SEEDANCE_BASE_RATE_LIMITER_H_
