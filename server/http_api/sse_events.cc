#include "server/http_api/sse_events.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/http_api/json_request.h"

namespace seedance::server::http_api {

std::string SseRetryHint() {
  return absl::StrCat("retry: ", absl::ToInt64Milliseconds(kSseRetry), "\n\n");
}

std::string SseEvent(const v1::WatchVideoTaskResponse& message) {
  // Protobuf's JSON is one line: no "data:" continuation lines needed.
  if (message.has_heartbeat())
    return absl::StrCat(": heartbeat ", ToJson(message.heartbeat()), "\n\n");
  return absl::StrCat("id: ", message.status().sequence(),
                      "\nevent: status\ndata: ", ToJson(message.status()), "\n\n");
}

std::string SseErrorEvent(const google::rpc::Status& status) {
  return absl::StrCat("event: error\ndata: ", ToJson(status), "\n\n");
}

std::optional<uint64_t> ResumeAfter(absl::string_view last_event_id) {
  uint64_t sequence = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(last_event_id), &sequence)) return std::nullopt;
  return sequence;
}

}  // namespace seedance::server::http_api
