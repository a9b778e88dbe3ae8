// GatewayClient: a small C++ library over the seedance.v1.VideoGateway stub,
// for programs that want a video without handling streams and retries
// themselves. WatchToEnd follows a task to its terminal state and resumes
// the stream (from the last sequence seen) when the connection drops.
//
//   seedance::client::GatewayClient client(
//       grpc::CreateChannel("127.0.0.1:50051", grpc::InsecureChannelCredentials()), token);
//   seedance::v1::CreateVideoTaskRequest request;
//   request.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
//   request.mutable_spec()->set_prompt("a kitten yawning");
//   absl::StatusOr<seedance::v1::VideoTask> task = client.Create(request);
//   if (!task.ok()) return;  // status_text.h: DescribeStatus(task.status())
//   absl::StatusOr<seedance::v1::VideoTask> done = client.WatchToEnd(
//       task->task_id(), /*after_sequence=*/0,
//       [](const seedance::v1::WatchVideoTaskResponse& m) { std::cout << m.DebugString(); });
//
// Errors are absl::Status with the server's details (BadRequest, ErrorInfo,
// RetryInfo) as payloads; status_text.h prints them. Thread-compatible.
#ifndef SEEDANCE_CLIENTS_CPP_GATEWAY_CLIENT_H_
#define SEEDANCE_CLIENTS_CPP_GATEWAY_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/cpp/video_download.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "seedance/v1/video_gateway.grpc.pb.h"

namespace seedance::client {

struct GatewayClientOptions {
  // Per unary call.
  absl::Duration call_timeout = absl::Seconds(30);
  // WatchToEnd: reconnect attempts in a row before giving up, and the first
  // delay between them (doubling, capped at 10 s).
  int max_reconnects = 20;
  absl::Duration reconnect_delay = absl::Milliseconds(200);
  // Told each time a broken watch stream is about to be resumed: the error
  // that broke it, the sequence it resumes after (none yet: nullopt) and
  // the pause before it does, e.g. to tell a person what is going on.
  std::function<void(const absl::Status& error, std::optional<uint64_t> after_sequence,
                     absl::Duration delay)>
      on_retry;
};

class GatewayClient {
 public:
  using OnMessage = std::function<void(const v1::WatchVideoTaskResponse&)>;

  using Options = GatewayClientOptions;

  GatewayClient(std::shared_ptr<grpc::Channel> channel, std::string token,
                Options options = {});

  absl::StatusOr<v1::VideoTask> Create(const v1::CreateVideoTaskRequest& request);
  absl::StatusOr<v1::VideoTask> Get(const std::string& task_id);
  absl::StatusOr<v1::ListVideoTasksResponse> List(const v1::ListVideoTasksRequest& request);
  absl::StatusOr<v1::VideoTask> Cancel(const std::string& task_id);
  absl::StatusOr<v1::ListModelsResponse> ListModels();

  // Waits until the channel is connected to the gateway, for at most
  // `timeout` (UNAVAILABLE then). `still_waiting`, if set, is told how long
  // it has waited after 1 s and every 5 s after, so a program can say what
  // it is doing instead of hanging silently.
  absl::Status AwaitConnected(absl::Duration timeout,
                              const std::function<void(absl::Duration waited)>& still_waiting = {});

  // grpc.health.v1.Health/Check for `service` ("": the server as a whole),
  // the standard gRPC health check, e.g. for container health checks.
  absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> CheckHealth(
      const std::string& service = "");

  // Streams the task's changes (and heartbeats) to `on_message` until it
  // ends, resuming after dropped connections without repeating a change.
  // Returns the task in its terminal state. `after_sequence` as in
  // WatchVideoTaskRequest.
  absl::StatusOr<v1::VideoTask> WatchToEnd(const std::string& task_id,
                                           std::optional<uint64_t> after_sequence,
                                           const OnMessage& on_message);

  // CreateAndWatchVideoTask, with the same resumption as WatchToEnd once
  // the task id is known.
  absl::StatusOr<v1::VideoTask> CreateAndWatch(const v1::CreateVideoTaskRequest& request,
                                               const OnMessage& on_message);

  // Saves the gateway's copy of a succeeded task's video (or last frame)
  // to `path` with ReadVideoContent: the bytes go to `path` + ".part", a
  // broken stream is resumed from the bytes already there (on_retry is
  // told), the whole file is checked against the SHA-256 the gateway sent,
  // and only then renamed to `path`. While the gateway is still fetching
  // the copy (UNAVAILABLE, CONTENT_PENDING) it waits as the RetryInfo says.
  // Errors: the gateway's (NOT_FOUND, FAILED_PRECONDITION with ErrorInfo
  // CONTENT_NOT_AVAILABLE when it keeps no copy, ...), DATA_LOSS when the
  // bytes do not match the digest, INVALID_ARGUMENT when `path` cannot be
  // written.
  absl::StatusOr<Downloaded> DownloadContent(const std::string& task_id, v1::ResultFile file,
                                             const std::string& path,
                                             const DownloadProgress& on_progress = nullptr);

 private:
  void Prepare(grpc::ClientContext& context, bool deadline) const;
  // Reads a stream to its end; tracks the last event seen.
  absl::Status Drain(grpc::ClientReaderInterface<v1::WatchVideoTaskResponse>& reader,
                     const OnMessage& on_message, std::optional<v1::TaskEvent>& last);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::VideoGateway::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::string token_;
  Options options_;
};

// True for codes after which a dropped watch stream is worth resuming: the
// connection or the gateway went away (UNAVAILABLE, and CANCELLED, which a
// stopping gRPC server sends), or the stream broke.
bool IsRetryableStreamError(const absl::Status& status);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_GATEWAY_CLIENT_H_
