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
#include "http/http_url.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/http_api/content_http.h"
#include "server/http_api/http_errors.h"
#include "server/http_api/json_request.h"
#include "server/http_api/sse_events.h"
#include "server/http_api/stream_call.h"
#include "upstream_api/status_details.h"

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

}  // namespace

absl::StatusOr<std::unique_ptr<HttpApi>> HttpApi::Create(
    std::shared_ptr<grpc::Channel> channel, const google::protobuf::ServiceDescriptor& service,
    Options options) {
  absl::StatusOr<HttpRoutes> routes = HttpRoutes::Of(service);
  if (!routes.ok()) return routes.status();
  return std::unique_ptr<HttpApi>(
      new HttpApi(std::move(channel), *std::move(routes), std::move(options)));
}

void HttpApi::Handle(http::Request request, std::shared_ptr<http::Exchange> exchange) {
  // Answers to an allowed origin carry the CORS headers.
  exchange = cors_.Wrap(request, std::move(exchange));
  HttpRoutes::Found found = routes_.Find(request.method, request.path);
  if (request.method == "OPTIONS" && found.route == nullptr && !found.allowed.empty() &&
      request.FindHeader("Access-Control-Request-Method") != nullptr) {
    return exchange->Respond(cors_.Preflight(request, found.allowed));
  }
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
  TakeAccessToken(request);
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
      BuildRequest(route, found.bindings, request.query, request.body);
  if (!message.ok()) return exchange->Respond(ErrorResponse(message.status()));
  if (route.rpc->server_streaming()) {
    return StartStream(route, request, **message, std::move(exchange));
  }

  CallStarted();
  auto call = std::make_shared<UnaryCall>();
  call->route = &route;
  call->exchange = exchange;
  ForwardMetadata(request, call->context);
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
                      if (!reply->ParseFromString(BytesOf(call->response))) {
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

void HttpApi::TakeAccessToken(http::Request& request) {
  if (request.method != "GET" || request.FindHeader("Authorization") != nullptr) return;
  std::vector<http::QueryParam> params = http::ParseQuery(request.query);
  std::vector<std::string> kept;
  for (const auto& [name, value] : params) {
    if (name == "access_token") {
      request.headers.push_back({"Authorization", absl::StrCat("Bearer ", value)});
    } else {
      kept.push_back(absl::StrCat(http::PercentEncode(name), "=", http::PercentEncode(value)));
    }
  }
  request.query = absl::StrJoin(kept, "&");
}

void HttpApi::StartStream(const HttpRoute& route, const http::Request& request,
                          google::protobuf::Message& message,
                          std::shared_ptr<http::Exchange> exchange) {
  std::unique_ptr<StreamFormat> format;
  if (auto* watch = dynamic_cast<v1::WatchVideoTaskRequest*>(&message)) {
    // EventSource reconnects with the last id it saw: resume after it,
    // unless the query names a point itself.
    const std::string* last_event_id = request.FindHeader("Last-Event-ID");
    if (!watch->has_after_sequence() && last_event_id != nullptr) {
      if (std::optional<uint64_t> after = ResumeAfter(*last_event_id)) {
        watch->set_after_sequence(*after);
      }
    }
  }
  if (auto* read = dynamic_cast<v1::ReadVideoContentRequest*>(&message)) {
    const std::string* range_header = request.FindHeader("Range");
    std::optional<ByteRange> range;
    if (range_header != nullptr && read->offset() == 0 && read->length() == 0) {
      range = ParseRange(*range_header);
      if (range.has_value()) {
        read->set_offset(range->offset);
        read->set_length(range->length);
      }
    }
    const std::string* if_none_match = request.FindHeader("If-None-Match");
    format = std::make_unique<ContentFormat>(range.has_value(),
                                             if_none_match != nullptr ? *if_none_match : "");
  } else if (route.rpc->output_type() == v1::WatchVideoTaskResponse::descriptor()) {
    format = std::make_unique<SseFormat>();
  } else {
    return exchange->Respond(ErrorResponse(absl::UnimplementedError(
        absl::StrCat(route.rpc->name(), " is not served over HTTP: call it over gRPC"))));
  }
  CallStarted();
  auto* call = new StreamCall(std::move(format), std::move(exchange), message.SerializeAsString(),
                              [this] { CallEnded(); });
  ForwardMetadata(request, call->context());
  call->Start(stub_, route.grpc_method);
}

void HttpApi::ForwardMetadata(const http::Request& request, grpc::ClientContext& context) {
  if (const std::string* authorization = request.FindHeader("Authorization")) {
    context.AddMetadata("authorization", *authorization);
  }
  if (const std::string* traceparent = request.FindHeader(kTraceparentHeader)) {
    context.AddMetadata(std::string(kTraceparentHeader), *traceparent);
  }
}

void HttpApi::CallStarted() {
  absl::MutexLock lock(&mu_);
  ++in_flight_;
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
