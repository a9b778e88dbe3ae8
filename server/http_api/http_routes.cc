#include "server/http_api/http_routes.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"

namespace seedance::server::http_api {
namespace {

absl::Status AddRule(const google::protobuf::MethodDescriptor& rpc,
                     const google::api::HttpRule& rule, std::vector<HttpRoute>& out) {
  std::string verb;
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      verb = "GET";
      path = rule.get();
      break;
    case google::api::HttpRule::kPut:
      verb = "PUT";
      path = rule.put();
      break;
    case google::api::HttpRule::kPost:
      verb = "POST";
      path = rule.post();
      break;
    case google::api::HttpRule::kDelete:
      verb = "DELETE";
      path = rule.delete_();
      break;
    case google::api::HttpRule::kPatch:
      verb = "PATCH";
      path = rule.patch();
      break;
    case google::api::HttpRule::kCustom:
      verb = rule.custom().kind();
      path = rule.custom().path();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(rpc.full_name(), ": an HTTP rule without a verb"));
  }
  if (!rule.body().empty() && rule.body() != "*") {
    return absl::InvalidArgumentError(absl::StrCat(rpc.full_name(), ": body \"", rule.body(),
                                                   "\": only \"*\" or none is supported"));
  }
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(rpc.full_name(), ": ", parsed.status().message()));
  }
  out.push_back({.verb = std::move(verb),
                 .path = *std::move(parsed),
                 .rpc = &rpc,
                 .body = rule.body(),
                 .grpc_method = absl::StrCat("/", rpc.service()->full_name(), "/", rpc.name())});
  for (const google::api::HttpRule& more : rule.additional_bindings()) {
    if (absl::Status s = AddRule(rpc, more, out); !s.ok()) return s;
  }
  return absl::OkStatus();
}

bool HasVerb(const HttpRoute& route) {
  const std::string& text = route.path.text();
  size_t close = text.rfind('}');
  size_t colon = text.rfind(':');
  return colon != std::string::npos && (close == std::string::npos || colon > close);
}

}  // namespace

absl::StatusOr<HttpRoutes> HttpRoutes::Of(const google::protobuf::ServiceDescriptor& service) {
  HttpRoutes routes;
  for (int i = 0; i < service.method_count(); ++i) {
    const google::protobuf::MethodDescriptor& rpc = *service.method(i);
    if (!rpc.options().HasExtension(google::api::http)) continue;
    if (absl::Status s =
            AddRule(rpc, rpc.options().GetExtension(google::api::http), routes.routes_);
        !s.ok()) {
      return s;
    }
  }
  std::stable_partition(routes.routes_.begin(), routes.routes_.end(), HasVerb);
  return routes;
}

HttpRoutes::Found HttpRoutes::Find(absl::string_view verb, absl::string_view path) const {
  Found found;
  for (const HttpRoute& route : routes_) {
    std::optional<PathTemplate::Bindings> bindings = route.path.Match(path);
    if (!bindings.has_value()) continue;
    if (route.verb == verb) {
      found.route = &route;
      found.bindings = *std::move(bindings);
      found.allowed.clear();
      return found;
    }
    if (std::find(found.allowed.begin(), found.allowed.end(), route.verb) == found.allowed.end()) {
      found.allowed.push_back(route.verb);
    }
  }
  return found;
}

}  // namespace seedance::server::http_api
