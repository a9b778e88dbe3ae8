// A task's life after creation: its status changes on timers, the held
// blocking call answered at the end, and the callbacks with their retries.
// Work of a task created before an admin reset is dropped (epoch check).
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/upstream_json.h"
#include "api/wire_values.h"
#include "mock_upstream/mock_service.h"

namespace seedance::mock_upstream {

void MockService::RunTask(std::shared_ptr<const Task> task) {
  for (const PlannedCallback& planned : PlanCallbacks(*task)) {
    task_scheduler_.RunAt(planned.at, [this, task, planned] {
      SendCallback(task, planned, 1);
    });
  }
  absl::Time now = clock_.Now();
  if (task->finished_at <= now) {  // zero generation time: no timer at all
    if (task->started_at < task->finished_at) OnTaskStarted(task);
    OnTaskFinished(task);
    return;
  }
  // The end is scheduled from the start, so that "running" is always
  // journaled before the final status.
  task_scheduler_.RunAt(task->started_at, [this, task] {
    if (task->started_at < task->finished_at) OnTaskStarted(task);
    task_scheduler_.RunAt(task->finished_at, [this, task] { OnTaskFinished(task); });
  });
}

void MockService::OnTaskStarted(const std::shared_ptr<const Task>& task) {
  if (task->epoch != epoch()) return;
  journal_.Append("task", {{"task_id", task->id},
                           {"provider_task_id", task->provider_task_id},
                           {"status", std::string(api::kStatusRunning)}});
}

void MockService::OnTaskFinished(const std::shared_ptr<const Task>& task) {
  if (task->epoch != epoch()) return;
  std::vector<JournalField> fields = {{"task_id", task->id},
                                      {"provider_task_id", task->provider_task_id},
                                      {"status", task->final_status}};
  if (!task->final_message.empty()) fields.push_back({"message", task->final_message});
  journal_.Append("task", std::move(fields));
  Held held;
  {
    absl::MutexLock lock(&mu_);
    auto it = held_.find(task->id);
    if (it == held_.end()) return;
    held = std::move(it->second);
    held_.erase(it);
  }
  http::Response response =
      JsonReply(FinalHttpStatus(*task), ResultAt(*task, task->final_status, base_url()));
  if (!task->effective_params.empty()) {
    response.headers.push_back({"X-Mock-Effective-Params", task->effective_params});
  }
  Answer(held.request_seq, *held.exchange, std::move(response), task->scenario, task->id);
}

void MockService::ClientLeft(const std::string& task_id) {
  int64_t seq = 0;
  {
    absl::MutexLock lock(&mu_);
    auto it = held_.find(task_id);
    if (it == held_.end()) return;
    seq = it->second.request_seq;
    held_.erase(it);
  }
  journal_.Append("response", {{"request_seq", seq},
                               {"task_id", task_id},
                               {"outcome", "client_gone"}});
}

void MockService::SendCallback(std::shared_ptr<const Task> task, PlannedCallback planned,
                               int attempt) {
  if (task->epoch != epoch()) return;
  const std::string& url = task->request.callback_url();
  std::vector<JournalField> fields = {{"task_id", task->id},
                                      {"url", url},
                                      {"status", planned.status},
                                      {"copy", int64_t{planned.copy}},
                                      {"attempt", int64_t{attempt}}};
  if (planned.drop) {
    fields.push_back({"outcome", "dropped"});
    journal_.Append("callback", std::move(fields));
    return;
  }
  std::string body = api::ToWireJson(ResultAt(*task, planned.status, base_url()));
  MockConfig current = config();
  client_.PostJson(
      url, body, current.callback_timeout,
      [this, task, planned, attempt, body, current,
       fields = std::move(fields)](absl::StatusOr<http::Response> answer) mutable {
        if (task->epoch != epoch()) return;
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
        journal_.Append("callback", std::move(fields));
        if (retry) {
          absl::Duration pause =
              s.callback_retry_interval.value_or(current.callback_retry_interval);
          task_scheduler_.RunAt(clock_.Now() + pause, [this, task, planned, attempt] {
            SendCallback(task, planned, attempt + 1);
          });
        }
      });
}

}  // namespace seedance::mock_upstream
