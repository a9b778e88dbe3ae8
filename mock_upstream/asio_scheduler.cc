#include "mock_upstream/asio_scheduler.h"

#include <utility>
#include <vector>

namespace seedance::mock_upstream {

AsioScheduler::AsioScheduler(boost::asio::io_context& io, const Clock& clock)
    : io_(io), clock_(clock), alive_(std::make_shared<std::atomic<bool>>(true)) {}

AsioScheduler::~AsioScheduler() {
  CancelAll();
  absl::MutexLock lock(&mu_);
  *alive_ = false;
}

Scheduler::TimerId AsioScheduler::RunAt(absl::Time when, std::function<void()> work) {
  absl::Duration delay = std::max(when - clock_.Now(), absl::ZeroDuration());
  auto timer = std::make_shared<boost::asio::steady_timer>(io_);
  timer->expires_after(absl::ToChronoNanoseconds(delay));
  TimerId id;
  {
    absl::MutexLock lock(&mu_);
    id = next_id_++;
    pending_[id] = {timer, std::move(work)};
    // Started under the lock: CancelAll must not cancel a timer mid-start.
    timer->async_wait([this, id, alive = alive_](const boost::system::error_code& ec) {
      if (ec || !*alive) return;
      Fire(id);
    });
  }
  return id;
}

void AsioScheduler::Cancel(TimerId id) {
  Pending dropped;
  {
    absl::MutexLock lock(&mu_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;
    it->second.timer->cancel();
    dropped = std::move(it->second);
    pending_.erase(it);
  }
  // `dropped` (and the work it holds) is destroyed outside the lock.
}

void AsioScheduler::Fire(TimerId id) {
  std::function<void()> work;
  {
    absl::MutexLock lock(&mu_);
    if (!*alive_) return;
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // cancelled
    work = std::move(it->second.work);
    pending_.erase(it);
  }
  work();
}

void AsioScheduler::CancelAll() {
  absl::flat_hash_map<TimerId, Pending> dropped;
  {
    absl::MutexLock lock(&mu_);
    dropped.swap(pending_);
    for (auto& [id, pending] : dropped) pending.timer->cancel();
  }
  // `dropped` (and the work it holds) is destroyed outside the lock.
}

}  // namespace seedance::mock_upstream
