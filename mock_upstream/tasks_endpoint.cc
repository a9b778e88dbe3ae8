// POST /v1/seedance/tasks: "retrieve" and "retrieve_batch" over the task
// records. A task is visible only to the token that created it; an unknown
// id in "retrieve" is 400 api_not_implemented ("task not found"), and
// "retrieve_batch" leaves unknown ids out.
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/upstream_json.h"
#include "api/wire_values.h"
#include "mock_upstream/mock_service.h"

namespace seedance::mock_upstream {

void MockService::HandleTasks(const http::Request& request, int64_t seq,
                              std::shared_ptr<http::Exchange> exchange) {
  Scenario scenario;
  Caller caller;
  if (!Admit(request, Endpoint::kTasks, seq, scenario, caller, *exchange)) return;
  if (AnswerScenarioErrorOrLimit(scenario, caller, seq, *exchange)) return;
  absl::StatusOr<upstream::v1::TasksRequest> parsed = api::ParseTasksRequest(request.body);
  if (!parsed.ok()) {
    AnswerError(seq, *exchange, api::kErrorApiNotImplemented, parsed.status().message(),
                scenario);
    return;
  }
  absl::Time now = clock_.Now();
  std::string base = base_url();
  auto visible = [&](const std::string& id) -> std::shared_ptr<const Task> {
    std::shared_ptr<const Task> task = store_.Find(id);
    return task != nullptr && task->token_key == caller.token_key ? task : nullptr;
  };
  if (parsed->action() == "retrieve") {
    if (parsed->id().empty()) {
      AnswerError(seq, *exchange, api::kErrorApiNotImplemented,
                  "id: is required for action \"retrieve\"", scenario);
      return;
    }
    std::shared_ptr<const Task> task = visible(parsed->id());
    if (task == nullptr) {
      AnswerError(seq, *exchange, api::kErrorApiNotImplemented,
                  absl::StrCat("task not found: ", parsed->id()), scenario);
      return;
    }
    Answer(seq, *exchange, JsonReply(200, RecordAt(*task, now, base)), scenario, task->id);
  } else if (parsed->action() == "retrieve_batch") {
    if (parsed->ids().empty()) {
      AnswerError(seq, *exchange, api::kErrorApiNotImplemented,
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
    Answer(seq, *exchange, JsonReply(200, batch), scenario);
  } else {
    AnswerError(seq, *exchange, api::kErrorApiNotImplemented,
                absl::StrCat("action: \"", parsed->action(),
                             "\" is not supported; use \"retrieve\" or \"retrieve_batch\""),
                scenario);
  }
}

}  // namespace seedance::mock_upstream
