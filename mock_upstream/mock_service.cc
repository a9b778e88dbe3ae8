#include "mock_upstream/mock_service.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "mock_upstream/scenario.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {

MockService::MockService(MockOptions options, const Clock& clock,
                         Scheduler& task_scheduler, Scheduler& admin_scheduler,
                         http::HttpClient& client)
    : state_(std::move(options), clock, task_scheduler, admin_scheduler),
      metrics_(state_.journal()),
      runner_(state_, client),
      videos_(state_, runner_),
      tasks_(state_),
      media_(state_),
      admin_(state_) {
  state_.journal().SetObserver([this](const JournalEntry& entry) { metrics_.Count(entry); });
}

// The journal (in state_) outlives metrics_: nothing may count into them.
MockService::~MockService() { state_.journal().SetObserver(nullptr); }

void MockService::Handle(http::Request request, std::shared_ptr<http::Exchange> exchange) {
  if (absl::StartsWith(request.path, kAdminPrefix)) {
    admin_.Handle(request, std::move(exchange));
    return;
  }
  if (request.path == kMetricsPath && request.method == "GET") {
    exchange->Respond(http::MakeResponse(200, kMetricsContentType, metrics_.Exposition()));
    return;
  }
  int64_t seq = JournalRequest(state_, request);
  if (request.path == kVideosPath && request.method == "POST") {
    videos_.Handle(request, seq, std::move(exchange));
  } else if (request.path == kTasksPath && request.method == "POST") {
    tasks_.Handle(request, seq, std::move(exchange));
  } else if (MediaEndpoint::Serves(request.path)) {
    media_.Handle(request, seq, *exchange);
  } else {
    AnswerError(state_, seq, *exchange, upstream_api::kErrorApiNotImplemented,
                absl::StrCat("api not implemented: ", request.method, " ", request.path,
                             " (this API has POST ", kVideosPath, " and POST ",
                             kTasksPath, ")"),
                Scenario());
  }
}

}  // namespace seedance::mock_upstream
