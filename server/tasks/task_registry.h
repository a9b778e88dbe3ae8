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

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "base/clock.h"
#include "server/stats/gateway_stats.h"
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
  // This replica's lease on the task, with several replicas (leases
  // enabled): every write of the task carries it.
  std::optional<store::Lease> lease;
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

  // Adds a task loaded from the store (recovery, a takeover) without
  // writing anything; `lease` is the one this replica claimed it with.
  LiveTask& Adopt(StoredTask record, std::vector<v1::TaskEvent> history,
                  std::string upstream_token, std::optional<store::Lease> lease = std::nullopt);

  // With several replicas on one store: new tasks are created with a lease
  // for `replica` until now + `ttl` (renewed by core/lease_keeper.h).
  void EnableLeases(std::string replica, absl::Duration ttl);

  // Drops a task this replica no longer drives (its lease went to another
  // replica), writing nothing; the lost hook runs first. Unknown ids are
  // ignored.
  void Forget(const std::string& task_id);

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
  // Runs when a task is forgotten because its lease was lost (a write was
  // fenced out, or a renewal found it taken over), before it goes.
  void SetLostHook(TerminalHook hook) { lost_hook_ = std::move(hook); }
  // Where committed state changes are counted (stats::NoStats() until set).
  void SetStats(stats::GatewayStats& stats) { stats_ = &stats; }

  // Live tasks not yet in a terminal state.
  size_t in_flight() const { return in_flight_; }

  // The live tasks by state (index: v1::TaskState), and how many hold a
  // lease: what the metrics show at a scrape. Loop thread; one pass.
  struct Census {
    std::array<int64_t, 8> by_state{};
    int64_t leased = 0;
  };
  Census Count() const;

  // Every live task id (for shutdown and tests).
  std::vector<std::string> TaskIds() const;

 private:
  void Stage(LiveTask& task, uint64_t expected_revision,
             std::optional<v1::TaskEvent> event, Continuation done);
  // `lease_epoch`: the epoch the write carried (0: none).
  void OnCommitted(const std::string& task_id, const std::optional<v1::TaskEvent>& event,
                   const absl::Status& status, uint64_t lease_epoch, const Continuation& done);

  TaskLoop& loop_;
  store::TaskStore& store_;
  const Clock& clock_;
  TerminalHook terminal_hook_;
  TerminalHook lost_hook_;
  stats::GatewayStats* stats_ = &stats::NoStats();
  // Set by EnableLeases.
  std::optional<std::pair<std::string, absl::Duration>> leases_;
  absl::flat_hash_map<std::string, std::unique_ptr<LiveTask>> tasks_;
  size_t in_flight_ = 0;
};

}  // namespace seedance::server::tasks

#endif  // SEEDANCE_SERVER_TASKS_TASK_REGISTRY_H_
