// TaskLeases: which gateway replica drives each unfinished task, when several
// replicas share one store (PostgresTaskStore implements it). A replica
// claims tasks whose lease expired (their replica died or stalled), renews
// the leases it holds in one batch, and gives them up at a clean stop. Every
// claim raises the task's epoch, and the writes of the replica that held it
// before carry the old epoch, so they change nothing (TaskStore::Write's
// lease): a replica that paused past its lease cannot overwrite the new
// holder's work.
//
//   absl::StatusOr<std::vector<TaskLeases::Claim>> mine =
//       leases.ClaimExpired({.replica = "gw-1", .now = clock.Now(), .ttl = absl::Seconds(10)});
#ifndef SEEDANCE_SERVER_STORE_TASK_LEASES_H_
#define SEEDANCE_SERVER_STORE_TASK_LEASES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "server/store/task_store.h"

namespace seedance::server::store {

class TaskLeases {
 public:
  struct ClaimQuery {
    std::string replica;
    absl::Time now;
    // Claimed leases run until now + ttl.
    absl::Duration ttl;
    // At most this many tasks, oldest first.
    int limit = 100;
    // Also claim the tasks `replica` itself holds but for those this very
    // claim's expiry already covers (claimed by an earlier call of the same
    // start): a replica restarting with the same id takes its own tasks back
    // at once (the raised epoch fences out a previous process of it that
    // might still run).
    bool include_own = false;
  };
  struct Claim {
    StoredTask task;
    Lease lease;
    // The replica that held the task before ("" if none), for logs.
    std::string previous_replica;
  };

  virtual ~TaskLeases() = default;

  // Claims unfinished (not settled) tasks with no lease, or whose lease
  // expired before query.now, for query.replica. Thread-safe; several
  // replicas claiming at once never claim the same task.
  virtual absl::StatusOr<std::vector<Claim>> ClaimExpired(const ClaimQuery& query) = 0;

  // Claims one unfinished task for `replica` whatever its lease, raising
  // its epoch (the replica that held it is fenced out, and learns so at its
  // next write or renewal): for a request that must be handled where it
  // arrived, such as an upstream callback sent to another replica than the
  // one driving the task. NOT_FOUND when the task is unknown or has ended.
  virtual absl::StatusOr<Claim> Steal(const std::string& replica, const std::string& task_id,
                                      absl::Time now, absl::Duration ttl) = 0;

  // Extends every unfinished task's lease `replica` holds to now + ttl, and
  // returns those tasks with their epochs: a task missing from the answer
  // was taken over.
  virtual absl::StatusOr<std::vector<std::pair<std::string, uint64_t>>> Renew(
      const std::string& replica, absl::Time now, absl::Duration ttl) = 0;

  // Tasks in progress (not in a terminal state) on every replica.
  virtual absl::StatusOr<int64_t> CountInProgress() = 0;

  // Ends `replica`'s leases on `task_ids` now, so that another replica may
  // claim them at once (a clean stop).
  virtual absl::Status Release(const std::string& replica,
                               absl::Span<const std::string> task_ids) = 0;
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_TASK_LEASES_H_
