#include "server/upstream/callback_receiver.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "upstream_api/upstream_json.h"

namespace seedance::server::upstream {
namespace {

http::Response Json(int status, absl::string_view body) {
  return http::Response{status, {{"Content-Type", "application/json"}}, std::string(body)};
}

}  // namespace

absl::StatusOr<ParsedCallback> ParseCallbackRequest(const http::Request& request) {
  absl::string_view path = request.path;
  if (!absl::ConsumePrefix(&path, CallbackReceiver::kPathPrefix) ||
      !absl::ConsumePrefix(&path, "/")) {
    return absl::NotFoundError("not a callback path");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
    return absl::NotFoundError("a callback path is /v1/upstream-callbacks/<task>/<secret>");
  }
  if (request.method != "POST") return absl::UnimplementedError("callbacks are POSTed");
  absl::StatusOr<seedance::upstream::v1::VideosResponse> answer =
      upstream_api::ParseVideosResponse(request.body);
  if (!answer.ok()) return answer.status();
  return ParsedCallback{std::string(parts[0]), std::string(parts[1]), *std::move(answer)};
}

http::Response CallbackResponse(const absl::Status& outcome) {
  switch (outcome.code()) {
    case absl::StatusCode::kOk:
      return Json(200, R"({"received":true})");
    case absl::StatusCode::kNotFound:
      return Json(404, R"({"error":"unknown task"})");
    case absl::StatusCode::kPermissionDenied:
      return Json(403, R"({"error":"wrong secret"})");
    case absl::StatusCode::kUnimplemented:
      return http::Response{405, {{"Allow", "POST"}}, ""};
    case absl::StatusCode::kInvalidArgument:
      return Json(400, R"({"error":"the body is not a videos result"})");
    case absl::StatusCode::kFailedPrecondition:
      return Json(409, R"({"error":"the body names another task than the URL"})");
    default:
      // Not stored: ask the upstream to try again.
      return Json(503, R"({"error":"try again"})");
  }
}

stats::CallbackResult CallbackResultOf(const absl::Status& outcome, bool task_had_ended) {
  switch (outcome.code()) {
    case absl::StatusCode::kOk:
      return task_had_ended ? stats::CallbackResult::kDuplicate : stats::CallbackResult::kApplied;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
      return stats::CallbackResult::kRefused;  // a 4xx: not sent again
    default:
      return stats::CallbackResult::kRetryLater;  // a 503
  }
}

absl::StatusOr<std::unique_ptr<CallbackReceiver>> CallbackReceiver::Start(
    const Options& options, Sink sink) {
  http::ServerOptions server_options;
  server_options.address = options.address;
  server_options.port = options.port;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.header_timeout = options.header_timeout;
  auto handler = [sink = std::move(sink), stats = options.stats](
                     http::Request request, std::shared_ptr<http::Exchange> exchange) {
    absl::StatusOr<ParsedCallback> parsed = ParseCallbackRequest(request);
    if (!parsed.ok()) {
      stats->CallbackReceived(CallbackResultOf(parsed.status(), false));
      Log(LogLevel::kWarning, "upstream_callback_refused",
          {{"from", request.remote_address}, {"error", parsed.status().message()}});
      exchange->Respond(CallbackResponse(parsed.status()));
      return;
    }
    sink(*std::move(parsed), [exchange](absl::Status outcome) {
      exchange->Respond(CallbackResponse(outcome));
    });
  };
  absl::StatusOr<std::unique_ptr<http::Server>> server =
      http::Server::Start(server_options, std::move(handler));
  if (!server.ok()) return server.status();
  return std::unique_ptr<CallbackReceiver>(new CallbackReceiver(*std::move(server)));
}

}  // namespace seedance::server::upstream
