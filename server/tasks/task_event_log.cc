#include "server/tasks/task_event_log.h"

#include <utility>

#include "server/model/task_state.h"

namespace seedance::server::tasks {

TaskEventLog::TaskEventLog(std::string task_id, std::vector<v1::TaskEvent> history)
    : task_id_(std::move(task_id)), events_(std::move(history)) {}

void TaskEventLog::Append(v1::TaskEvent event) {
  {
    absl::MutexLock lock(&events_mu_);
    events_.push_back(std::move(event));
  }
  Notify();
}

std::vector<v1::TaskEvent> TaskEventLog::EventsAfter(uint64_t after, size_t max) const {
  absl::MutexLock lock(&events_mu_);
  std::vector<v1::TaskEvent> out;
  for (const v1::TaskEvent& e : events_) {
    if (out.size() >= max) break;
    if (e.sequence() > after) out.push_back(e);
  }
  return out;
}

v1::TaskEvent TaskEventLog::Latest() const {
  absl::MutexLock lock(&events_mu_);
  return events_.back();
}

uint64_t TaskEventLog::last_sequence() const {
  absl::MutexLock lock(&events_mu_);
  return events_.empty() ? 0 : events_.back().sequence();
}

bool TaskEventLog::terminal() const {
  absl::MutexLock lock(&events_mu_);
  return !events_.empty() && model::IsTerminal(events_.back().state());
}

void TaskEventLog::Subscribe(Subscriber* subscriber) {
  absl::MutexLock lock(&subscribers_mu_);
  subscribers_.insert(subscriber);
}

void TaskEventLog::Unsubscribe(Subscriber* subscriber) {
  absl::MutexLock lock(&subscribers_mu_);
  subscribers_.erase(subscriber);
}

void TaskEventLog::Close() {
  {
    absl::MutexLock lock(&events_mu_);
    closing_ = true;
  }
  Notify();
}

bool TaskEventLog::closing() const {
  absl::MutexLock lock(&events_mu_);
  return closing_;
}

size_t TaskEventLog::subscriber_count() const {
  absl::MutexLock lock(&subscribers_mu_);
  return subscribers_.size();
}

void TaskEventLog::Notify() {
  absl::MutexLock lock(&subscribers_mu_);
  for (Subscriber* s : subscribers_) s->OnTaskEvents();
}

}  // namespace seedance::server::tasks
