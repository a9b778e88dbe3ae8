// FakeClock: a Clock that moves only when told to.
//
//   FakeClock clock(absl::FromUnixSeconds(1000));
//   clock.Advance(absl::Seconds(5));  // clock.Now() == FromUnixSeconds(1005)
#ifndef SEEDANCE_TESTS_TESTING_FAKE_CLOCK_H_
#define SEEDANCE_TESTS_TESTING_FAKE_CLOCK_H_

#include <cstdint>

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
    ++reads_;
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

  // How many times Now() has been called so far. Thread-safe.
  int64_t reads() const {
    absl::MutexLock lock(&mu_);
    return reads_;
  }

  // Blocks until Now() has been called `n` times in all, or `timeout` has
  // passed (then returns false): lets a test know that a thread under test
  // has looked at the time (and acted on what it saw) without sleeping.
  // Thread-safe.
  bool AwaitReads(int64_t n, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto done = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return reads_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  mutable int64_t reads_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_FAKE_CLOCK_H_
