#include "server/upstream/upstream_driver.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/backoff.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "server/model/gateway_errors.h"
#include "server/model/result_content.h"
#include "server/model/task_state.h"
#include "server/model/upstream_body.h"
#include "server/upstream/upstream_errors.h"
#include "server/upstream/upstream_report.h"
#include "upstream_api/status_details.h"

namespace seedance::server::upstream {
namespace {

using gateway::v1::DELIVERY_MODE_CALLBACK;
using gateway::v1::DELIVERY_MODE_HOLD;
using gateway::v1::DELIVERY_MODE_POLL;

void SetError(const absl::Status& error, StoredTask& t) {
  *t.mutable_task()->mutable_error() = upstream_api::ToRpcStatus(error);
}

// Sent upstream (maybe created and billed there) and nothing heard since:
// no id to follow it by, no report that moved it on.
bool SubmittedWithoutId(const StoredTask& t) {
  return t.submitted() && t.task().upstream().task_id().empty() &&
         t.task().upstream().provider_task_id().empty() &&
         t.task().state() == v1::TASK_STATE_PENDING;
}

absl::Status OutcomeUnknown(absl::StatusCode code, absl::string_view why) {
  return upstream_api::WithErrorInfo(
      absl::Status(code, absl::StrCat(why,
                                      "; the upstream may still generate (and bill) the "
                                      "video, and the task was not resubmitted to avoid "
                                      "double billing")),
      "UPSTREAM_OUTCOME_UNKNOWN", model::kGatewayErrorDomain);
}

CallContext CallContextOf(const tasks::LiveTask& task) {
  return {.token = task.upstream_token, .traceparent = task.record.traceparent()};
}

}  // namespace

UpstreamDriver::UpstreamDriver(UpstreamDriverOptions options, tasks::TaskRegistry& registry,
                               tasks::TaskLoop& loop, UpstreamClient& client,
                               Scheduler& scheduler, const Clock& clock)
    : options_(std::move(options)),
      registry_(registry),
      loop_(loop),
      client_(client),
      scheduler_(scheduler),
      clock_(clock) {}

UpstreamDriver::Calls& UpstreamDriver::CallsOf(const std::string& task_id) {
  return calls_[task_id];
}

Scheduler::TimerId UpstreamDriver::After(const std::string& task_id, absl::Duration delay,
                                         std::function<void(tasks::LiveTask&, Calls&)> fn) {
  return scheduler_.RunAt(clock_.Now() + delay, [this, task_id, fn = std::move(fn)] {
    loop_.Post([this, task_id, fn] {
      if (shut_down_) return;
      if (tasks::LiveTask* task = registry_.Find(task_id)) fn(*task, CallsOf(task_id));
    });
  });
}

seedance::upstream::v1::VideosRequest UpstreamDriver::BodyFor(const tasks::LiveTask& task) const {
  // The body comes from the spec, the record's one copy of the request;
  // records stored before that kept the body itself.
  seedance::upstream::v1::VideosRequest body = task.record.has_upstream_request()
                                                   ? task.record.upstream_request()
                                                   : model::ToUpstreamRequest(task.record.task().spec());
  switch (task.record.mode()) {
    case DELIVERY_MODE_CALLBACK:
      body.set_callback_url(absl::StrCat(options_.callback_url_prefix, "/",
                                         task.record.task().task_id(), "/",
                                         task.record.callback_secret()));
      break;
    case DELIVERY_MODE_POLL:
      body.set_async(true);
      break;
    default:
      break;
  }
  return body;
}

void UpstreamDriver::Start(const std::string& task_id) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return;
  ScheduleExpiry(*task);
  // The task was stored with `submitted` set (core/new_task.cc), so the first
  // attempt needs no write of its own.
  Send(task_id);
}

void UpstreamDriver::MarkSubmittedAndSend(const std::string& task_id) {
  // Durably "submitted" before the first byte goes out: a gateway that
  // dies mid-call must not resubmit blindly after restart (double billing).
  registry_.Update(
      task_id, [](StoredTask& t) { t.set_submitted(true); },
      [this, task_id](absl::Status committed) {
        if (!committed.ok()) {
          Fail(task_id, absl::UnavailableError(absl::StrCat(
                            "the task could not be stored: ", committed.message())));
          return;
        }
        Send(task_id);
      });
}

