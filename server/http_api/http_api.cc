#include "server/http_api/http_api.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/trace_context.h"
#include "google/rpc/status.pb.h"
#include "server/http_api/http_errors.h"
#include "server/http_api/json_request.h"

namespace seedance::server::http_api {
namespace {

// One unary call in flight: what the gRPC call and the HTTP exchange share.
struct UnaryCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  const HttpRoute* route = nullptr;
  std::shared_ptr<http::Exchange> exchange;
};

google::rpc::Status RpcStatusOf(const grpc::Status& status) {
  google::rpc::Status rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) return rpc;
  rpc.set_code(status.error_code());
  rpc.set_message(status.error_message());
  return rpc;
}

// The response's traceparent (the trace the call ran in), for the caller.
void AddTraceHeader(const grpc::ClientContext& context, http::Response& response) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find(kTraceparentHeader);
  if (it != metadata.end()) {
    response.headers.push_back(
        {std::string(kTraceparentHeader), std::string(it->second.data(), it->second.size())});
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpApi>> HttpApi::Create(
    std::shared_ptr<grpc::Channel> channel, const google::protobuf::ServiceDescriptor& service) {
  absl::StatusOr<HttpRoutes> routes = HttpRoutes::Of(service);
  if (!routes.ok()) return routes.status();
  return std::unique_ptr<HttpApi>(new HttpApi(std::move(channel), *std::move(routes)));
}

void HttpApi::Handle(http::Request request, std::shared_ptr<http::Exchange> exchange) {
  HttpRoutes::Found found = routes_.Find(request.method, request.path);
  if (found.route == nullptr) {
    if (found.allowed.empty()) {
      return exchange->Respond(ErrorResponse(
          absl::NotFoundError(absl::StrCat("no route ", request.method, " ", request.path))));
    }
    http::Response refused = ErrorResponse(absl::UnimplementedError(absl::StrCat(
        request.path, " answers ", absl::StrJoin(found.allowed, ", "), ", not ", request.method)));
    refused.status = 405;
    refused.headers.push_back({"Allow", absl::StrJoin(found.allowed, ", ")});
    return exchange->Respond(std::move(refused));
  }
  const HttpRoute& route = *found.route;
  if (route.rpc->server_streaming()) {
    return exchange->Respond(ErrorResponse(absl::UnimplementedError(absl::StrCat(
        route.rpc->name(), " is a stream: call it over gRPC (not served over HTTP yet)"))));
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
      BuildRequest(route, found.bindings, request.query, request.body);
  if (!message.ok()) return exchange->Respond(ErrorResponse(message.status()));

  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  auto call = std::make_shared<UnaryCall>();
  call->route = &route;
  call->exchange = exchange;
  if (const std::string* authorization = request.FindHeader("Authorization")) {
    call->context.AddMetadata("authorization", *authorization);
  }
  if (const std::string* traceparent = request.FindHeader(kTraceparentHeader)) {
    call->context.AddMetadata(std::string(kTraceparentHeader), *traceparent);
  }
  std::string bytes = (*message)->SerializeAsString();
  grpc::Slice slice(bytes);
  call->request = grpc::ByteBuffer(&slice, 1);
  // A client that goes away cancels its call (a create already stored
  // stays, as over gRPC).
  exchange->OnClientGone([weak = std::weak_ptr<UnaryCall>(call)] {
    if (std::shared_ptr<UnaryCall> alive = weak.lock()) alive->context.TryCancel();
  });
  stub_.UnaryCall(&call->context, route.grpc_method, grpc::StubOptions(), &call->request,
                  &call->response, [this, call](grpc::Status status) {
                    http::Response answer;
                    if (!status.ok()) {
                      answer = ErrorResponse(RpcStatusOf(status));
                    } else {
                      std::unique_ptr<google::protobuf::Message> reply(
                          google::protobuf::MessageFactory::generated_factory()
                              ->GetPrototype(call->route->rpc->output_type())
                              ->New());
                      std::vector<grpc::Slice> slices;
                      std::string wire;
                      if (call->response.Dump(&slices).ok()) {
                        for (const grpc::Slice& s : slices) {
                          wire.append(reinterpret_cast<const char*>(s.begin()), s.size());
                        }
                      }
                      if (!reply->ParseFromString(wire)) {
                        answer = ErrorResponse(absl::InternalError("the answer did not parse"));
                      } else {
                        answer = http::MakeResponse(200, "application/json", ToJson(*reply) + "\n");
                      }
                    }
                    AddTraceHeader(call->context, answer);
                    call->exchange->Respond(std::move(answer));
                    CallEnded();
                  });
}

void HttpApi::CallEnded() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

bool HttpApi::AwaitIdle(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
  return mu_.AwaitWithTimeout(absl::Condition(&idle), timeout);
}

}  // namespace seedance::server::http_api
