#include "base/clock.h"

#include "absl/time/clock.h"

namespace seedance {

absl::Time SystemClock::Now() const { return absl::Now(); }

const SystemClock& SystemClock::Get() {
  static const SystemClock* const kClock = new SystemClock();
  return *kClock;
}

}  // namespace seedance
