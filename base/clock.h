// Clock: the source of "now", injected wherever time matters so that tests
// control it (tests/testing/fake_clock.h) instead of sleeping.
//
//   class Expirer { public: explicit Expirer(const Clock& clock); ... };
//   Expirer real(SystemClock());             // production
//   FakeClock fake(absl::FromUnixSeconds(0)); Expirer test(fake);
#ifndef SEEDANCE_BASE_CLOCK_H_
#define SEEDANCE_BASE_CLOCK_H_

#include "absl/time/time.h"

namespace seedance {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current time. Thread-safe.
  virtual absl::Time Now() const = 0;
};

// The wall clock. Thread-safe; a process-wide instance is SystemClock::Get().
class SystemClock : public Clock {
 public:
  absl::Time Now() const override;
  static const SystemClock& Get();
};

}  // namespace seedance

#endif  // SEEDANCE_BASE_CLOCK_H_
