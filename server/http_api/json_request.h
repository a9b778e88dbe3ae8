// The gRPC request an HTTP call stands for, built by protobuf's own JSON
// mapping: the body (for a route with body "*") parsed as the request
// message's JSON, the path's variables set on their fields, and the query's
// parameters on theirs (scalars, enums by name or number, repeated fields
// by repeating the parameter; proto or JSON field names). Whatever does not
// fit is INVALID_ARGUMENT with a BadRequest naming it, as the gRPC API's
// own validation does.
//
//   absl::StatusOr<std::unique_ptr<google::protobuf::Message>> request =
//       BuildRequest(*route, found.bindings, request.query, request.body);
#ifndef SEEDANCE_SERVER_HTTP_API_JSON_REQUEST_H_
#define SEEDANCE_SERVER_HTTP_API_JSON_REQUEST_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "server/http_api/http_routes.h"

namespace seedance::server::http_api {

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
    const HttpRoute& route, const PathTemplate::Bindings& bindings, absl::string_view query,
    absl::string_view body);

// `message` as protobuf JSON (lowerCamelCase names, enums by name).
std::string ToJson(const google::protobuf::Message& message);

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_JSON_REQUEST_H_
