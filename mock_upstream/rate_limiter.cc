#include "mock_upstream/rate_limiter.h"

#include <algorithm>

namespace seedance::mock_upstream {

absl::Duration RateLimiter::TryAcquire(absl::string_view key, double per_second,
                                       double burst) {
  if (per_second <= 0) return absl::ZeroDuration();
  burst = std::max(burst, 1.0);
  absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  auto [it, added] = buckets_.try_emplace(key, Bucket{burst, now});
  Bucket& bucket = it->second;
  double refill = absl::ToDoubleSeconds(now - bucket.updated) * per_second;
  bucket.tokens = std::min(burst, bucket.tokens + std::max(refill, 0.0));
  bucket.updated = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1 - bucket.tokens) / per_second);
}

void RateLimiter::Reset() {
  absl::MutexLock lock(&mu_);
  buckets_.clear();
}

}  // namespace seedance::mock_upstream
