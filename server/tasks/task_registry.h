// TaskRegistry: the tasks in progress, in memory, and the one way to change
// them. Every change goes through the state machine (task_state.h), bumps
// the record's revision, is staged on the TaskLoop for a durable batch, and
// only after the commit is appended to the task's event log (which wakes its
// watchers) and reported to the caller's continuation.
//
//   registry.Transition(id, TASK_STATE_SUCCEEDED,
//                       [&](StoredTask& t) { *t.mutable_task()->mutable_result() = r; },
//                       [](absl::Status committed) { ... });
//
// Loop thread only (see task_loop.h): it needs no locks. Terminal tasks
// leave the registry once their last change is committed; their event logs
// live on in the watchers that hold them.
#ifndef SEEDANCE_SERVER_TASKS_TASK_REGISTRY_H_
#define SEEDANCE_SERVER_TASKS_TASK_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "base/clock.h"
#include "server/store/task_store.h"
#include "server/tasks/task_event_log.h"
#include "server/tasks/task_loop.h"

namespace seedance::server::tasks {

// A task in progress.
struct LiveTask {
  // The record with every change staged so far (committed or about to be).
  StoredTask record;
  std::shared_ptr<TaskEventLog> log;
  // False until the create is committed: nothing may be sent or told yet.
  bool created = false;
  // Continuations of callers waiting for the create to commit (a repeated
  // request_id arriving meanwhile).
  std::vector<std::function<void(absl::Status)>> on_created;
  // The bearer token for upstream calls (in memory only).
  std::string upstream_token;
};

class TaskRegistry {
 public:
  using Mutation = std::function<void(StoredTask&)>;
  using Continuation = std::function<void(absl::Status)>;
  // Called once a terminal change is committed, before the task leaves the
  // registry (to cancel calls and timers, forward results).
  using TerminalHook = std::function<void(LiveTask&)>;

  // All references must outlive the registry.
  TaskRegistry(TaskLoop& loop, store::TaskStore& store, const Clock& clock);

  // Adds a new task (state PENDING, sequence 1, revision 1 already set in
  // `record`) and stages its creation; `created` runs after the commit.
  // Returns the live task.
  LiveTask& Create(StoredTask record, std::string upstream_token, Continuation created);

  // Adds a task loaded from the store (recovery) without writing anything.
  LiveTask& Adopt(StoredTask record, std::vector<v1::TaskEvent> history,
                  std::string upstream_token);

  // The live task, or nullptr.
  LiveTask* Find(const std::string& task_id);

  // Moves the task to `to` (if the state machine allows it: returns false
  // and changes nothing otherwise), applying `mutate` to the record. `done`
  // runs after the commit (with its status); pass nullptr if not needed.
  bool Transition(const std::string& task_id, v1::TaskState to, const Mutation& mutate,
                  Continuation done);

  // Changes the record without a state change (no event). `done` as above.
  void Update(const std::string& task_id, const Mutation& mutate, Continuation done);

  // Like Update, and also for a task that is no longer live (it ended): its
  // stored record is read, changed and written with the next revision. For
  // what follows a task's end (its webhook's outcome). NOT_FOUND for an
  // unknown task. `done` as above.
  void UpdateStored(const std::string& task_id, const Mutation& mutate, Continuation done);

  // Runs on every committed terminal change.
  void SetTerminalHook(TerminalHook hook) { terminal_hook_ = std::move(hook); }

  // Live tasks not yet in a terminal state.
  size_t in_flight() const { return in_flight_; }

  // Every live task id (for shutdown and tests).
  std::vector<std::string> TaskIds() const;

 private:
  void Stage(LiveTask& task, uint64_t expected_revision,
             std::optional<v1::TaskEvent> event, Continuation done);
  void OnCommitted(const std::string& task_id, const std::optional<v1::TaskEvent>& event,
                   const absl::Status& status, const Continuation& done);

  TaskLoop& loop_;
  store::TaskStore& store_;
  const Clock& clock_;
  TerminalHook terminal_hook_;
  absl::flat_hash_map<std::string, std::unique_ptr<LiveTask>> tasks_;
  size_t in_flight_ = 0;
};

}  // namespace seedance::server::tasks

#endif  // SEEDANCE_SERVER_TASKS_TASK_REGISTRY_H_