void UpstreamDriver::Send(const std::string& task_id) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr || shut_down_) return;
  Calls& calls = CallsOf(task_id);
  ++calls.submit_attempts;
  bool hold = task->record.mode() == DELIVERY_MODE_HOLD;
  absl::Duration timeout = hold ? HoldTimeout(*task) : options_.call_timeout;
  Log(LogLevel::kInfo, "upstream_submit",
      {{"task_id", task_id},
       {"trace_id", task->record.task().trace_id()},
       {"attempt", absl::StrCat(calls.submit_attempts)},
       {"mode", gateway::v1::DeliveryMode_Name(task->record.mode())},
       {"timeout", absl::FormatDuration(timeout)}});
  calls.call = client_.Submit(
      BodyFor(*task), CallContextOf(*task), timeout,
      [this, task_id](absl::StatusOr<SubmitResult> result) {
        loop_.Post([this, task_id, result = std::move(result)]() mutable {
          OnSubmitted(task_id, std::move(result));
        });
      });
  if (hold) {
    calls.timer = After(task_id, options_.hold_accept_grace,
                        [this](tasks::LiveTask& t, Calls& c) {
      c.timer = 0;
      // Still held open after the grace: the upstream accepted the call
      // and is generating (errors come back at once).
      if (c.call != 0 && t.record.task().state() == v1::TASK_STATE_PENDING) {
        registry_.Transition(t.record.task().task_id(), v1::TASK_STATE_RUNNING, nullptr,
                             nullptr);
      }
    });
  }
}

void UpstreamDriver::OnSubmitted(const std::string& task_id,
                                 absl::StatusOr<SubmitResult> result) {
  if (shut_down_) return;
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return;  // cancelled or ended meanwhile
  Calls& calls = CallsOf(task_id);
  calls.call = 0;
  if (calls.timer != 0) {
    scheduler_.Cancel(calls.timer);
    calls.timer = 0;
  }
  if (result.ok()) {
    if (result->final_answer.has_value()) {
      Apply(task_id, *result->final_answer, nullptr);
      Follow(task_id);  // a result that is not final yet ("queued")
    } else {
      OnAccepted(task_id, result->accepted->task_id());
    }
    return;
  }
  const absl::Status& error = result.status();
  if (task->record.mode() == DELIVERY_MODE_CALLBACK && !SubmittedWithoutId(task->record)) {
    // A callback came while the call was open: the upstream has the task,
    // whatever became of the call. Neither fail nor resubmit it; follow it.
    Follow(task_id);
    return;
  }
  if (SafeToResubmit(error) && calls.submit_attempts < options_.max_submit_attempts) {
    absl::Duration delay = upstream_api::RetryDelayOf(error).value_or(
        BackoffDelay(options_.retry_initial, calls.submit_attempts, options_.max_retry_delay));
    delay = std::min(delay, options_.max_retry_delay);
    Log(LogLevel::kWarning, "upstream_submit_retry",
        {{"task_id", task_id},
         {"trace_id", task->record.task().trace_id()},
         {"attempt", absl::StrCat(calls.submit_attempts)},
         {"delay", absl::FormatDuration(delay)},
         {"error", upstream_api::StatusSummary(error)}});
    stats_->SubmissionRetried();
    // Not processed upstream: until the retry is sent, a restarted gateway
    // may safely send it again.
    registry_.Update(task_id, [](StoredTask& t) { t.set_submitted(false); }, nullptr);
    calls.timer = After(task_id, delay, [this](tasks::LiveTask& t, Calls& c) {
      c.timer = 0;
      MarkSubmittedAndSend(t.record.task().task_id());
    });
    return;
  }
  // No answer to a request that went out: it may exist upstream. One that
  // never went out (refused past the last attempt) is a plain failure.
  if (!UpstreamAnswered(error) && !http::curl::RequestNeverSent(error)) {
    return OnOutcomeUnknown(task_id, error);
  }
  Fail(task_id, error);
}

void UpstreamDriver::OnOutcomeUnknown(const std::string& task_id, const absl::Status& error) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return;
  if (task->record.mode() == DELIVERY_MODE_CALLBACK) {
    // The callback URL names this task (and carries its secret): if the
    // upstream took it, its callback still arrives. Wait for it, up to the
    // task's expiry, rather than writing off a task that may be paid for.
    Log(LogLevel::kWarning, "upstream_outcome_unknown_awaiting_callback",
        {{"task_id", task_id},
         {"trace_id", task->record.task().trace_id()},
         {"error", upstream_api::StatusSummary(error)}});
    if (options_.outcome_unknown_callback_wait > absl::ZeroDuration()) {
      Calls& calls = CallsOf(task_id);
      if (calls.timer != 0) scheduler_.Cancel(calls.timer);
      calls.timer = After(task_id, options_.outcome_unknown_callback_wait,
                          [this](tasks::LiveTask& t, Calls& c) {
        c.timer = 0;
        if (!SubmittedWithoutId(t.record)) {  // a callback told
          Follow(t.record.task().task_id());
          return;
        }
        Fail(t.record.task().task_id(),
             OutcomeUnknown(absl::StatusCode::kUnavailable,
                            absl::StrCat("no callback came within ",
                                         absl::FormatDuration(
                                             options_.outcome_unknown_callback_wait),
                                         " of a submission that got no answer")));
      });
    }
    return;
  }
  Fail(task_id, OutcomeUnknown(error.code(), absl::StrCat("the upstream call ended without an "
                                                          "answer (",
                                                          error.message(), ")")));
}

