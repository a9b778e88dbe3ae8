// Exponential backoff, the one policy for every retry in the tree: the
// driver's submission retries and polls, webhook deliveries, the C++
// client's stream reconnects. Delays double from the first one and stop
// growing at a cap.
//
//   absl::Duration d = BackoffDelay(absl::Seconds(1), attempt, absl::Minutes(1));
//   // attempt 1: 1 s, 2: 2 s, 3: 4 s, ... never more than 1 min
//   delay = NextBackoff(delay, absl::Seconds(10));  // doubled, capped
#ifndef SEEDANCE_BASE_BACKOFF_H_
#define SEEDANCE_BASE_BACKOFF_H_

#include <algorithm>

#include "absl/time/time.h"

namespace seedance {

// The delay before retry number `attempt` (1 for the first):
// initial * 2^(attempt - 1), at most `cap`. Attempts below 1 count as 1.
inline absl::Duration BackoffDelay(absl::Duration initial, int attempt, absl::Duration cap) {
  absl::Duration d = initial;
  for (int i = 1; i < attempt && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

// The delay after `previous`: twice as long, at most `cap`.
inline absl::Duration NextBackoff(absl::Duration previous, absl::Duration cap) {
  return std::min(previous * 2, cap);
}

}  // namespace seedance

#endif  // SEEDANCE_BASE_BACKOFF_H_
