#include "mock_upstream/tasks_endpoint.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "mock_upstream/api_call.h"
#include "mock_upstream/replies.h"
#include "mock_upstream/task.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {

void TasksEndpoint::Handle(const http::Request& request, int64_t seq,
                           std::shared_ptr<http::Exchange> exchange) {
  Scenario scenario;
  std::optional<Caller> caller =
      Admit(state_, request, Endpoint::kTasks, seq, scenario, *exchange);
  if (!caller) return;
  if (AnswerScenarioErrorOrLimit(state_, scenario, *caller, seq, *exchange)) return;
  absl::StatusOr<upstream::v1::TasksRequest> parsed = upstream_api::ParseTasksRequest(request.body);
  if (!parsed.ok()) {
    AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                parsed.status().message(), scenario);
    return;
  }
  absl::Time now = state_.clock().Now();
  std::string base = state_.base_url();
  auto visible = [&](const std::string& id) -> std::shared_ptr<const Task> {
    std::shared_ptr<const Task> task = state_.tasks().Find(id);
    return task != nullptr && task->token_key == caller->token_key ? task : nullptr;
  };
  if (parsed->action() == "retrieve") {
    if (parsed->id().empty()) {
      AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                  "id: is required for action \"retrieve\"", scenario);
      return;
    }
    std::shared_ptr<const Task> task = visible(parsed->id());
    if (task == nullptr) {
      AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                  absl::StrCat("task not found: ", parsed->id()), scenario);
      return;
    }
    Answer(state_, seq, *exchange, JsonReply(200, RecordAt(*task, now, base)), scenario,
           task->id);
  } else if (parsed->action() == "retrieve_batch") {
    if (parsed->ids().empty()) {
      AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                  "ids: is required for action \"retrieve_batch\"", scenario);
      return;
    }
    upstream::v1::TasksBatchResponse batch;
    for (const std::string& id : parsed->ids()) {
      if (std::shared_ptr<const Task> task = visible(id)) {
        *batch.add_items() = RecordAt(*task, now, base);
      }
    }
    batch.set_count(batch.items_size());
    Answer(state_, seq, *exchange, JsonReply(200, batch), scenario);
  } else {
    AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                absl::StrCat("action: \"", parsed->action(),
                             "\" is not supported; use \"retrieve\" or \"retrieve_batch\""),
                scenario);
  }
}

}  // namespace seedance::mock_upstream
