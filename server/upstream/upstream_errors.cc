#include "server/upstream/upstream_errors.h"

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "upstream_api/status_details.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::server::upstream {
namespace {

constexpr absl::string_view kNotProcessedPayload =
    "type.seedance.dev/seedance.server.UpstreamDidNotProcess";
// Retry delay when a 429 or 503 gives none.
constexpr absl::Duration kDefaultRetryDelay = absl::Seconds(1);
// Upstream messages are quoted in errors; keep them short.
constexpr size_t kMaxQuotedBody = 200;

absl::StatusCode CodeFor(int http, absl::string_view upstream_code, CallKind kind) {
  switch (http) {
    case 400:
      return upstream_code == upstream_api::kErrorTokenMismatched
                 ? absl::StatusCode::kPermissionDenied
                 : absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 408: return absl::StatusCode::kDeadlineExceeded;
    case 413: return absl::StatusCode::kInvalidArgument;
    case 429: return absl::StatusCode::kResourceExhausted;
    case 503: return absl::StatusCode::kUnavailable;
    case 500:
    case 502:
    case 504:
      return kind == CallKind::kRetrieve ? absl::StatusCode::kUnavailable
                                         : absl::StatusCode::kInternal;
    default: return absl::StatusCode::kUnknown;
  }
}

std::string Truncate(absl::string_view text) {
  if (text.size() <= kMaxQuotedBody) return std::string(text);
  return absl::StrCat(text.substr(0, kMaxQuotedBody), "...");
}

}  // namespace

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  absl::string_view v = absl::StripAsciiWhitespace(value);
  int64_t seconds = 0;
  if (absl::SimpleAtoi(v, &seconds)) {
    if (seconds < 0) return std::nullopt;
    return absl::Seconds(seconds);
  }
  absl::Time when;
  std::string error;
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(v), &when, &error)) {
    return std::max(when - now, absl::ZeroDuration());
  }
  return std::nullopt;
}

absl::Status MapUpstreamHttpError(const http::curl::HttpReply& reply, CallKind kind, absl::Time now) {
  // The documented error body; other bodies (an HTML 502 page) still map by
  // HTTP status alone.
  std::string upstream_code;
  std::string upstream_message;
  std::string trace_id;
  absl::StatusOr<seedance::upstream::v1::ErrorResponse> body = upstream_api::ParseErrorResponse(reply.body);
  if (body.ok()) {
    upstream_code = body->error().code();
    upstream_message = body->error().message();
    trace_id = body->trace_id();
  }
  absl::StatusCode code = CodeFor(reply.status, upstream_code, kind);
  std::string message =
      upstream_code.empty()
          ? absl::StrCat("upstream answered HTTP ", reply.status,
                         reply.body.empty() ? "" : ": ",
                         Truncate(absl::StripAsciiWhitespace(reply.body)))
          : absl::StrCat("upstream answered HTTP ", reply.status, " ", upstream_code,
                         upstream_message.empty() ? "" : ": ", Truncate(upstream_message));
  absl::Status status(code, message);

  std::map<std::string, std::string> metadata = {
      {"http_status", absl::StrCat(reply.status)}};
  if (!upstream_code.empty()) metadata["upstream_code"] = upstream_code;
  if (!trace_id.empty()) metadata["trace_id"] = trace_id;
  std::string reason = upstream_code.empty() ? absl::StrCat("UPSTREAM_HTTP_", reply.status)
                                             : absl::AsciiStrToUpper(upstream_code);
  status = upstream_api::WithErrorInfo(std::move(status), reason, kUpstreamErrorDomain, metadata);

  if (reply.status == 429 || reply.status == 503) {
    std::optional<absl::Duration> delay;
    if (const std::string* retry_after = reply.FindHeader("retry-after")) {
      delay = ParseRetryAfter(*retry_after, now);
    }
    status = upstream_api::WithRetryDelay(std::move(status), delay.value_or(kDefaultRetryDelay));
    status.SetPayload(kNotProcessedPayload, absl::Cord("1"));
  }
  return status;
}

bool SafeToResubmit(const absl::Status& status) {
  return http::curl::RequestNeverSent(status) || status.GetPayload(kNotProcessedPayload).has_value();
}

bool UpstreamAnswered(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info =
      upstream_api::GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() && info->domain() == kUpstreamErrorDomain;
}

}  // namespace seedance::server::upstream
