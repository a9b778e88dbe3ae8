// POST /v1/seedance/videos: auth, scenario, strict parsing and validation,
// then a task in one of three modes (blocking, callback, async).
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/inline_params.h"
#include "api/request_validator.h"
#include "api/upstream_json.h"
#include "api/wire_values.h"
#include "mock_upstream/mock_service.h"

namespace seedance::mock_upstream {

void MockService::HandleVideos(const http::Request& request, int64_t seq,
                               std::shared_ptr<http::Exchange> exchange) {
  Scenario scenario;
  Caller caller;
  if (!Admit(request, Endpoint::kVideos, seq, scenario, caller, *exchange)) return;
  absl::StatusOr<upstream::v1::VideosRequest> parsed = api::ParseVideosRequest(request.body);
  if (parsed.ok()) {
    // Directives in the prompt: for callers that can only set the body.
    for (int i = 0; i < parsed->content_size(); ++i) {
      for (const std::string& list : FindPromptDirectives(parsed->content(i).text())) {
        absl::Status applied = ApplyScenarioList(list, scenario);
        if (!applied.ok()) {
          AnswerError(seq, *exchange, api::kErrorApiNotImplemented,
                      absl::StrCat("content[", i, "].text: [mock:", list,
                                   "]: ", applied.message()),
                      Scenario());
          return;
        }
      }
    }
  }
  if (AnswerScenarioErrorOrLimit(scenario, caller, seq, *exchange)) return;
  if (!parsed.ok()) {
    AnswerError(seq, *exchange, api::kErrorApiNotImplemented, parsed.status().message(),
                scenario);
    return;
  }
  api::ValidationResult validation = api::ValidateVideosRequest(*parsed);
  if (!validation.ok()) {
    AnswerError(seq, *exchange, api::kErrorApiNotImplemented,
                validation.ToStatus().message(), scenario);
    return;
  }
  MockConfig current = config();
  if (current.max_tasks_in_flight > 0 &&
      store_.InFlight(caller.token_key, clock_.Now()) >= current.max_tasks_in_flight) {
    Scenario limited = scenario;
    AnswerError(seq, *exchange, api::kErrorTooManyRequests,
                absl::StrCat("too many requests: ", current.max_tasks_in_flight,
                             " tasks in flight for this token"),
                limited);
    return;
  }

  Task planned = PlanTask({.request = *std::move(parsed),
                           .scenario = scenario,
                           .config = current,
                           .now = clock_.Now(),
                           .token_key = caller.token_key,
                           .epoch = epoch()});
  planned.effective_params = api::RenderInlineParams("", validation.effective);
  planned.notes = absl::StrJoin(validation.notes, "; ");
  auto task = std::make_shared<const Task>(std::move(planned));
  store_.Add(task);
  std::vector<JournalField> fields = {{"task_id", task->id},
                                      {"provider_task_id", task->provider_task_id},
                                      {"status", std::string(api::kStatusQueued)},
                                      {"mode", std::string(TaskModeName(task->mode))},
                                      {"request_seq", seq}};
  if (!scenario.applied.empty()) fields.push_back({"scenario", scenario.ToString()});
  if (!task->effective_params.empty()) {
    fields.push_back({"effective_params", task->effective_params});
  }
  if (!task->notes.empty()) fields.push_back({"notes", task->notes});
  journal_.Append("task", std::move(fields));

  if (task->mode == TaskMode::kBlocking) {
    {
      absl::MutexLock lock(&mu_);
      held_[task->id] = {exchange, seq};
    }
    exchange->OnClientGone([this, id = task->id] { ClientLeft(id); });
  } else {
    upstream::v1::VideosAccepted accepted;
    accepted.set_task_id(task->id);
    http::Response response = JsonReply(200, accepted);
    if (!task->effective_params.empty()) {
      response.headers.push_back({"X-Mock-Effective-Params", task->effective_params});
    }
    Answer(seq, *exchange, std::move(response), scenario, task->id);
  }
  RunTask(task);
}

}  // namespace seedance::mock_upstream
