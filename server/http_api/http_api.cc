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
#include "seedance/v1/video_gateway.pb.h"
#include "server/http_api/http_errors.h"
#include "server/http_api/json_request.h"
#include "server/http_api/sse_events.h"
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

// One watch stream as Server-Sent Events: the gRPC stream read one message
// at a time, each written as an event before the next is read, so a slow
// HTTP client slows only its own stream (and one that takes nothing for a
// minute ends it). Errors before the first message are an ordinary JSON
// error; after it, an "error" event. Deletes itself in OnDone.
class SseCall : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  SseCall(std::shared_ptr<http::Exchange> exchange, grpc::ByteBuffer request,
          std::function<void()> ended)
      : exchange_(std::move(exchange)),
        request_(std::move(request)),
        ended_(std::move(ended)),
        shared_(std::make_shared<Shared>()) {
    shared_->call = this;
  }

  grpc::ClientContext& context() { return context_; }

  void Start(grpc::GenericStub& stub, const std::string& method) {
    exchange_->OnClientGone([shared = shared_] {
      absl::MutexLock lock(&shared->mu);
      if (shared->call != nullptr) shared->call->context_.TryCancel();
    });
    stub.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    // Held until no read will start again: OnDone never runs while a
    // written event's callback may still start one.
    AddHold();
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&incoming_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return RemoveHold();  // the stream ended: OnDone says how
    v1::WatchVideoTaskResponse message;
    std::string event;
    if (!ParseInto(incoming_, message)) {
      event = SseErrorEvent(
          upstream_api::ToRpcStatus(absl::InternalError("a watch message did not parse")));
      context_.TryCancel();
    } else {
      event = SseEvent(message);
    }
    if (stream_ == nullptr) {
      http::Response head;
      head.status = 200;
      head.headers = {{"Content-Type", "text/event-stream"},
                      {"Cache-Control", "no-cache"},
                      {"X-Accel-Buffering", "no"}};
      AddTraceHeader(context_, head);
      stream_ = exchange_->StartStream(std::move(head));
      event = SseRetryHint() + event;
    }
    // The hold keeps the call alive until this runs (RemoveHold may run
    // OnDone at once, so not under the lock).
    stream_->Write(std::move(event), [call = this](bool written) {
      if (written) return call->StartRead(&call->incoming_);
      call->context_.TryCancel();  // the client is gone
      call->RemoveHold();
    });
  }

  void OnDone(const grpc::Status& status) override {
    {
      absl::MutexLock lock(&shared_->mu);
      shared_->call = nullptr;
    }
    if (stream_ == nullptr) {
      if (status.ok()) {
        // Nothing to send (a resumed watch of a task that had ended).
        http::Response head;
        head.status = 200;
        head.headers = {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
        AddTraceHeader(context_, head);
        std::shared_ptr<http::ResponseStream> empty = exchange_->StartStream(std::move(head));
        empty->Write(SseRetryHint(), nullptr);
        empty->End();
      } else {
        http::Response error = ErrorResponse(RpcStatusOf(status));
        AddTraceHeader(context_, error);
        exchange_->Respond(std::move(error));
      }
    } else {
      if (!status.ok()) stream_->Write(SseErrorEvent(RpcStatusOf(status)), nullptr);
      stream_->End();
    }
    std::function<void()> ended = std::move(ended_);
    delete this;
    if (ended) ended();
  }

 private:
  // What the write callbacks and the client-gone callback share with the
  // call: null once it is done.
  struct Shared {
    absl::Mutex mu;
    SseCall* call ABSL_GUARDED_BY(mu) = nullptr;
  };

  static bool ParseInto(const grpc::ByteBuffer& buffer, google::protobuf::Message& message) {
    std::vector<grpc::Slice> slices;
    if (!buffer.Dump(&slices).ok()) return false;
    std::string wire;
    for (const grpc::Slice& s : slices)
      wire.append(reinterpret_cast<const char*>(s.begin()), s.size());
    return message.ParseFromString(wire);
  }

  grpc::ClientContext context_;
  std::shared_ptr<http::Exchange> exchange_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer incoming_;
  std::shared_ptr<http::ResponseStream> stream_;
  std::function<void()> ended_;
  std::shared_ptr<Shared> shared_;
};

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
  const bool watch = route.rpc->output_type() == v1::WatchVideoTaskResponse::descriptor();
  if (route.rpc->server_streaming() && !watch) {
    return exchange->Respond(ErrorResponse(absl::UnimplementedError(
        absl::StrCat(route.rpc->name(), " is not served over HTTP yet: call it over gRPC"))));
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> message =
      BuildRequest(route, found.bindings, request.query, request.body);
  if (!message.ok()) return exchange->Respond(ErrorResponse(message.status()));
  if (watch) return StartWatch(route, request, **message, std::move(exchange));

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

void HttpApi::StartWatch(const HttpRoute& route, const http::Request& request,
                         google::protobuf::Message& message,
                         std::shared_ptr<http::Exchange> exchange) {
  // EventSource reconnects with the last id it saw: resume after it, unless
  // the query names a point itself.
  auto* watch = dynamic_cast<v1::WatchVideoTaskRequest*>(&message);
  const std::string* last_event_id = request.FindHeader("Last-Event-ID");
  if (watch != nullptr && !watch->has_after_sequence() && last_event_id != nullptr) {
    if (std::optional<uint64_t> after = ResumeAfter(*last_event_id)) {
      watch->set_after_sequence(*after);
    }
  }
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  auto* call =
      new SseCall(std::move(exchange), grpc::ByteBuffer(&slice, 1), [this] { CallEnded(); });
  if (const std::string* authorization = request.FindHeader("Authorization")) {
    call->context().AddMetadata("authorization", *authorization);
  }
  if (const std::string* traceparent = request.FindHeader(kTraceparentHeader)) {
    call->context().AddMetadata(std::string(kTraceparentHeader), *traceparent);
  }
  call->Start(stub_, route.grpc_method);
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
