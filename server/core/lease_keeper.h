// LeaseKeeper: with several gateway replicas on one store, keeps this
// replica's leases on the tasks it drives and takes over the tasks of
// replicas that stopped renewing theirs (SIGKILLed, host gone, paused).
//
// Every round (a third of the lease time) it renews this replica's leases in
// one statement; a live task missing from the answer was claimed by another
// replica, so its upstream calls and timers stop and it leaves the registry.
// Then it claims expired leases and resumes those tasks as crash recovery
// does (recovery.h): a task that may have been submitted is never
// resubmitted blindly. Store calls run on the task loop, like its commits.
//
//   LeaseKeeper keeper({.replica = "gw-1"}, leases, parts, token, loop, scheduler, clock);
//   loop.Post([&] { absl::StatusOr<int> resumed = keeper.Start(); });
#ifndef SEEDANCE_SERVER_CORE_LEASE_KEEPER_H_
#define SEEDANCE_SERVER_CORE_LEASE_KEEPER_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "server/core/recovery.h"
#include "server/store/task_leases.h"
#include "server/tasks/task_loop.h"

namespace seedance::server::core {

struct LeaseOptions {
  // This replica's id: stable across its restarts, so that a restarted
  // replica takes its own tasks back at once; unique among the replicas.
  std::string replica;
  // How long a lease lasts without renewal: how long the tasks of a dead
  // replica wait before another takes them over.
  absl::Duration ttl = absl::Seconds(10);
  // Tasks claimed per statement.
  int claim_batch = 100;
  // How often a watcher of a task another replica drives is caught up from
  // the store (store_follower.h), besides at once on the store's hints.
  absl::Duration follow_interval = absl::Seconds(1);
  // At most one hinted catch-up this often: hints from every replica at
  // full load would otherwise keep the task loop reading back to back.
  absl::Duration follow_hint_gap = absl::Milliseconds(2);
};

class LeaseKeeper {
 public:
  // All references must outlive the keeper.
  LeaseKeeper(LeaseOptions options, store::TaskLeases& leases, RecoveryParts parts,
              std::string recovery_token, tasks::TaskLoop& loop, Scheduler& scheduler,
              const Clock& clock);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  // Claims this replica's own tasks and every expired lease, resumes those
  // tasks, and starts the rounds. Returns how many tasks in progress it
  // resumed. Loop thread.
  absl::StatusOr<int> Start();

  // One round: renew, drop lost tasks, claim and resume expired ones.
  // Loop thread (the rounds Start schedules run it there; tests call it).
  void Round();

  // Makes this replica hold `task_id` now, taking its lease from the
  // replica that holds it (TaskLeases::Steal), for a request about it that
  // arrived here: an upstream callback (`resume`: the driver resumes it as
  // recovery does, then the callback is applied), a cancel (not resumed:
  // it is about to end). OK when the task is live here afterwards;
  // NOT_FOUND when it is unknown or settled. Loop thread.
  absl::Status TakeOver(const std::string& task_id, bool resume);

  // Stops the rounds and releases the leases of the live tasks, so that
  // another replica may take them over at once (a clean stop). Loop thread.
  void Stop();

  // Tasks in progress on every replica, for --max_tasks_in_flight, given
  // `local` in progress here: counted in the store at most once a second,
  // with this replica's growth since added, so replicas creating at the
  // same moment may exceed the limit by what they create in that second.
  // `local` when the store cannot count. Loop thread.
  size_t InFlightEverywhere(size_t local);

  const LeaseOptions& options() const { return options_; }
  // Tasks this replica took over from others, and lost to others.
  int64_t taken_over() const { return taken_over_; }
  int64_t lost() const { return lost_; }

 private:
  // Claims and resumes up to claim_batch tasks; how many it claimed.
  absl::StatusOr<int> ClaimAndResume(bool include_own, int* resumed);
  void ScheduleRound();

  const LeaseOptions options_;
  store::TaskLeases& leases_;
  const RecoveryParts parts_;
  const std::string recovery_token_;
  tasks::TaskLoop& loop_;
  Scheduler& scheduler_;
  const Clock& clock_;
  std::atomic<Scheduler::TimerId> timer_{0};
  std::atomic<bool> stopped_{false};
  std::atomic<int64_t> taken_over_{0};
  std::atomic<int64_t> lost_{0};
  // InFlightEverywhere's last count, when it was made, and `local` then.
  int64_t counted_ = 0;
  absl::Time counted_at_ = absl::InfinitePast();
  size_t local_at_count_ = 0;
};

}  // namespace seedance::server::core

#endif  // SEEDANCE_SERVER_CORE_LEASE_KEEPER_H_
