// FakeClock: a Clock that moves only when told to.
//
//   FakeClock clock(absl::FromUnixSeconds(1000));
//   clock.Advance(absl::Seconds(5));  // clock.Now() == FromUnixSeconds(1005)
#ifndef SEEDANCE_TESTS_TESTING_FAKE_CLOCK_H_
#define SEEDANCE_TESTS_TESTING_FAKE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace seedance::testing {

class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1766361600))
      : now_(start) {}

  // Clock:
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }

  // Moves time forward by `d`. Thread-safe.
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

  // Sets the time. Thread-safe.
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_FAKE_CLOCK_H_