absl::Duration UpstreamDriver::HoldTimeout(const tasks::LiveTask& task) const {
  absl::Duration timeout = absl::Hours(72);  // the longest execution_expires_after
  if (task.record.task().has_expire_time()) {
    timeout = FromProtoTime(task.record.task().expire_time()) + options_.expiry_grace -
              clock_.Now();
  }
  // Past the expiry timer, so that an expiry ends the task EXPIRED first.
  timeout = std::max(timeout, absl::ZeroDuration()) + options_.call_timeout;
  if (options_.hold_timeout_cap > absl::ZeroDuration()) {
    timeout = std::min(timeout, options_.hold_timeout_cap);
  }
  return timeout;
}

void UpstreamDriver::OnAccepted(const std::string& task_id,
                                const std::string& upstream_task_id) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return;
  auto set_id = [&upstream_task_id](StoredTask& t) {
    t.mutable_task()->mutable_upstream()->set_task_id(upstream_task_id);
  };
  if (!registry_.Transition(task_id, v1::TASK_STATE_QUEUED, set_id, nullptr)) {
    // A callback may already have moved it on; keep the id anyway.
    registry_.Update(task_id, set_id, nullptr);
  }
  // The fallback poll (CALLBACK), or polls (POLL, or a HOLD call that the
  // upstream answered at once).
  Follow(task_id);
}

void UpstreamDriver::Follow(const std::string& task_id) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr || model::IsTerminal(task->record.task().state()) ||
      task->record.task().upstream().task_id().empty()) {
    return;
  }
  Calls& calls = CallsOf(task_id);
  if (calls.call != 0 || calls.timer != 0) return;  // already followed
  if (task->record.mode() == DELIVERY_MODE_CALLBACK) {
    if (options_.callback_fallback_poll > absl::ZeroDuration()) {
      SchedulePoll(task_id, options_.callback_fallback_poll);
    }
    return;
  }
  calls.poll_delay = options_.poll_initial;
  SchedulePoll(task_id, options_.poll_initial);
}

void UpstreamDriver::SchedulePoll(const std::string& task_id, absl::Duration delay) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return;
  Calls& calls = CallsOf(task_id);
  if (calls.timer != 0) scheduler_.Cancel(calls.timer);
  calls.timer = After(task_id, delay, [this](tasks::LiveTask& t, Calls& c) {
    c.timer = 0;
    Poll(t.record.task().task_id());
  });
}

void UpstreamDriver::Poll(const std::string& task_id) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr || shut_down_) return;
  Calls& calls = CallsOf(task_id);
  if (calls.call != 0) return;
  const std::string& upstream_id = task->record.task().upstream().task_id();
  if (upstream_id.empty()) return;
  calls.call = client_.Retrieve(
      upstream_id, CallContextOf(*task), options_.call_timeout,
      [this, task_id](absl::StatusOr<seedance::upstream::v1::TaskRecord> record) {
        loop_.Post([this, task_id, record = std::move(record)]() mutable {
          OnPolled(task_id, std::move(record));
        });
      });
}

