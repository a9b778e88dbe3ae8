#include "base/rate_limiter.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace seedance {

RateLimiter::RateLimiter(const Clock& clock, Options options)
    : clock_(clock), options_(options), last_sweep_(clock.Now()) {}

absl::Duration RateLimiter::TryAcquire(absl::string_view key, double per_second,
                                       double burst) {
  if (per_second <= 0) return absl::ZeroDuration();
  burst = std::max(burst, 1.0);
  absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  if (now - last_sweep_ >= options_.sweep_interval) SweepLocked(now, buckets_.size());
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= std::max<size_t>(options_.max_keys, 1)) {
      SweepLocked(now, options_.max_keys / 2);
    }
    it = buckets_.emplace(key, Bucket{burst, now, per_second, burst}).first;
  }
  Bucket& bucket = it->second;
  double refill = absl::ToDoubleSeconds(now - bucket.updated) * per_second;
  bucket.tokens = std::min(burst, bucket.tokens + std::max(refill, 0.0));
  bucket.updated = std::max(now, bucket.updated);
  bucket.per_second = per_second;
  bucket.burst = burst;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::ZeroDuration();
  }
  return absl::Seconds((1 - bucket.tokens) / per_second);
}

void RateLimiter::SweepLocked(absl::Time now, size_t target) {
  last_sweep_ = now;
  absl::erase_if(buckets_, [now](const auto& entry) {
    const Bucket& b = entry.second;
    return b.tokens + absl::ToDoubleSeconds(now - b.updated) * b.per_second >= b.burst;
  });
  if (buckets_.size() <= target) return;
  // Still too many: the least recently used go (a partial sort, so that a
  // sweep costs O(n) and frees at least half of max_keys).
  std::vector<std::pair<absl::Time, std::string>> by_age;
  by_age.reserve(buckets_.size());
  for (const auto& [key, bucket] : buckets_) by_age.emplace_back(bucket.updated, key);
  size_t excess = buckets_.size() - target;
  std::nth_element(by_age.begin(), by_age.begin() + static_cast<ptrdiff_t>(excess - 1),
                   by_age.end());
  for (size_t i = 0; i < excess; ++i) buckets_.erase(by_age[i].second);
}

void RateLimiter::Reset() {
  absl::MutexLock lock(&mu_);
  buckets_.clear();
}

size_t RateLimiter::size() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

}  // namespace seedance
