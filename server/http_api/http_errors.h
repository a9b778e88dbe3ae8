// The HTTP face of the gateway's errors: the HTTP status Google's mapping
// gives each gRPC code (google/rpc/code.proto: NOT_FOUND 404,
// RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, ...), and the answer itself: the
// google.rpc.Status as protobuf JSON, details included (BadRequest field
// paths, ErrorInfo, RetryInfo), with Retry-After when it carries a delay.
//
//   http::Response r = ErrorResponse(upstream_api::ToRpcStatus(status));
#ifndef SEEDANCE_SERVER_HTTP_API_HTTP_ERRORS_H_
#define SEEDANCE_SERVER_HTTP_API_HTTP_ERRORS_H_

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"
#include "http/http_message.h"

namespace seedance::server::http_api {

// The HTTP status of a gRPC code (499 for CANCELLED, as Google's).
int HttpStatusOf(absl::StatusCode code);

// The answer for `status` (not OK): its HTTP status, a JSON body, and
// Retry-After (whole seconds, rounded up) when a RetryInfo says when.
http::Response ErrorResponse(const google::rpc::Status& status);
http::Response ErrorResponse(const absl::Status& status);

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_HTTP_ERRORS_H_
