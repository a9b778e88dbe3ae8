// AsioScheduler: a Scheduler on Asio steady timers of an io_context (the
// HTTP server's), so thousands of pending tasks cost timers, not threads.
//
//   AsioScheduler scheduler(server->io_context(), SystemClock::Get());
//   scheduler.RunAt(clock.Now() + absl::Seconds(1), [] { ... });
//
// Thread-safe. Destroy it before the io_context; work is never run after
// CancelAll() or destruction.
#ifndef SEEDANCE_MOCK_UPSTREAM_ASIO_SCHEDULER_H_
#define SEEDANCE_MOCK_UPSTREAM_ASIO_SCHEDULER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "boost/asio/io_context.hpp"
#include "boost/asio/steady_timer.hpp"
#include "base/scheduler.h"

namespace seedance::mock_upstream {

class AsioScheduler : public Scheduler {
 public:
  AsioScheduler(boost::asio::io_context& io, const Clock& clock);
  ~AsioScheduler() override;

  // Scheduler:
  TimerId RunAt(absl::Time when, std::function<void()> work) override;
  void Cancel(TimerId id) override;
  void CancelAll() override;

 private:
  void Fire(TimerId id);

  boost::asio::io_context& io_;
  const Clock& clock_;
  absl::Mutex mu_;
  TimerId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  struct Pending {
    std::shared_ptr<boost::asio::steady_timer> timer;
    std::function<void()> work;
  };
  absl::flat_hash_map<TimerId, Pending> pending_ ABSL_GUARDED_BY(mu_);
  // Shared with the timer handlers so that they can tell it is gone.
  std::shared_ptr<std::atomic<bool>> alive_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_ASIO_SCHEDULER_H_
