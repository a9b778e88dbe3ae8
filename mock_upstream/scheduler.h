// Scheduler: runs work at a given time. The mock's task engine plans with an
// injected Clock and leaves the waiting to this interface: Asio timers in
// the server (asio_scheduler.h), a manual one in tests.
//
//   scheduler.RunAt(task->finished_at, [this, task] { Finish(task); });
//   scheduler.CancelAll();  // the admin reset
#ifndef SEEDANCE_MOCK_UPSTREAM_SCHEDULER_H_
#define SEEDANCE_MOCK_UPSTREAM_SCHEDULER_H_

#include <functional>

#include "absl/time/time.h"

namespace seedance::mock_upstream {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs `work` once at `when` (soon if that has passed), on some thread of
  // the scheduler's choosing. Thread-safe.
  virtual void RunAt(absl::Time when, std::function<void()> work) = 0;
  // Drops all work not yet started. Thread-safe.
  virtual void CancelAll() = 0;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_SCHEDULER_H_
