// ThreadScheduler: a Scheduler with one thread and a timer heap. Cheap enough
// for a heartbeat timer per watch stream (tens of thousands of timers).
//
//   ThreadScheduler scheduler(SystemClock::Get());
//   scheduler.RunAt(absl::Now() + absl::Seconds(1), [] { ... });
#ifndef SEEDANCE_BASE_THREAD_SCHEDULER_H_
#define SEEDANCE_BASE_THREAD_SCHEDULER_H_

#include <functional>
#include <map>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/scheduler.h"

namespace seedance {

class ThreadScheduler : public Scheduler {
 public:
  // `clock` tells the time to compare timers with; it must outlive this.
  explicit ThreadScheduler(const Clock& clock);
  // Stops the thread; timers not yet run are dropped.
  ~ThreadScheduler() override;

  // Scheduler:
  TimerId RunAt(absl::Time when, std::function<void()> fn) override;
  void Cancel(TimerId id) override;
  void CancelAll() override;

 private:
  void Loop();

  const Clock& clock_;
  absl::Mutex mu_;
  // Ordered by (time, id): ids break ties in creation order.
  std::map<std::pair<absl::Time, TimerId>, std::function<void()>> timers_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<TimerId, absl::Time> when_ ABSL_GUARDED_BY(mu_);
  TimerId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace seedance

#endif  // SEEDANCE_BASE_THREAD_SCHEDULER_H_
