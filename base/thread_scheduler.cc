#include "base/thread_scheduler.h"

#include <pthread.h>

namespace seedance {

ThreadScheduler::ThreadScheduler(const Clock& clock)
    : clock_(clock), thread_([this] { Loop(); }) {}

ThreadScheduler::~ThreadScheduler() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

Scheduler::TimerId ThreadScheduler::RunAt(absl::Time when, std::function<void()> fn) {
  absl::MutexLock lock(&mu_);
  TimerId id = next_id_++;
  timers_.emplace(std::make_pair(when, id), std::move(fn));
  when_.emplace(id, when);
  return id;
}

void ThreadScheduler::Cancel(TimerId id) {
  absl::MutexLock lock(&mu_);
  auto it = when_.find(id);
  if (it == when_.end()) return;
  timers_.erase({it->second, id});
  when_.erase(it);
}

void ThreadScheduler::CancelAll() {
  std::map<std::pair<absl::Time, TimerId>, std::function<void()>> dropped;
  {
    absl::MutexLock lock(&mu_);
    dropped.swap(timers_);
    when_.clear();
  }
  // The dropped functions (and what they hold) go outside the lock.
}

void ThreadScheduler::Loop() {
  pthread_setname_np(pthread_self(), "scheduler");
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    if (timers_.empty()) {
      // Wakes when a timer is added or on stop.
      mu_.Await(absl::Condition(
          +[](ThreadScheduler* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->timers_.empty();
          },
          this));
      continue;
    }
    absl::Time first = timers_.begin()->first.first;
    absl::Time now = clock_.Now();
    if (first > now) {
      // Wakes at the first deadline, or earlier when an earlier timer is
      // added or on stop; later timers (most of them: expiries, heartbeats)
      // do not wake the thread. Re-checked against the injected clock above.
      auto changed = [this, first]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || timers_.empty() || timers_.begin()->first.first < first;
      };
      mu_.AwaitWithTimeout(absl::Condition(&changed), std::min(first - now, absl::Seconds(1)));
      continue;
    }
    auto node = timers_.extract(timers_.begin());
    when_.erase(node.key().second);
    std::function<void()> fn = std::move(node.mapped());
    mu_.Unlock();
    fn();
    mu_.Lock();
  }
}

}  // namespace seedance
