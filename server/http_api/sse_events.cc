#include "server/http_api/sse_events.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/http_api/http_errors.h"
#include "server/http_api/json_request.h"
#include "upstream_api/status_details.h"

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

namespace {

std::string EventOf(const std::string& bytes) {
  v1::WatchVideoTaskResponse message;
  if (!message.ParseFromString(bytes)) {
    return SseErrorEvent(
        upstream_api::ToRpcStatus(absl::InternalError("a watch message did not parse")));
  }
  return SseEvent(message);
}

http::Response StreamHead() {
  http::Response head;
  head.status = 200;
  // X-Accel-Buffering: a proxy in front (nginx) must not hold events back.
  head.headers = {{"Content-Type", "text/event-stream"},
                  {"Cache-Control", "no-cache"},
                  {"X-Accel-Buffering", "no"}};
  return head;
}

}  // namespace

StreamFormat::Start SseFormat::First(const std::string& message) {
  return {.head = StreamHead(), .bytes = SseRetryHint() + EventOf(message)};
}

std::string SseFormat::Next(const std::string& message) { return EventOf(message); }

http::Response SseFormat::Ended(const google::rpc::Status& status) {
  if (status.code() != 0) return ErrorResponse(status);
  // Nothing to send (a resumed watch of a task that had ended).
  http::Response empty = StreamHead();
  empty.body = SseRetryHint();
  return empty;
}

std::string SseFormat::FailedAfterStart(const google::rpc::Status& status) {
  return SseErrorEvent(status);
}

}  // namespace seedance::server::http_api
