#include "server/core/lease_keeper.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "server/model/task_state.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {

LeaseKeeper::LeaseKeeper(LeaseOptions options, store::TaskLeases& leases, RecoveryParts parts,
                         std::string recovery_token, tasks::TaskLoop& loop,
                         Scheduler& scheduler, const Clock& clock)
    : options_(std::move(options)),
      leases_(leases),
      parts_(parts),
      recovery_token_(std::move(recovery_token)),
      loop_(loop),
      scheduler_(scheduler),
      clock_(clock) {}

LeaseKeeper::~LeaseKeeper() {
  // After Stop the scheduler may be gone already (the gateway's shutdown
  // stops the keeper, then its scheduler): the timer is cancelled then.
  if (!stopped_.exchange(true)) scheduler_.Cancel(timer_.load());
}

absl::StatusOr<int> LeaseKeeper::ClaimAndResume(bool include_own, int* resumed) {
  absl::StatusOr<std::vector<store::TaskLeases::Claim>> claims =
      leases_.ClaimExpired({.replica = options_.replica,
                            .now = clock_.Now(),
                            .ttl = options_.ttl,
                            .limit = options_.claim_batch,
                            .include_own = include_own});
  if (!claims.ok()) return claims.status();
  for (store::TaskLeases::Claim& claim : *claims) {
    std::string id = claim.task.task().task_id();
    std::string trace_id = claim.task.task().trace_id();
    if (tasks::LiveTask* live = parts_.registry.Find(id)) {
      // Ours, but the lease ran out (the store was away for longer than a
      // lease): the claim gave it a new epoch, which our writes now carry.
      live->lease = claim.lease;
      continue;
    }
    absl::StatusOr<bool> resumed_one =
        ResumeStoredTask(parts_, std::move(claim.task), recovery_token_, claim.lease);
    if (!resumed_one.ok()) return resumed_one.status();
    if (*resumed_one) ++*resumed;
    if (!include_own) {
      ++taken_over_;
      Log(LogLevel::kInfo, "task_taken_over",
          {{"task_id", id},
           {"trace_id", trace_id},
           {"from", claim.previous_replica},
           {"epoch", absl::StrCat(claim.lease.epoch)},
           {"why", "lease_expired"}});
    }
  }
  return static_cast<int>(claims->size());
}

absl::StatusOr<int> LeaseKeeper::Start() {
  int resumed = 0;
  while (true) {
    absl::StatusOr<int> claimed = ClaimAndResume(/*include_own=*/true, &resumed);
    if (!claimed.ok()) return claimed.status();
    if (*claimed < options_.claim_batch) break;
  }
  Log(LogLevel::kInfo, "tasks_recovered",
      {{"count", absl::StrCat(resumed)}, {"replica", options_.replica}});
  ScheduleRound();
  return resumed;
}

void LeaseKeeper::Round() {
  absl::StatusOr<std::vector<std::pair<std::string, uint64_t>>> held =
      leases_.Renew(options_.replica, clock_.Now(), options_.ttl);
  if (!held.ok()) {
    // Nothing is known about who holds what; if this lasts past the lease
    // time, others take the tasks over and our writes are fenced out.
    Log(LogLevel::kWarning, "lease_renewal_failed",
        {{"error", upstream_api::StatusSummary(held.status())}});
    return;
  }
  absl::flat_hash_map<std::string, uint64_t> epochs(held->begin(), held->end());
  // Held here by the store but not live: a claim whose answer was lost, or
  // one whose resumption failed. Resumed now, lest nobody drive them.
  for (const auto& [id, epoch] : *held) {
    if (parts_.registry.Find(id) != nullptr) continue;
    absl::StatusOr<StoredTask> stored = parts_.store.Get(id);
    if (!stored.ok() || model::IsTerminal(stored->task().state())) continue;
    std::string trace_id = stored->task().trace_id();
    store::Lease lease{.replica = options_.replica,
                       .epoch = epoch,
                       .expires = clock_.Now() + options_.ttl};
    if (absl::StatusOr<bool> resumed =
            ResumeStoredTask(parts_, *std::move(stored), recovery_token_, lease);
        !resumed.ok()) {
      Log(LogLevel::kWarning, "lease_resume_failed",
          {{"task_id", id},
           {"trace_id", trace_id},
           {"error", upstream_api::StatusSummary(resumed.status())}});
    } else {
      Log(LogLevel::kInfo, "task_resumed",
          {{"task_id", id}, {"trace_id", trace_id}, {"why", "held_not_live"}});
    }
  }
  for (const std::string& id : parts_.registry.TaskIds()) {
    tasks::LiveTask* live = parts_.registry.Find(id);
    // Tasks whose create is not committed yet are not in the store yet.
    if (live == nullptr || !live->created || !live->lease.has_value()) continue;
    auto it = epochs.find(id);
    if (it != epochs.end() && it->second == live->lease->epoch) continue;
    ++lost_;
    Log(LogLevel::kWarning, "lease_lost",
        {{"task_id", id}, {"trace_id", live->record.task().trace_id()}});
    parts_.registry.Forget(id);
  }
  int resumed = 0;
  if (absl::StatusOr<int> claimed = ClaimAndResume(/*include_own=*/false, &resumed);
      !claimed.ok()) {
    Log(LogLevel::kWarning, "lease_claim_failed",
        {{"error", upstream_api::StatusSummary(claimed.status())}});
  }
}

