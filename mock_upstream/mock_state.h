// MockState: what the mock's endpoints share, behind one narrow interface:
// the process options, the run-time config (with the fail-first count), the
// task records, the journal, the token rules, the per-token rate limit, the
// base URL of the result URLs, the blocking calls held open, the reset
// epoch, and the clock and schedulers the task engine waits with. The
// endpoints and the admin control plane use only this interface, never one
// another's insides.
//
//   MockState state(options, clock, task_scheduler, admin_scheduler);
//   state.SetBaseUrl("http://127.0.0.1:8080");
//   MockConfig config = state.config();
//   state.journal().Append("task", {{"task_id", id}});
//   state.HoldCall(id, {exchange, seq});
//   std::optional<HeldCall> held = state.ReleaseCall(id);  // at the end
//   state.Reset();  // the admin reset
//
// Thread-safe: every method may be called from any IO or timer thread.
#ifndef SEEDANCE_MOCK_UPSTREAM_MOCK_STATE_H_
#define SEEDANCE_MOCK_UPSTREAM_MOCK_STATE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/rate_limiter.h"
#include "http/exchange.h"
#include "mock_upstream/journal.h"
#include "mock_upstream/mock_options.h"
#include "mock_upstream/replies.h"
#include "mock_upstream/scenario.h"
#include "base/scheduler.h"
#include "mock_upstream/task.h"
#include "mock_upstream/task_store.h"
#include "mock_upstream/token_rules.h"

namespace seedance::mock_upstream {

// A blocking videos call held open until its task ends.
struct HeldCall {
  std::shared_ptr<http::Exchange> exchange;
  int64_t request_seq = 0;  // the journal seq of its request
};

class MockState {
 public:
  // `task_scheduler` runs task timers (the reset cancels them);
  // `admin_scheduler` runs journal-wait timeouts (never cancelled). All
  // three must outlive the state.
  MockState(MockOptions options, const Clock& clock, Scheduler& task_scheduler,
            Scheduler& admin_scheduler);

  MockState(const MockState&) = delete;
  MockState& operator=(const MockState&) = delete;

  // Fixed at start-up. Thread-safe (immutable).
  const MockOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }
  Scheduler& task_scheduler() { return task_scheduler_; }
  Scheduler& admin_scheduler() { return admin_scheduler_; }

  // The shared records; each is thread-safe on its own.
  TaskStore& tasks() { return store_; }
  Journal& journal() { return journal_; }
  TokenRules& rules() { return rules_; }

  // The base of the result URLs, "http://127.0.0.1:8080". Set it before
  // serving.
  void SetBaseUrl(std::string base_url);
  std::string base_url() const;

  // A copy of the run-time config.
  MockConfig config() const;
  // Applies `change` to a copy of the config and, if it returns OK, makes
  // the copy current (and, with `restart_fail_first`, counts "the first N
  // calls" again from now). Returns the config then in force, or the
  // change's error with the config untouched.
  absl::StatusOr<MockConfig> UpdateConfig(
      const std::function<absl::Status(MockConfig&)>& change, bool restart_fail_first);
  // Counts one videos call against fail_first_n: the fail-first scenario
  // list while calls remain, else "".
  std::string TakeFailFirst();
  // Zero if `token_key` may make one more API call now under `config`'s
  // rate limit (none when it is 0), else how long until it may.
  absl::Duration TryAcquireRate(absl::string_view token_key, const MockConfig& config);
  // The slow_drip pace of `scenario`: its own parameters, else the config's.
  DripPace PaceFor(const Scenario& scenario) const;

  // The reset count; work of a task planned under another epoch is dropped.
  uint64_t epoch() const;
  bool IsCurrent(const Task& task) const { return task.epoch == epoch(); }

  // Keeps `call` open until ReleaseCall(task_id) or the reset.
  void HoldCall(const std::string& task_id, HeldCall call);
  // The call held for `task_id`, no longer held; nullopt if none (answered,
  // gone, or reset).
  std::optional<HeldCall> ReleaseCall(const std::string& task_id);

  // The admin reset: cancels pending task timers, answers held calls with
  // 500 api_error, forgets tasks, journal, rules and rate buckets, and puts
  // the config back to its start-up values.
  void Reset();

 private:
  const MockOptions options_;
  const Clock& clock_;
  Scheduler& task_scheduler_;
  Scheduler& admin_scheduler_;
  TaskStore store_;
  Journal journal_;
  RateLimiter limiter_;
  TokenRules rules_;

  mutable absl::Mutex mu_;
  std::string base_url_ ABSL_GUARDED_BY(mu_);
  MockConfig config_ ABSL_GUARDED_BY(mu_);
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_first_used_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, HeldCall> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MOCK_STATE_H_
