#include "server/http_api/http_errors.h"

#include <cmath>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "upstream_api/status_details.h"

namespace seedance::server::http_api {

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    default:
      return 500;
  }
}

http::Response ErrorResponse(const google::rpc::Status& status) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(status, &json).ok()) {
    // A detail of a type this binary does not know: the rest still tells.
    google::rpc::Status plain;
    plain.set_code(status.code());
    plain.set_message(status.message());
    (void)google::protobuf::util::MessageToJsonString(plain, &json);
  }
  http::Response response = http::MakeResponse(
      HttpStatusOf(static_cast<absl::StatusCode>(status.code())), "application/json", json + "\n");
  std::optional<absl::Duration> delay =
      upstream_api::RetryDelayOf(upstream_api::FromRpcStatus(status));
  if (delay.has_value()) {
    response.headers.push_back({"Retry-After", absl::StrCat(static_cast<int64_t>(
                                                   std::ceil(absl::ToDoubleSeconds(*delay))))});
  }
  return response;
}

http::Response ErrorResponse(const absl::Status& status) {
  return ErrorResponse(upstream_api::ToRpcStatus(status));
}

}  // namespace seedance::server::http_api
