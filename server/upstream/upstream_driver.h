// UpstreamDriver: takes each task from PENDING to a terminal state by
// talking to the upstream in one of three ways (DeliveryMode):
//
//   HOLD      the documented blocking call, held open until the video is done;
//   CALLBACK  callback_url pointing at the gateway's receiver (with the task's
//             secret in it); the tasks endpoint is polled now and then in
//             case a callback is lost;
//   POLL      `async: true`, then the tasks endpoint with backoff.
//
// It retries a submission only when that cannot create (and bill) a second
// task (SafeToResubmit), honours Retry-After, expires tasks that run past
// their execution_expires_after, and resumes tasks after a restart. Every
// answer, whatever its source, goes through Apply(), so duplicates and
// out-of-order reports are harmless (the state machine drops them).
//
// Loop thread only; upstream and timer callbacks are posted back to the loop.
// The driver keeps its own per-task state (calls in flight, timers,
// attempts); the registry's LiveTask holds only the task itself.
#ifndef SEEDANCE_SERVER_UPSTREAM_UPSTREAM_DRIVER_H_
#define SEEDANCE_SERVER_UPSTREAM_UPSTREAM_DRIVER_H_

#include <string>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "seedance/gateway/v1/stored_task.pb.h"
#include "server/tasks/task_loop.h"
#include "server/stats/gateway_stats.h"
#include "server/tasks/task_registry.h"
#include "server/upstream/upstream_client.h"

namespace seedance::server::upstream {

struct UpstreamDriverOptions {
  // Where the upstream POSTs callbacks: "<prefix>/<task_id>/<secret>".
  // Needed for DELIVERY_MODE_CALLBACK.
  std::string callback_url_prefix;
  // In CALLBACK mode, also poll the tasks endpoint this often (0: never),
  // and once at restart, in case callbacks were lost.
  absl::Duration callback_fallback_poll = absl::Minutes(2);
  // HOLD: the blocking call lasts as long as the task may (until its
  // expire_time, plus expiry_grace and call_timeout for the upstream to say
  // "expired"), since a flex task or a long execution_expires_after may well
  // generate for hours. A positive cap shortens it for operators who want
  // one; a call cut by it ends the task UPSTREAM_OUTCOME_UNKNOWN (the
  // upstream may still finish and bill it; its id is not known to poll).
  absl::Duration hold_timeout_cap = absl::ZeroDuration();
  // CALLBACK: a task whose submission got no answer (cut, or the gateway
  // died before reading it) waits this long for the upstream's callback
  // before it ends UPSTREAM_OUTCOME_UNKNOWN; 0: until its expiry.
  absl::Duration outcome_unknown_callback_wait = absl::ZeroDuration();
  // HOLD: a call still open after this was accepted: the task is RUNNING.
  absl::Duration hold_accept_grace = absl::Seconds(3);
  // Submissions in CALLBACK/POLL mode and tasks-endpoint reads.
  absl::Duration call_timeout = absl::Seconds(30);
  // POLL: first delay and cap of the exponential poll backoff.
  absl::Duration poll_initial = absl::Seconds(2);
  absl::Duration poll_max = absl::Seconds(30);
  // Submissions refused with "not processed" (429, 503, connection
  // refused) are retried this many times in all, after the upstream's
  // Retry-After or an exponential backoff capped at max_retry_delay.
  int max_submit_attempts = 5;
  absl::Duration retry_initial = absl::Seconds(1);
  absl::Duration max_retry_delay = absl::Minutes(1);
  // Consecutive failed polls before the task is failed.
  int max_poll_failures = 20;
  // A task still unfinished this long after its expire_time is EXPIRED
  // (the upstream normally reports it first).
  absl::Duration expiry_grace = absl::Minutes(5);
  // The gateway keeps copies of result files: a task's SUCCEEDED change
  // marks them PENDING (model/result_content.h), in the same commit, so
  // that a crash before the fetch leaves the task unsettled and it is
  // fetched after the restart. Set by TaskCore when it has a fetcher.
  bool keep_content = false;
};

class UpstreamDriver {
 public:
  using Continuation = tasks::TaskRegistry::Continuation;

  // All references must outlive the driver.
  UpstreamDriver(UpstreamDriverOptions options, tasks::TaskRegistry& registry, tasks::TaskLoop& loop,
                 UpstreamClient& client, Scheduler& scheduler, const Clock& clock);