absl::Status LeaseKeeper::TakeOver(const std::string& task_id, bool resume) {
  if (parts_.registry.Find(task_id) != nullptr) return absl::OkStatus();
  absl::StatusOr<store::TaskLeases::Claim> claim =
      leases_.Steal(options_.replica, task_id, clock_.Now(), options_.ttl);
  if (!claim.ok()) return claim.status();
  store::Lease lease = claim->lease;
  std::string trace_id = claim->task.task().trace_id();
  if (model::IsTerminal(claim->task.task().state())) {
    return absl::NotFoundError(absl::StrCat("task ", task_id, " has ended"));
  }
  if (resume) {
    absl::StatusOr<bool> resumed =
        ResumeStoredTask(parts_, std::move(claim->task), recovery_token_, lease);
    if (!resumed.ok()) return resumed.status();
  } else {
    absl::StatusOr<std::vector<v1::TaskEvent>> events = parts_.store.Events(task_id, 0);
    if (!events.ok()) return events.status();
    std::string token = UpstreamTokenOf(claim->task, parts_.keyring, recovery_token_);
    parts_.registry.Adopt(std::move(claim->task), *std::move(events), std::move(token), lease);
  }
  ++taken_over_;
  Log(LogLevel::kInfo, "task_taken_over",
      {{"task_id", task_id},
       {"trace_id", trace_id},
       {"epoch", absl::StrCat(lease.epoch)},
       {"why", "request"}});
  return absl::OkStatus();
}

size_t LeaseKeeper::InFlightEverywhere(size_t local) {
  absl::Time now = clock_.Now();
  if (now - counted_at_ >= absl::Seconds(1)) {
    absl::StatusOr<int64_t> counted = leases_.CountInProgress();
    // A failed count is not retried within the second either (the store
    // is away: every create would wait on it).
    counted_at_ = now;
    local_at_count_ = local;
    counted_ = counted.ok() ? *counted : 0;
  }
  size_t grown = local > local_at_count_ ? local - local_at_count_ : 0;
  return std::max(local, static_cast<size_t>(counted_) + grown);
}

void LeaseKeeper::ScheduleRound() {
  if (stopped_) return;
  timer_ = scheduler_.RunAt(clock_.Now() + options_.ttl / 3, [this] {
    loop_.Post([this] {
      if (stopped_) return;
      Round();
      ScheduleRound();
    });
  });
}

void LeaseKeeper::Stop() {
  if (stopped_.exchange(true)) return;
  scheduler_.Cancel(timer_.load());
  std::vector<std::string> ids = parts_.registry.TaskIds();
  if (absl::Status s = leases_.Release(options_.replica, ids); !s.ok()) {
    Log(LogLevel::kWarning, "lease_release_failed",
        {{"error", upstream_api::StatusSummary(s)}});
  }
}

}  // namespace seedance::server::core
