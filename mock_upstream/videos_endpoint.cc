#include "mock_upstream/videos_endpoint.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "mock_upstream/api_call.h"
#include "mock_upstream/replies.h"
#include "mock_upstream/task.h"
#include "upstream_api/inline_params.h"
#include "upstream_api/request_validator.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {

void VideosEndpoint::Handle(const http::Request& request, int64_t seq,
                            std::shared_ptr<http::Exchange> exchange) {
  Scenario scenario;
  std::optional<Caller> caller =
      Admit(state_, request, Endpoint::kVideos, seq, scenario, *exchange);
  if (!caller) return;
  std::vector<std::string> unknown_keys;
  absl::StatusOr<upstream::v1::VideosRequest> parsed =
      upstream_api::ParseVideosRequest(request.body, &unknown_keys);
  if (parsed.ok()) {
    // Directives in the prompt: for callers that can only set the body.
    for (int i = 0; i < parsed->content_size(); ++i) {
      for (const std::string& list : FindPromptDirectives(parsed->content(i).text())) {
        absl::Status applied = ApplyScenarioList(list, scenario);
        if (!applied.ok()) {
          AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                      absl::StrCat("content[", i, "].text: [mock:", list,
                                   "]: ", applied.message()),
                      Scenario());
          return;
        }
      }
    }
  }
  if (AnswerScenarioErrorOrLimit(state_, scenario, *caller, seq, *exchange)) return;
  if (!parsed.ok()) {
    AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                parsed.status().message(), scenario);
    return;
  }
  upstream_api::ValidationResult validation = upstream_api::ValidateVideosRequest(*parsed);
  if (!validation.ok()) {
    AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                validation.ToStatus().message(), scenario);
    return;
  }
  MockConfig current = state_.config();
  std::sort(unknown_keys.begin(), unknown_keys.end());  // map order is unspecified
  std::string unknown_fields = absl::StrJoin(unknown_keys, ",");
  if (current.refuse_unknown_fields && !unknown_keys.empty()) {
    AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                absl::StrCat("unknown field", unknown_keys.size() > 1 ? "s" : "", ": ",
                             absl::StrJoin(unknown_keys, ", ")),
                scenario);
    return;
  }
  if (current.max_tasks_in_flight > 0 &&
      state_.tasks().InFlight(caller->token_key, state_.clock().Now()) >=
          current.max_tasks_in_flight) {
    AnswerError(state_, seq, *exchange, upstream_api::kErrorTooManyRequests,
                absl::StrCat("too many requests: ", current.max_tasks_in_flight,
                             " tasks in flight for this token"),
                scenario);
    return;
  }

  Task planned = PlanTask({.request = *std::move(parsed),
                           .scenario = scenario,
                           .config = current,
                           .now = state_.clock().Now(),
                           .token_key = caller->token_key,
                           .epoch = state_.epoch()});
  planned.effective_params = upstream_api::RenderInlineParams("", validation.effective);
  planned.notes = absl::StrJoin(validation.notes, "; ");
  planned.unknown_fields = std::move(unknown_fields);
  auto task = std::make_shared<const Task>(std::move(planned));
  state_.tasks().Add(task);
  std::vector<JournalField> fields = {{"task_id", task->id},
                                      {"provider_task_id", task->provider_task_id},
                                      {"status", std::string(upstream_api::kStatusQueued)},
                                      {"mode", std::string(TaskModeName(task->mode))},
                                      {"request_seq", seq}};
  if (!scenario.applied.empty()) fields.push_back({"scenario", scenario.ToString()});
  if (!task->effective_params.empty()) {
    fields.push_back({"effective_params", task->effective_params});
  }
  if (!task->notes.empty()) fields.push_back({"notes", task->notes});
  if (!task->unknown_fields.empty()) fields.push_back({"unknown_fields", task->unknown_fields});
  state_.journal().Append("task", std::move(fields));

  if (task->mode == TaskMode::kBlocking) {
    runner_.HoldCall(task->id, exchange, seq);
  } else {
    http::Response response;
    if (scenario.accept_envelope) {
      upstream::v1::VideosResponse envelope;
      envelope.set_success(true);
      envelope.set_task_id(task->id);
      envelope.set_trace_id(task->trace_id);
      response = JsonReply(200, envelope);
    } else {
      upstream::v1::VideosAccepted accepted;
      accepted.set_task_id(task->id);
      response = JsonReply(200, accepted);
    }
    if (!task->effective_params.empty()) {
      response.headers.push_back({"X-Mock-Effective-Params", task->effective_params});
    }
    if (!task->unknown_fields.empty()) {
      response.headers.push_back({"X-Mock-Unknown-Fields", task->unknown_fields});
    }
    Answer(state_, seq, *exchange, std::move(response), scenario, task->id);
  }
  runner_.Run(task);
}

}  // namespace seedance::mock_upstream