  // Starts a newly created (committed) task.
  void Start(const std::string& task_id);

  // Continues a task adopted from the store after a restart.
  void Resume(const std::string& task_id);

  // Applies an upstream answer (blocking answer, callback or poll) to the
  // task. `done` runs once the resulting change is durable, or at once
  // when there is no change (a duplicate or stale report); with
  // FAILED_PRECONDITION, changing nothing, when the answer names another
  // upstream task than this one's (CheckSameTask).
  void Apply(const std::string& task_id, const seedance::upstream::v1::VideosResponse& answer,
             Continuation done);

  // How long the held call of `task` may stay open, from now.
  absl::Duration HoldTimeout(const tasks::LiveTask& task) const;

  // Submissions whose answer has not arrived yet (held calls included): if
  // the process stopped now, their outcome would be unknown after restart.
  size_t SubmissionsInFlight();

  // Stops every upstream call and timer of the task and forgets them (it
  // ended). Unknown ids are ignored.
  void Stop(const std::string& task_id);

  // Tasks the driver keeps per-task state for (live ones it started or
  // resumed): what a test checks to see that ended tasks are forgotten.
  size_t tracked_tasks() const { return calls_.size(); }

  // Stops all upstream work for good (shutdown): calls in flight are
  // cancelled and late callbacks ignored; tasks stay as stored, to be
  // resumed by the next process.
  void Shutdown();

  // Where retried submissions are counted (stats::NoStats() until set).
  void SetStats(stats::GatewayStats& stats) { stats_ = &stats; }

 private:
  void MarkSubmittedAndSend(const std::string& task_id);
  void Send(const std::string& task_id);
  void OnSubmitted(const std::string& task_id, absl::StatusOr<SubmitResult> result);
  void OnAccepted(const std::string& task_id, const std::string& upstream_task_id);
  void Poll(const std::string& task_id);
  void OnPolled(const std::string& task_id, absl::StatusOr<seedance::upstream::v1::TaskRecord> record);
  void SchedulePoll(const std::string& task_id, absl::Duration delay);
  // Starts following a live, unfinished task whose upstream id is known and
  // that nothing follows yet: the fallback poll (CALLBACK) or polling.
  void Follow(const std::string& task_id);
  void ScheduleExpiry(tasks::LiveTask& task);
  void Fail(const std::string& task_id, const absl::Status& error);
  // A submission that went out and got no answer (cut, timed out, reset):
  // the task may exist upstream, so it is never resubmitted.
  void OnOutcomeUnknown(const std::string& task_id, const absl::Status& error);

  // The driver's own state of one live task: what it has in flight and how
  // far its retries and polls have gone. The registry knows nothing of it.
  struct Calls {
    // The upstream call in flight (0: none).
    UpstreamClient::CallId call = 0;
    // The next retry or poll, and the expiry timer (0: none).
    Scheduler::TimerId timer = 0;
    Scheduler::TimerId expiry_timer = 0;
    // Submission attempts and consecutive poll failures so far.
    int submit_attempts = 0;
    int poll_failures = 0;
    // The delay before the next poll (grows while nothing changes).
    absl::Duration poll_delay = absl::ZeroDuration();
  };
  // The calls of a live task (made on first use). Call only for a task the
  // registry holds, so that Stop, which runs when it ends, forgets them.
  Calls& CallsOf(const std::string& task_id);
  // Runs `fn` on the loop at `when`, if the task is still live then.
  Scheduler::TimerId After(const std::string& task_id, absl::Duration delay,
                           std::function<void(tasks::LiveTask&, Calls&)> fn);
  seedance::upstream::v1::VideosRequest BodyFor(const tasks::LiveTask& task) const;

  const UpstreamDriverOptions options_;
  tasks::TaskRegistry& registry_;
  tasks::TaskLoop& loop_;
  UpstreamClient& client_;
  Scheduler& scheduler_;
  const Clock& clock_;
  stats::GatewayStats* stats_ = &stats::NoStats();
  bool shut_down_ = false;
  // By task id; node-based, so a Calls& stays valid while others are added.
  absl::node_hash_map<std::string, Calls> calls_;
};

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_SERVER_UPSTREAM_UPSTREAM_DRIVER_H_
