// FakeScheduler: a Scheduler whose timers run only when a test says so,
// against a FakeClock.
//
//   FakeClock clock;
//   FakeScheduler scheduler(clock);
//   scheduler.RunAt(clock.Now() + absl::Seconds(5), fn);
//   scheduler.AdvanceAndRunDue(absl::Seconds(5));  // runs fn
#ifndef SEEDANCE_TESTS_TESTING_FAKE_SCHEDULER_H_
#define SEEDANCE_TESTS_TESTING_FAKE_SCHEDULER_H_

#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "base/scheduler.h"
#include "tests/testing/fake_clock.h"

namespace seedance::testing {

class FakeScheduler : public Scheduler {
 public:
  explicit FakeScheduler(FakeClock& clock) : clock_(clock) {}

  // Scheduler:
  TimerId RunAt(absl::Time when, std::function<void()> fn) override {
    absl::MutexLock lock(&mu_);
    TimerId id = next_id_++;
    timers_.emplace(std::make_pair(when, id), std::move(fn));
    return id;
  }
  void Cancel(TimerId id) override {
    absl::MutexLock lock(&mu_);
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }
  void CancelAll() override {
    absl::MutexLock lock(&mu_);
    timers_.clear();
  }

  // Runs the earliest timer if it is due at the clock's current time;
  // false if none is.
  bool RunOneDue() {
    std::function<void()> fn;
    {
      absl::MutexLock lock(&mu_);
      if (timers_.empty() || timers_.begin()->first.first > clock_.Now()) return false;
      fn = std::move(timers_.begin()->second);
      timers_.erase(timers_.begin());
    }
    fn();
    return true;
  }

  // Runs, in time order, every timer due at the clock's current time
  // (including ones that running timers add). Returns how many ran.
  int RunDue() {
    int ran = 0;
    while (RunOneDue()) ++ran;
    return ran;
  }

  // Advances the clock by `d`, then RunDue().
  int AdvanceAndRunDue(absl::Duration d) {
    clock_.Advance(d);
    return RunDue();
  }

  // Moves the clock to the earliest timer (if later than now) and runs what
  // is due. Returns how many ran (0: no timers).
  int RunNext() {
    std::optional<absl::Time> next = NextTime();
    if (!next.has_value()) return 0;
    if (*next > clock_.Now()) clock_.Set(*next);
    return RunDue();
  }

  // When the earliest timer is due, if any.
  std::optional<absl::Time> NextTime() {
    absl::MutexLock lock(&mu_);
    if (timers_.empty()) return std::nullopt;
    return timers_.begin()->first.first;
  }

  size_t pending() {
    absl::MutexLock lock(&mu_);
    return timers_.size();
  }

 private:
  FakeClock& clock_;
  absl::Mutex mu_;
  std::map<std::pair<absl::Time, TimerId>, std::function<void()>> timers_
      ABSL_GUARDED_BY(mu_);
  TimerId next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_FAKE_SCHEDULER_H_
