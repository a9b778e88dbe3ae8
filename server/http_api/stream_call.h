// StreamCall: one server-streaming RPC answered over HTTP as a streamed body
// (Server-Sent Events for a watch, the file for a content read). It reads
// the gRPC stream one message at a time and writes each as the StreamFormat
// says before it reads the next, so a slow HTTP client slows only its own
// call (and one that takes nothing for a minute ends it); a client that
// leaves cancels the call. An error before the first message is the
// format's ordinary answer; after it, what the format appends. Deletes
// itself once the call is done.
//
//   auto* call = new StreamCall(std::make_unique<SseFormat>(), exchange, request_bytes, ended);
//   call->context().AddMetadata("authorization", token);
//   call->Start(stub, "/seedance.v1.VideoGateway/WatchVideoTask");
#ifndef SEEDANCE_SERVER_HTTP_API_STREAM_CALL_H_
#define SEEDANCE_SERVER_HTTP_API_STREAM_CALL_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "google/rpc/status.pb.h"
#include "http/exchange.h"
#include "http/http_message.h"

namespace seedance::server::http_api {

// How one kind of stream reads over HTTP. Called on gRPC threads, one call
// at a time.
class StreamFormat {
 public:
  virtual ~StreamFormat() = default;

  // For the first message: the answer's head and the first bytes, or a
  // whole answer `instead` (the call is then cancelled: e.g. 304).
  struct Start {
    http::Response head;
    std::string bytes;
    std::optional<http::Response> instead;
  };
  virtual Start First(const std::string& message) = 0;
  // The bytes of each later message.
  virtual std::string Next(const std::string& message) = 0;
  // The answer when the call ends with `status` before any message (OK:
  // an empty stream).
  virtual http::Response Ended(const google::rpc::Status& status) = 0;
  // What is appended when the call fails after the head was sent.
  virtual std::string FailedAfterStart(const google::rpc::Status& status) = 0;
};

class StreamCall : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // `ended` runs once the call is done (and this deleted).
  StreamCall(std::unique_ptr<StreamFormat> format, std::shared_ptr<http::Exchange> exchange,
             std::string request, std::function<void()> ended);

  grpc::ClientContext& context() { return context_; }
  // Starts the call to `method` ("/package.Service/Method") on `stub`.
  void Start(grpc::GenericStub& stub, const std::string& method);

  // grpc::ClientBidiReactor:
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  // What the client-gone callback shares with the call: null once done.
  struct Shared {
    absl::Mutex mu;
    StreamCall* call ABSL_GUARDED_BY(mu) = nullptr;
  };
  // Writes `bytes`, then reads the next message (or stops, the client gone).
  void WriteThenRead(std::string bytes);

  std::unique_ptr<StreamFormat> format_;
  grpc::ClientContext context_;
  std::shared_ptr<http::Exchange> exchange_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer incoming_;
  std::shared_ptr<http::ResponseStream> stream_;
  bool answered_ = false;  // a whole answer went instead of a stream
  std::function<void()> ended_;
  std::shared_ptr<Shared> shared_;
};

// google.rpc.Status of a finished call (its details, if it sent them).
google::rpc::Status RpcStatusOf(const grpc::Status& status);
// Adds the call's traceparent (from the server's initial metadata) to `response`.
void AddTraceHeader(const grpc::ClientContext& context, http::Response& response);
// The bytes of a message buffer.
std::string BytesOf(const grpc::ByteBuffer& buffer);

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_STREAM_CALL_H_
