// HttpApi: the gateway's gRPC API as HTTP/JSON, for browsers and curl, on
// the project's event-driven HTTP server (--http_listen). Each request is
// matched to its route (the google.api.http options of the proto), turned
// into the RPC's request message (json_request.h), and sent to the gateway's
// own gRPC service over an in-process channel, so that authentication
// (Authorization: Bearer), validation, limits, idempotency and metrics are
// exactly the gRPC API's; the answer comes back as protobuf JSON, an error
// as google.rpc.Status JSON with the HTTP status of its code
// (http_errors.h). The caller's traceparent goes in, the call's comes back.
// The watch streams (WatchVideoTask, CreateAndWatchVideoTask) are
// Server-Sent Events (sse_events.h), resumed with Last-Event-ID;
// ReadVideoContent is the file itself (content_http.h: Range, ETag). A GET
// may carry its token as ?access_token= for what cannot set headers.
//
//   absl::StatusOr<std::unique_ptr<HttpApi>> api = HttpApi::Create(
//       grpc_server->InProcessChannel({}), service);
//   http::Server::Start(options, [&](auto request, auto exchange) {
//     (*api)->Handle(std::move(request), std::move(exchange));
//   });
#ifndef SEEDANCE_SERVER_HTTP_API_HTTP_API_H_
#define SEEDANCE_SERVER_HTTP_API_HTTP_API_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "http/exchange.h"
#include "http/http_message.h"
#include "server/http_api/cors.h"
#include "server/http_api/http_routes.h"

namespace seedance::server::http_api {

class HttpApi {
 public:
  struct Options {
    // Origins browsers may call from (CORS, cors.h); empty: none.
    std::vector<std::string> cors_origins;
  };

  // INVALID_ARGUMENT when the service's HTTP rules cannot be served.
  static absl::StatusOr<std::unique_ptr<HttpApi>> Create(
      std::shared_ptr<grpc::Channel> channel, const google::protobuf::ServiceDescriptor& service,
      Options options = {});

  // Answers `request` (now or later, from a gRPC thread). Never blocks.
  // Thread-safe.
  void Handle(http::Request request, std::shared_ptr<http::Exchange> exchange);

  // Waits until no call is in flight, for at most `timeout`; whether none
  // is. Shutdown calls it after gRPC's shutdown, before the HTTP server
  // goes. Thread-safe.
  bool AwaitIdle(absl::Duration timeout) const;

  const HttpRoutes& routes() const { return routes_; }

 private:
  HttpApi(std::shared_ptr<grpc::Channel> channel, HttpRoutes routes, Options options)
      : stub_(std::move(channel)),
        routes_(std::move(routes)),
        cors_(std::move(options.cors_origins)) {}

  // Serves a server-streaming RPC: a watch as Server-Sent Events, a
  // content read as the file (Range, ETag).
  void StartStream(const HttpRoute& route, const http::Request& request,
                   google::protobuf::Message& message, std::shared_ptr<http::Exchange> exchange);
  // A GET without an Authorization header may carry the token as
  // ?access_token= (a <video src> or an EventSource cannot set headers): it
  // becomes the header and leaves the query.
  static void TakeAccessToken(http::Request& request);
  // The caller's Authorization and traceparent, as the gRPC call's metadata.
  static void ForwardMetadata(const http::Request& request, grpc::ClientContext& context);
  // Counts the calls in flight (AwaitIdle).
  void CallStarted();
  void CallEnded();

  grpc::GenericStub stub_;
  const HttpRoutes routes_;
  const CorsPolicy cors_;
  mutable absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_HTTP_API_H_
