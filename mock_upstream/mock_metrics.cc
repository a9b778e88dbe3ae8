#include "mock_upstream/mock_metrics.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "absl/strings/numbers.h"
#include "mock_upstream/api_call.h"
#include "mock_upstream/media.h"
#include "mock_upstream/replies.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

namespace wire = ::seedance::upstream_api;

// An HTTP status as a label, "other" outside 100-599, "none" if absent.
std::string StatusLabel(absl::string_view text) {
  if (text.empty()) return "none";
  int status = 0;
  if (!absl::SimpleAtoi(text, &status) || status < 100 || status > 599) return "other";
  return std::string(text);
}

}  // namespace

absl::string_view RouteLabel(absl::string_view method, absl::string_view path) {
  if (method == "POST" && path == kVideosPath) return "videos";
  if (method == "POST" && path == kTasksPath) return "tasks";
  if (IsMediaPath(path)) return "media";
  return "other";
}

absl::string_view BoundedLabel(absl::string_view value,
                               std::initializer_list<absl::string_view> known) {
  if (value.empty()) return "none";
  auto it = std::find(known.begin(), known.end(), value);
  return it == known.end() ? absl::string_view("other") : *it;
}

MockMetrics::MockMetrics(const Journal& journal)
    : journal_(journal),
      received_(prometheus::BuildCounter()
                    .Name("seedance_mock_requests_received_total")
                    .Help("Requests the mock received (admin and metrics calls aside), by route.")
                    .Register(registry_)),
      answered_(prometheus::BuildCounter()
                    .Name("seedance_mock_requests_total")
                    .Help("Requests the mock answered, by route, HTTP status, documented error "
                          "code and injected fault.")
                    .Register(registry_)),
      transitions_(prometheus::BuildCounter()
                       .Name("seedance_mock_task_transitions_total")
                       .Help("Status changes of the mock's tasks, by the status entered.")
                       .Register(registry_)),
      callbacks_(prometheus::BuildCounter()
                     .Name("seedance_mock_callbacks_total")
                     .Help("Callback attempts the mock made, by outcome (delivered, rejected: "
                           "a non-2xx answer, failed: no answer, dropped: by a scenario).")
                     .Register(registry_)) {}

void MockMetrics::Count(const JournalEntry& entry) {
  if (entry.kind == "request") {
    received_.Add({{"route", std::string(RouteLabel(entry.Text("method"), entry.Text("path")))}})
        .Increment();
  } else if (entry.kind == "response") {
    CountResponse(entry);
  } else if (entry.kind == "task") {
    absl::string_view status = BoundedLabel(
        entry.Text("status"),
        {wire::kStatusQueued, wire::kStatusPending, wire::kStatusRunning,
         wire::kStatusProcessing, wire::kStatusSucceeded, wire::kStatusFailed,
         wire::kStatusCancelled, wire::kStatusExpired});
    transitions_.Add({{"status", std::string(status)}}).Increment();
  } else if (entry.kind == "callback") {
    absl::string_view outcome =
        BoundedLabel(entry.Text("outcome"), {"delivered", "rejected", "failed", "dropped"});
    callbacks_.Add({{"outcome", std::string(outcome)}}).Increment();
  }
}

void MockMetrics::CountResponse(const JournalEntry& entry) {
  int64_t request_seq = 0;
  (void)absl::SimpleAtoi(entry.Text("request_seq"), &request_seq);
  // The request is journaled before its answer: its entry names the route
  // (unless an admin reset cleared the journal in between).
  absl::string_view route = RouteLabel(journal_.FieldText(request_seq, "method"),
                                       journal_.FieldText(request_seq, "path"));
  absl::string_view error_code = BoundedLabel(
      entry.Text("error_code"),
      {wire::kErrorTokenMismatched, wire::kErrorApiNotImplemented, wire::kErrorInvalidToken,
       wire::kErrorTooManyRequests, wire::kErrorApiError});
  absl::string_view fault = BoundedLabel(
      entry.Text("fault"),
      {FaultName(Fault::kReset), FaultName(Fault::kEmptyReply), FaultName(Fault::kTruncated),
       FaultName(Fault::kMalformedJson), FaultName(Fault::kHtml502),
       FaultName(Fault::kSlowDrip)});
  answered_
      .Add({{"route", std::string(route)},
            {"status", StatusLabel(entry.Text("status"))},
            {"error_code", std::string(error_code)},
            {"fault", std::string(fault)}})
      .Increment();
}

std::string MockMetrics::Exposition() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_.Collect());
  return out.str();
}

}  // namespace seedance::mock_upstream
