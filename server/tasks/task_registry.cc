#include "server/tasks/task_registry.h"

#include <utility>

#include "base/log.h"
#include "base/proto_time.h"
#include "server/model/task_state.h"
#include "upstream_api/status_details.h"

namespace seedance::server::tasks {

namespace {

v1::TaskEvent EventOf(const StoredTask& record) {
  v1::TaskEvent event;
  event.set_task_id(record.task().task_id());
  event.set_sequence(record.task().sequence());
  event.set_state(record.task().state());
  *event.mutable_event_time() = record.task().update_time();
  *event.mutable_task() = record.task();
  return event;
}

}  // namespace

TaskRegistry::TaskRegistry(TaskLoop& loop, store::TaskStore& store, const Clock& clock)
    : loop_(loop), store_(store), clock_(clock) {}

LiveTask& TaskRegistry::Create(StoredTask record, std::string upstream_token,
                               Continuation created) {
  std::string id = record.task().task_id();
  auto live = std::make_unique<LiveTask>();
  v1::TaskEvent first = EventOf(record);
  live->record = std::move(record);
  live->log = std::make_shared<TaskEventLog>(id, std::vector<v1::TaskEvent>{});
  live->upstream_token = std::move(upstream_token);
  if (leases_.has_value()) {
    live->lease = store::Lease{
        .replica = leases_->first, .epoch = 1, .expires = clock_.Now() + leases_->second};
  }
  LiveTask& task = *live;
  tasks_[id] = std::move(live);
  ++in_flight_;
  loop_.Stage({task.record, 0, first, task.lease},
              [this, id, first, created = std::move(created)](absl::Status status) {
                LiveTask* task = Find(id);
                if (task == nullptr) return;
                if (!status.ok()) {
                  // Never stored: forget it, as if it was never accepted.
                  std::vector<Continuation> waiters = std::move(task->on_created);
                  tasks_.erase(id);
                  --in_flight_;
                  created(status);
                  for (auto& w : waiters) w(status);
                  return;
                }
                task->created = true;
                stats_->TaskEntered(first.state());
                task->log->Append(first);
                std::vector<Continuation> waiters = std::move(task->on_created);
                created(status);
                for (auto& w : waiters) w(status);
              });
  return task;
}

LiveTask& TaskRegistry::Adopt(StoredTask record, std::vector<v1::TaskEvent> history,
                              std::string upstream_token, std::optional<store::Lease> lease) {
  std::string id = record.task().task_id();
  auto live = std::make_unique<LiveTask>();
  live->record = std::move(record);
  live->log = std::make_shared<TaskEventLog>(id, std::move(history));
  live->upstream_token = std::move(upstream_token);
  live->lease = std::move(lease);
  live->created = true;
  LiveTask& task = *live;
  tasks_[id] = std::move(live);
  ++in_flight_;
  return task;
}

void TaskRegistry::EnableLeases(std::string replica, absl::Duration ttl) {
  leases_.emplace(std::move(replica), ttl);
}

void TaskRegistry::Forget(const std::string& task_id) {
  LiveTask* task = Find(task_id);
  if (task == nullptr) return;
  if (lost_hook_) lost_hook_(*task);
  if (!model::IsTerminal(task->record.task().state())) --in_flight_;
  tasks_.erase(task_id);
}

LiveTask* TaskRegistry::Find(const std::string& task_id) {
  auto it = tasks_.find(task_id);
  return it == tasks_.end() ? nullptr : it->second.get();
}

TaskRegistry::Census TaskRegistry::Count() const {
  Census census;
  for (const auto& [id, task] : tasks_) {
    if (!task->created) continue;  // not stored yet
    int state = static_cast<int>(task->record.task().state());
    if (state >= 0 && state < static_cast<int>(census.by_state.size())) ++census.by_state[state];
    if (task->lease.has_value()) ++census.leased;
  }
  return census;
}

std::vector<std::string> TaskRegistry::TaskIds() const {
  std::vector<std::string> ids;
  ids.reserve(tasks_.size());
  for (const auto& [id, task] : tasks_) ids.push_back(id);
  return ids;
}

bool TaskRegistry::Transition(const std::string& task_id, v1::TaskState to,
                              const Mutation& mutate, Continuation done) {
  LiveTask* task = Find(task_id);
  if (task == nullptr) return false;
  v1::TaskState from = task->record.task().state();
  if (!model::CheckTransition(from, to).ok()) return false;
  StoredTask& r = task->record;
  uint64_t expected = r.revision();
  absl::Time now = clock_.Now();
  if (mutate) mutate(r);
  r.mutable_task()->set_state(to);
  r.mutable_task()->set_sequence(r.task().sequence() + 1);
  SetProtoTime(now, r.mutable_task()->mutable_update_time());
  if (model::IsTerminal(to)) {
    SetProtoTime(now, r.mutable_task()->mutable_end_time());
    --in_flight_;
  }
  r.set_revision(expected + 1);
  Log(LogLevel::kInfo, "task_state",
      {{"task_id", task_id},
       {"from", model::StateName(from)},
       {"to", model::StateName(to)},
       {"sequence", std::to_string(r.task().sequence())},
       {"trace_id", r.task().trace_id()},
       {"upstream_trace_id", r.task().upstream().trace_id()}});
  Stage(*task, expected, EventOf(r), std::move(done));
  return true;
}

void TaskRegistry::Update(const std::string& task_id, const Mutation& mutate,
                          Continuation done) {
  LiveTask* task = Find(task_id);
  if (task == nullptr) {
    if (done) done(absl::NotFoundError("task is no longer in progress"));
    return;
  }
  uint64_t expected = task->record.revision();
  mutate(task->record);
  task->record.set_revision(expected + 1);
  Stage(*task, expected, std::nullopt, std::move(done));
}

void TaskRegistry::UpdateStored(const std::string& task_id, const Mutation& mutate,
                                Continuation done) {
  if (Find(task_id) != nullptr) return Update(task_id, mutate, std::move(done));
  absl::StatusOr<StoredTask> stored = store_.Get(task_id);
  if (!stored.ok()) {
    if (done) done(stored.status());
    return;
  }
  StoredTask record = *std::move(stored);
  uint64_t expected = record.revision();
  mutate(record);
  record.set_revision(expected + 1);
  loop_.Stage({std::move(record), expected, std::nullopt}, std::move(done));
}

void TaskRegistry::Stage(LiveTask& task, uint64_t expected_revision,
                         std::optional<v1::TaskEvent> event, Continuation done) {
  std::string id = task.record.task().task_id();
  uint64_t epoch = task.lease.has_value() ? task.lease->epoch : 0;
  loop_.Stage({task.record, expected_revision, event, task.lease},
              [this, id, event, epoch, done = std::move(done)](absl::Status status) {
                OnCommitted(id, event, status, epoch, done);
              });
}

void TaskRegistry::OnCommitted(const std::string& task_id,
                               const std::optional<v1::TaskEvent>& event,
                               const absl::Status& status, uint64_t lease_epoch,
                               const Continuation& done) {
  LiveTask* task = Find(task_id);
  // Only when the fenced write carried the lease held now: an older write
  // (staged before a re-claim raised the epoch) fails as any write does.
  if (absl::IsFailedPrecondition(status) && task != nullptr && task->lease.has_value() &&
      lease_epoch == task->lease->epoch) {
    // Fenced out: another replica claimed the task and drives it now.
    Log(LogLevel::kWarning, "lease_lost",
        {{"task_id", task_id},
         {"trace_id", task->record.task().trace_id()},
         {"error", upstream_api::StatusSummary(status)}});
    Forget(task_id);
    if (done) done(status);
    return;
  }
  if (!status.ok()) {
    // The in-memory record ran ahead of the store: take the stored one back
    // so that the next change starts from what is durable.
    Log(LogLevel::kError, "task_write_failed",
        {{"task_id", task_id},
         {"trace_id", task != nullptr ? task->record.task().trace_id() : ""},
         {"error", upstream_api::StatusSummary(status)}});
    if (task != nullptr) {
      bool was_terminal = model::IsTerminal(task->record.task().state());
      absl::StatusOr<StoredTask> stored = store_.Get(task_id);
      if (stored.ok()) task->record = *std::move(stored);
      if (was_terminal && !model::IsTerminal(task->record.task().state())) ++in_flight_;
    }
    if (done) done(status);
    return;
  }
  if (event.has_value()) stats_->TaskEntered(event->state());
  if (task != nullptr && event.has_value()) {
    task->log->Append(*event);
    if (model::IsTerminal(event->state())) {
      if (terminal_hook_) terminal_hook_(*task);
      tasks_.erase(task_id);
    }
  }
  if (done) done(status);
}

}  // namespace seedance::server::tasks
