// The HTTP routes of a gRPC service, read from its methods' google.api.http
// options (proto/seedance/v1/video_gateway.proto declares them; nothing here
// names a route), and the lookup of a request's verb and path among them.
//
//   absl::StatusOr<HttpRoutes> routes = HttpRoutes::Of(service);
//   HttpRoutes::Found found = routes->Find("GET", "/v1/videoTasks/abc");
//   // found.route->rpc is GetVideoTask, found.bindings {task_id: "abc"}
#ifndef SEEDANCE_SERVER_HTTP_API_HTTP_ROUTES_H_
#define SEEDANCE_SERVER_HTTP_API_HTTP_ROUTES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "server/http_api/path_template.h"

namespace seedance::server::http_api {

struct HttpRoute {
  std::string verb;  // "GET", "POST", ...
  PathTemplate path;
  const google::protobuf::MethodDescriptor* rpc = nullptr;
  // The request field the body fills: "*" (the whole request) or "" (no body).
  std::string body;
  // "/package.Service/Method", for a generic gRPC call.
  std::string grpc_method;
};

class HttpRoutes {
 public:
  // Every method of `service` with a google.api.http option (and its
  // additional bindings). INVALID_ARGUMENT for a rule the gateway cannot
  // serve (a bad template, a body naming a single field).
  static absl::StatusOr<HttpRoutes> Of(const google::protobuf::ServiceDescriptor& service);

  struct Found {
    // The route, or null: no route has this path (404), or none has it
    // with this verb (405; `allowed` lists the verbs that do).
    const HttpRoute* route = nullptr;
    PathTemplate::Bindings bindings;
    std::vector<std::string> allowed;
  };
  // Routes with a custom verb are tried before those without.
  Found Find(absl::string_view verb, absl::string_view path) const;

  const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  std::vector<HttpRoute> routes_;
};

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_HTTP_ROUTES_H_
