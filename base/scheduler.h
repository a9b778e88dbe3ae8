// Scheduler: runs functions at a given time. The gateway's retries, poll
// backoff, task expiry and watch-stream heartbeats, and the mock's task
// timers and callbacks, all wait through it, so that tests can drive time
// with a fake (tests/testing/fake_scheduler.h) instead of sleeping. Made by
// mechanism: ThreadScheduler (a thread of its own), the mock's AsioScheduler
// (timers of its HTTP server's io_context).
//
//   Scheduler::TimerId id = scheduler.RunAt(clock.Now() + absl::Seconds(5),
//                                           [] { PollAgain(); });
//   scheduler.Cancel(id);  // if it has not run yet, it never will
#ifndef SEEDANCE_BASE_SCHEDULER_H_
#define SEEDANCE_BASE_SCHEDULER_H_

#include <cstdint>
#include <functional>

#include "absl/time/time.h"

namespace seedance {

class Scheduler {
 public:
  using TimerId = uint64_t;

  virtual ~Scheduler() = default;

  // Runs `fn` once at or after `when`, on the scheduler's thread: `fn` must
  // not block. Returns an id for Cancel (never 0). Thread-safe.
  virtual TimerId RunAt(absl::Time when, std::function<void()> fn) = 0;

  // Drops the timer if it has not started running. Thread-safe; unknown
  // ids are ignored.
  virtual void Cancel(TimerId id) = 0;

  // Drops every timer that has not started running (the mock's reset).
  // Thread-safe.
  virtual void CancelAll() = 0;
};

}  // namespace seedance

#endif  // SEEDANCE_BASE_SCHEDULER_H_
