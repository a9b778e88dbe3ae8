#include "server/core/store_follower.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {

StoreFollower::StoreFollower(store::TaskStore& store, tasks::TaskLoop& loop,
                             Scheduler& scheduler, const Clock& clock, absl::Duration interval,
                             absl::Duration hint_gap, store::EventHints* hints)
    : store_(store),
      loop_(loop),
      scheduler_(scheduler),
      clock_(clock),
      interval_(interval),
      hint_gap_(hint_gap),
      hints_(hints) {
  if (hints_ != nullptr) {
    subscription_ = hints_->Subscribe([this] {
      if (stopped_ || hint_pending_.exchange(true)) return;
      loop_.Post([this] { OnHint(); });
    });
  }
}

void StoreFollower::OnHint() {
  if (stopped_) return;
  absl::Time due = last_hinted_read_ + hint_gap_;
  if (clock_.Now() < due) {
    hint_timer_ = scheduler_.RunAt(due, [this] { loop_.Post([this] { OnHint(); }); });
    return;
  }
  // Cleared before the read: a hint during it is news the read may miss.
  hint_pending_ = false;
  last_hinted_read_ = clock_.Now();
  CatchUp();
}

StoreFollower::~StoreFollower() { Stop(); }

void StoreFollower::Stop() {
  if (stopped_.exchange(true)) return;
  if (hints_ != nullptr) hints_->Unsubscribe(subscription_);
  scheduler_.Cancel(timer_.load());
  scheduler_.Cancel(hint_timer_.load());
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
  // One read for every followed task, each from the least advanced of its
  // logs: a hint costs one round trip, not one per task.
  std::vector<store::EventCursor> cursors;
  for (auto it = followed_.begin(); it != followed_.end();) {
    std::vector<std::weak_ptr<tasks::TaskEventLog>>& logs = it->second;
    uint64_t after = UINT64_MAX;
    std::erase_if(logs, [&after](const std::weak_ptr<tasks::TaskEventLog>& weak) {
      std::shared_ptr<tasks::TaskEventLog> log = weak.lock();
      if (log == nullptr || log->terminal()) return true;
      after = std::min(after, log->last_sequence());
      return false;
    });
    if (logs.empty()) {
      followed_.erase(it++);
      continue;
    }
    cursors.push_back({it->first, after});
    ++it;
  }
  if (cursors.empty()) return;
  ++reads_;
  absl::StatusOr<std::vector<v1::TaskEvent>> events = store_.EventsOfTasks(cursors);
  if (!events.ok() && !absl::IsUnavailable(events.status())) {
    Log(LogLevel::kWarning, "follow_read_failed",
        {{"tasks", absl::StrCat(cursors.size())},
         {"error", upstream_api::StatusSummary(events.status())}});
    events = ReadEachTask(cursors);
  }
  if (!events.ok()) {
    // The store is away: the next round reads again, and nothing is
    // skipped, since reads start after the last event appended.
    Log(LogLevel::kDebug, "follow_read_failed",
        {{"tasks", absl::StrCat(cursors.size())},
         {"error", upstream_api::StatusSummary(events.status())}});
    return;
  }
  for (const v1::TaskEvent& event : *events) {
    auto it = followed_.find(event.task_id());
    if (it == followed_.end()) continue;
    for (const auto& weak : it->second) {
      std::shared_ptr<tasks::TaskEventLog> log = weak.lock();
      if (log != nullptr && event.sequence() == log->last_sequence() + 1) log->Append(event);
    }
  }
}

absl::StatusOr<std::vector<v1::TaskEvent>> StoreFollower::ReadEachTask(
    const std::vector<store::EventCursor>& cursors) {
  std::vector<v1::TaskEvent> all;
  for (const store::EventCursor& cursor : cursors) {
    absl::StatusOr<std::vector<v1::TaskEvent>> events =
        store_.Events(cursor.task_id, cursor.after_sequence);
    if (absl::IsUnavailable(events.status())) return events.status();
    if (!events.ok()) {
      Log(LogLevel::kWarning, "follow_task_read_failed",
          {{"task_id", cursor.task_id},
           {"error", upstream_api::StatusSummary(events.status())}});
      continue;
    }
    all.insert(all.end(), std::make_move_iterator(events->begin()),
               std::make_move_iterator(events->end()));
  }
  return all;
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
