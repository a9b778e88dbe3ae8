#include "server/core/store_follower.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "base/log.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {

StoreFollower::StoreFollower(store::TaskStore& store, tasks::TaskLoop& loop,
                             Scheduler& scheduler, const Clock& clock, absl::Duration interval,
                             store::EventHints* hints)
    : store_(store),
      loop_(loop),
      scheduler_(scheduler),
      clock_(clock),
      interval_(interval),
      hints_(hints) {
  if (hints_ != nullptr) {
    subscription_ = hints_->Subscribe([this] {
      if (stopped_ || hint_pending_.exchange(true)) return;
      loop_.Post([this] {
        hint_pending_ = false;
        if (!stopped_) CatchUp();
      });
    });
  }
}

StoreFollower::~StoreFollower() { Stop(); }

void StoreFollower::Stop() {
  if (stopped_.exchange(true)) return;
  if (hints_ != nullptr) hints_->Unsubscribe(subscription_);
  scheduler_.Cancel(timer_.load());
}

std::shared_ptr<tasks::TaskEventLog> StoreFollower::Follow(const std::string& task_id,
                                                           std::vector<v1::TaskEvent> history) {
  auto it = followed_.find(task_id);
  if (it != followed_.end()) {
    for (const std::weak_ptr<tasks::TaskEventLog>& weak : it->second) {
      if (std::shared_ptr<tasks::TaskEventLog> log = weak.lock()) return log;
    }
  }
  auto log = std::make_shared<tasks::TaskEventLog>(task_id, std::move(history));
  if (!log->terminal()) {
    followed_[task_id].push_back(log);
    ScheduleLocked();
  }
  return log;
}

void StoreFollower::Track(std::shared_ptr<tasks::TaskEventLog> log) {
  if (log == nullptr || log->terminal()) return;
  followed_[log->task_id()].push_back(log);
  ScheduleLocked();
}

void StoreFollower::CatchUp() {
  for (auto it = followed_.begin(); it != followed_.end();) {
    std::vector<std::weak_ptr<tasks::TaskEventLog>>& logs = it->second;
    std::erase_if(logs, [](const std::weak_ptr<tasks::TaskEventLog>& weak) {
      std::shared_ptr<tasks::TaskEventLog> log = weak.lock();
      return log == nullptr || log->terminal();
    });
    if (logs.empty()) {
      followed_.erase(it++);
      continue;
    }
    // One read for the task, from the least advanced of its logs.
    uint64_t after = UINT64_MAX;
    for (const auto& weak : logs) {
      if (auto log = weak.lock()) after = std::min(after, log->last_sequence());
    }
    absl::StatusOr<std::vector<v1::TaskEvent>> events = store_.Events(it->first, after);
    if (!events.ok()) {
      // The store is away: the next round reads again, and nothing is
      // skipped, since reads start after the last event appended.
      Log(LogLevel::kDebug, "follow_read_failed",
          {{"task_id", it->first}, {"error", upstream_api::StatusSummary(events.status())}});
      ++it;
      continue;
    }
    for (const auto& weak : logs) {
      std::shared_ptr<tasks::TaskEventLog> log = weak.lock();
      if (log == nullptr) continue;
      for (const v1::TaskEvent& event : *events) {
        if (event.sequence() == log->last_sequence() + 1) log->Append(event);
      }
    }
    ++it;
  }
}

void StoreFollower::ScheduleLocked() {
  if (scheduled_ || stopped_) return;
  scheduled_ = true;
  timer_ = scheduler_.RunAt(clock_.Now() + interval_, [this] {
    loop_.Post([this] {
      scheduled_ = false;
      if (stopped_) return;
      CatchUp();
      if (!followed_.empty()) ScheduleLocked();
    });
  });
}

}  // namespace seedance::server::core
