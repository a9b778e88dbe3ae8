#include "server/admission/caller_rate_limit.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/model/gateway_errors.h"

namespace seedance::server::admission {
namespace {

// "20", "0.5": a rate or burst for a message.
std::string Number(double value) { return absl::StrFormat("%g", value); }

}  // namespace

CallerRateLimit::CallerRateLimit(const Clock& clock, Options options)
    : options_(std::move(options)),
      limiter_(clock, RateLimiter::Options{.max_keys = options_.max_callers}) {}

absl::Status CallerRateLimit::Admit(absl::string_view owner) {
  if (!enabled()) return absl::OkStatus();
  double burst = std::max(options_.burst, 1.0);
  absl::Duration wait = limiter_.TryAcquire(owner, options_.per_second, burst);
  if (wait <= absl::ZeroDuration()) return absl::OkStatus();
  // Whole milliseconds, rounded up: retrying after the delay always succeeds
  // (unless the caller spent the token elsewhere meanwhile).
  wait = absl::Milliseconds(std::ceil(absl::ToDoubleMilliseconds(wait)));
  return model::LimitRefusal(
      absl::StrCat("too many ", options_.what, " from this caller: the gateway allows ",
                   Number(options_.per_second), " per second (bursts of ", Number(burst),
                   ") per caller; retry after ", absl::FormatDuration(wait),
                   " (RetryInfo), and spread calls out"),
      options_.reason, wait,
      {{"per_second", Number(options_.per_second)}, {"burst", Number(burst)}});
}

}  // namespace seedance::server::admission