void UpstreamDriver::OnPolled(const std::string& task_id,
                              absl::StatusOr<seedance::upstream::v1::TaskRecord> record) {
  if (shut_down_) return;
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return;
  Calls& calls = CallsOf(task_id);
  calls.call = 0;
  bool callback_mode = task->record.mode() == DELIVERY_MODE_CALLBACK;
  if (!record.ok()) {
    const absl::Status& error = record.status();
    // In CALLBACK mode polling is only a safety net: callbacks may still
    // come, so a failing tasks endpoint never fails the task.
    if (!callback_mode && (error.code() == absl::StatusCode::kUnauthenticated ||
                           error.code() == absl::StatusCode::kPermissionDenied ||
                           ++calls.poll_failures > options_.max_poll_failures)) {
      Fail(task_id, error);
      return;
    }
    absl::Duration delay = upstream_api::RetryDelayOf(error).value_or(
        BackoffDelay(options_.poll_initial, calls.poll_failures, options_.poll_max));
    Log(LogLevel::kWarning, "upstream_poll_failed",
        {{"task_id", task_id},
         {"trace_id", task->record.task().trace_id()},
         {"error", upstream_api::StatusSummary(error)}});
    SchedulePoll(task_id, callback_mode ? options_.callback_fallback_poll : delay);
    return;
  }
  calls.poll_failures = 0;
  uint64_t before = task->record.task().sequence();
  if (record->has_response()) Apply(task_id, record->response(), nullptr);
  task = registry_.Find(task_id);
  if (task == nullptr || model::IsTerminal(task->record.task().state())) return;
  if (callback_mode) {
    if (options_.callback_fallback_poll > absl::ZeroDuration()) {
      SchedulePoll(task_id, options_.callback_fallback_poll);
    }
    return;
  }
  // Poll again soon after a change, less often while nothing moves.
  // (Apply may have ended the task, and Stop dropped its calls: look again.)
  bool changed = task->record.task().sequence() != before;
  Calls& now = CallsOf(task_id);
  now.poll_delay = changed ? options_.poll_initial : NextBackoff(now.poll_delay, options_.poll_max);
  SchedulePoll(task_id, now.poll_delay);
}

void UpstreamDriver::Apply(const std::string& task_id,
                           const seedance::upstream::v1::VideosResponse& answer,
                           Continuation done) {
  auto finish = [&done](absl::Status s) {
    if (done) done(std::move(s));
  };
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return finish(absl::OkStatus());
  UpstreamReport report = ReadUpstreamReport(answer);
  if (absl::Status same = CheckSameTask(task->record.task().upstream(), report.ref);
      !same.ok()) {
    // A callback with one task's URL and another's body, or a provider
    // mix-up: applying it would give this task another task's video.
    Log(LogLevel::kWarning, "upstream_report_names_another_task",
        {{"task_id", task_id},
         {"trace_id", task->record.task().trace_id()},
         {"error", same.message()}});
    return finish(same);
  }
  if (report.state == v1::TASK_STATE_UNSPECIFIED) {
    Log(LogLevel::kWarning, "upstream_status_unknown",
        {{"task_id", task_id},
         {"trace_id", task->record.task().trace_id()},
         {"status", answer.data().empty() ? "" : answer.data(0).status()}});
    return finish(absl::OkStatus());
  }
  if (!model::CheckTransition(task->record.task().state(), report.state).ok()) {
    // A duplicate or stale report: nothing to do, and nothing to fear.
    return finish(absl::OkStatus());
  }
  // A task waiting for its callback after a submission with no answer
  // learns its id from it: from now on the fallback poll can follow it.
  const bool waiting = SubmittedWithoutId(task->record);
  auto mutate = [this, &report, &answer](StoredTask& t) {
    // The answer that ends the task is kept for callers who want it as the
    // provider would have sent it (CALLBACK_FORMAT_UPSTREAM).
    // Not when the gateway read it otherwise (a "succeeded" without a video
    // is FAILED): the body is then built from the task.
    bool read_as_said = answer.data().empty() ||
                        StateFromUpstreamStatus(answer.data(0).status()) == report.state;
    if (model::IsTerminal(report.state) && read_as_said) *t.mutable_upstream_answer() = answer;
    // Ids the answer carries are kept; ones it omits stay as they were.
    v1::UpstreamRef* ref = t.mutable_task()->mutable_upstream();
    if (!report.ref.task_id().empty()) ref->set_task_id(report.ref.task_id());
    if (!report.ref.trace_id().empty()) ref->set_trace_id(report.ref.trace_id());
    if (!report.ref.provider_task_id().empty()) {
      ref->set_provider_task_id(report.ref.provider_task_id());
    }
    if (report.result.has_value()) {
      *t.mutable_task()->mutable_result() = *report.result;
      if (options_.keep_content) model::ExpectResultContent(*t.mutable_task());
    } else if (!report.error.ok()) {
      SetError(report.error, t);
    }
  };
  registry_.Transition(task_id, report.state, mutate, std::move(done));
  tasks::LiveTask* now = registry_.Find(task_id);
  if (waiting && now != nullptr && !model::IsTerminal(now->record.task().state())) {
    Calls& calls = CallsOf(task_id);
    if (calls.timer != 0) {
      scheduler_.Cancel(calls.timer);  // the wait for a callback is over
      calls.timer = 0;
    }
    Follow(task_id);
  }
}

