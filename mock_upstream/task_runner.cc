#include "mock_upstream/task_runner.h"

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "mock_upstream/api_call.h"
#include "mock_upstream/replies.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {

void TaskRunner::HoldCall(const std::string& task_id,
                          std::shared_ptr<http::Exchange> exchange, int64_t seq) {
  state_.HoldCall(task_id, {exchange, seq});
  exchange->OnClientGone([this, task_id] { ClientLeft(task_id); });
}

void TaskRunner::Run(std::shared_ptr<const Task> task) {
  Scheduler& scheduler = state_.task_scheduler();
  for (const PlannedCallback& planned : PlanCallbacks(*task)) {
    scheduler.RunAt(planned.at, [this, task, planned] { SendCallback(task, planned, 1); });
  }
  absl::Time now = state_.clock().Now();
  if (task->finished_at <= now) {  // zero generation time: no timer at all
    if (task->started_at < task->finished_at) OnStarted(task);
    OnFinished(task);
    return;
  }
  // The end is scheduled from the start, so that "running" is always
  // journaled before the final status.
  scheduler.RunAt(task->started_at, [this, task] {
    if (task->started_at < task->finished_at) OnStarted(task);
    state_.task_scheduler().RunAt(task->finished_at, [this, task] { OnFinished(task); });
  });
}

void TaskRunner::OnStarted(const std::shared_ptr<const Task>& task) {
  if (!state_.IsCurrent(*task)) return;
  state_.journal().Append("task", {{"task_id", task->id},
                                   {"provider_task_id", task->provider_task_id},
                                   {"status", std::string(upstream_api::kStatusRunning)}});
}

void TaskRunner::OnFinished(const std::shared_ptr<const Task>& task) {
  if (!state_.IsCurrent(*task)) return;
  std::vector<JournalField> fields = {{"task_id", task->id},
                                      {"provider_task_id", task->provider_task_id},
                                      {"status", task->final_status}};
  if (!task->final_message.empty()) fields.push_back({"message", task->final_message});
  state_.journal().Append("task", std::move(fields));
  std::optional<HeldCall> held = state_.ReleaseCall(task->id);
  if (!held) return;
  http::Response response = JsonReply(
      FinalHttpStatus(*task), ResultAt(*task, task->final_status, state_.base_url()));
  if (!task->effective_params.empty()) {
    response.headers.push_back({"X-Mock-Effective-Params", task->effective_params});
  }
  if (!task->unknown_fields.empty()) {
    response.headers.push_back({"X-Mock-Unknown-Fields", task->unknown_fields});
  }
  Answer(state_, held->request_seq, *held->exchange, std::move(response), task->scenario,
         task->id);
}

void TaskRunner::ClientLeft(const std::string& task_id) {
  std::optional<HeldCall> held = state_.ReleaseCall(task_id);
  if (!held) return;
  state_.journal().Append("response", {{"request_seq", held->request_seq},
                                       {"task_id", task_id},
                                       {"outcome", "client_gone"}});
}

void TaskRunner::SendCallback(std::shared_ptr<const Task> task, PlannedCallback planned,
                              int attempt) {
  if (!state_.IsCurrent(*task)) return;
  const std::string& url = task->request.callback_url();
  std::vector<JournalField> fields = {{"task_id", task->id},
                                      {"url", url},
                                      {"status", planned.status},
                                      {"copy", int64_t{planned.copy}},
                                      {"attempt", int64_t{attempt}}};
  if (planned.drop) {
    fields.push_back({"outcome", "dropped"});
    state_.journal().Append("callback", std::move(fields));
    return;
  }
  std::string body = upstream_api::ToWireJson(ResultAt(*task, planned.status, state_.base_url()));
  MockConfig current = state_.config();
  client_.PostJson(
      url, body, current.callback_timeout,
      [this, task, planned, attempt, body, current,
       fields = std::move(fields)](absl::StatusOr<http::Response> answer) mutable {
        if (!state_.IsCurrent(*task)) return;
        bool delivered = answer.ok() && answer->status / 100 == 2;
        if (answer.ok()) {
          fields.push_back({"outcome", delivered ? "delivered" : "rejected"});
          fields.push_back({"http_status", int64_t{answer->status}});
        } else {
          fields.push_back({"outcome", "failed"});
          fields.push_back({"error", std::string(answer.status().message())});
        }
        fields.push_back({"body", body});
        const Scenario& s = task->scenario;
        int retries = s.callback_retries.value_or(current.callback_retries);
        bool retry = !delivered && s.callback_retry && attempt <= retries;
        fields.push_back({"will_retry", retry});
        state_.journal().Append("callback", std::move(fields));
        if (retry) {
          absl::Duration pause =
              s.callback_retry_interval.value_or(current.callback_retry_interval);
          state_.task_scheduler().RunAt(
              state_.clock().Now() + pause,
              [this, task, planned, attempt] { SendCallback(task, planned, attempt + 1); });
        }
      });
}

}  // namespace seedance::mock_upstream
