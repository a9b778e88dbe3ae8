// CallerRateLimit: a token bucket per caller (Caller::owner, the keyed hash
// of the credential, never the token) with the gateway's refusal: past the
// rate a call gets RESOURCE_EXHAUSTED saying which limit it hit, an
// ErrorInfo reason in model::kGatewayErrorDomain and a RetryInfo delay of exactly
// the time until the caller's next token. The buckets are bounded
// (base/rate_limiter.h), so callers cycling credentials cannot grow memory.
//
//   CallerRateLimit creates(clock, {.per_second = 20, .burst = 40,
//                                   .reason = "CALLER_CREATE_RATE_LIMITED",
//                                   .what = "task creations"});
//   if (absl::Status s = creates.Admit(caller.owner); !s.ok()) return done(s);
#ifndef SEEDANCE_SERVER_ADMISSION_CALLER_RATE_LIMIT_H_
#define SEEDANCE_SERVER_ADMISSION_CALLER_RATE_LIMIT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "base/rate_limiter.h"

namespace seedance::server::admission {

class CallerRateLimit {
 public:
  struct Options {
    // Sustained calls per second per caller; 0 (or less): no limit.
    double per_second = 0;
    // Calls a caller may make at once after being idle (at least 1).
    double burst = 1;
    // The ErrorInfo reason of a refusal.
    std::string reason = "CALLER_RATE_LIMITED";
    // What is counted, for the message: "task creations", "calls".
    std::string what = "calls";
    // Callers tracked at most (see RateLimiter::Options::max_keys).
    size_t max_callers = 100000;
  };

  // `clock` must outlive the limit.
  CallerRateLimit(const Clock& clock, Options options);

  // Takes one token of `owner`'s bucket: OK, or RESOURCE_EXHAUSTED (with
  // ErrorInfo and RetryInfo) when none is left; then nothing is taken.
  // Thread-safe.
  absl::Status Admit(absl::string_view owner);

  // Whether the limit is on.
  bool enabled() const { return options_.per_second > 0; }

  // Callers with a bucket now (bounded). Thread-safe.
  size_t tracked_callers() const { return limiter_.size(); }

 private:
  const Options options_;
  RateLimiter limiter_;
};

}  // namespace seedance::server::admission

#endif  // SEEDANCE_SERVER_ADMISSION_CALLER_RATE_LIMIT_H_