void UpstreamDriver::Fail(const std::string& task_id, const absl::Status& error) {
  const tasks::LiveTask* task = registry_.Find(task_id);
  Log(LogLevel::kWarning, "task_failed",
      {{"task_id", task_id},
       {"trace_id", task != nullptr ? task->record.task().trace_id() : ""},
       {"error", upstream_api::StatusSummary(error)}});
  // The upstream's trace id, when an answer carried one, stays with the task.
  std::string trace_id;
  if (auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(error);
      info.has_value() && info->domain() == kUpstreamErrorDomain) {
    auto found = info->metadata().find("trace_id");
    if (found != info->metadata().end()) trace_id = found->second;
  }
  registry_.Transition(task_id, v1::TASK_STATE_FAILED,
                       [&error, &trace_id](StoredTask& t) {
                         SetError(error, t);
                         if (!trace_id.empty()) {
                           t.mutable_task()->mutable_upstream()->set_trace_id(trace_id);
                         }
                       },
                       nullptr);
}

void UpstreamDriver::ScheduleExpiry(tasks::LiveTask& task) {
  if (!task.record.task().has_expire_time()) return;
  absl::Time when = FromProtoTime(task.record.task().expire_time()) + options_.expiry_grace;
  std::string task_id = task.record.task().task_id();
  CallsOf(task_id).expiry_timer =
      scheduler_.RunAt(when, [this, task_id] {
        loop_.Post([this, task_id] {
          if (shut_down_) return;
          tasks::LiveTask* t = registry_.Find(task_id);
          if (t == nullptr) return;
          CallsOf(task_id).expiry_timer = 0;
          if (t->record.mode() == DELIVERY_MODE_CALLBACK && CallsOf(task_id).call == 0 &&
              SubmittedWithoutId(t->record)) {
            // Its callback never came: only now is its fate unknown.
            Fail(task_id, OutcomeUnknown(absl::StatusCode::kUnavailable,
                                         "the upstream never answered nor called back "
                                         "before the task's expiry"));
            return;
          }
          absl::Status error = upstream_api::WithErrorInfo(
              absl::DeadlineExceededError(
                  "the task did not finish within execution_expires_after"),
              "TASK_EXPIRED", model::kGatewayErrorDomain);
          registry_.Transition(task_id, v1::TASK_STATE_EXPIRED,
                               [&error](StoredTask& r) { SetError(error, r); }, nullptr);
        });
      });
}

void UpstreamDriver::Resume(const std::string& task_id) {
  tasks::LiveTask* task = registry_.Find(task_id);
  if (task == nullptr) return;
  ScheduleExpiry(*task);
  const StoredTask& r = task->record;
  if (!r.submitted()) {
    MarkSubmittedAndSend(task_id);
    return;
  }
  if (r.task().upstream().task_id().empty()) {
    // Sent, but the process died before learning the upstream's id: it may
    // or may not exist (and be billed) upstream. Resubmitting could create
    // a second one; a callback may still tell (OnOutcomeUnknown).
    OnOutcomeUnknown(task_id, absl::UnavailableError(
                                  "the gateway restarted while the upstream call was "
                                  "in flight"));
    return;
  }
  // Accepted upstream: catch up at once (callbacks may have been missed
  // while down), then follow the mode.
  if (r.mode() != DELIVERY_MODE_CALLBACK ||
      options_.callback_fallback_poll > absl::ZeroDuration()) {
    CallsOf(task_id).poll_delay = options_.poll_initial;
    Poll(task_id);
  }
}

size_t UpstreamDriver::SubmissionsInFlight() {
  size_t count = 0;
  for (const auto& [id, calls] : calls_) {
    if (calls.call == 0) continue;
    tasks::LiveTask* task = registry_.Find(id);
    // A call in flight before the upstream gave an id is a submission (or a
    // held call, which is one until its answer).
    if (task != nullptr &&
        (task->record.mode() == DELIVERY_MODE_HOLD ||
         task->record.task().upstream().task_id().empty())) {
      ++count;
    }
  }
  return count;
}

void UpstreamDriver::Stop(const std::string& task_id) {
  auto it = calls_.find(task_id);
  if (it == calls_.end()) return;
  Calls calls = it->second;
  calls_.erase(it);
  // Cancel after erasing: a cancelled call's callback is posted to the loop
  // and finds no calls for the task.
  if (calls.call != 0) client_.Cancel(calls.call);
  if (calls.timer != 0) scheduler_.Cancel(calls.timer);
  if (calls.expiry_timer != 0) scheduler_.Cancel(calls.expiry_timer);
}

void UpstreamDriver::Shutdown() {
  shut_down_ = true;
  std::vector<std::string> ids;
  ids.reserve(calls_.size());
  for (const auto& [id, calls] : calls_) ids.push_back(id);
  for (const std::string& id : ids) Stop(id);
}

}  // namespace seedance::server::upstream
