// VideoGatewayService: the seedance.v1.VideoGateway gRPC service on gRPC's
// callback API. Thin by design: each RPC authenticates the caller, hands the
// request to TaskManager, and converts the answer at the Status -> gRPC edge
// (grpc_status.h). Watch streams are WatchReactors. Every RPC continues the
// caller's W3C trace (`traceparent` metadata) or starts one, and answers
// with it in its initial metadata; a create gives it to the task.
//
//   VideoGatewayService service(manager, authenticator, scheduler, clock, {});
//   builder.RegisterService(&service);
#ifndef SEEDANCE_SERVER_SERVICE_VIDEO_GATEWAY_SERVICE_H_
#define SEEDANCE_SERVER_SERVICE_VIDEO_GATEWAY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "base/trace_context.h"
#include "seedance/v1/video_gateway.grpc.pb.h"
#include "server/admission/caller_rate_limit.h"
#include "server/callers/authenticator.h"
#include "server/content/content_store.h"
#include "server/core/task_manager.h"
#include "server/service/content_read_reactor.h"
#include "server/service/watch_reactor.h"

namespace seedance::server::service {

class VideoGatewayService final : public v1::VideoGateway::CallbackService {
 public:
  struct Options {
    WatchReactor::Options watch;
    // RPCs of any kind per second per caller (after authentication); more
    // get RESOURCE_EXHAUSTED (CALLER_RPC_RATE_LIMITED) with RetryInfo.
    // 0: no limit.
    double caller_rpc_rate = 0;
    // RPCs a caller may make at once after being idle.
    double caller_rpc_burst = 1;
    // ReadVideoContent serves kept result files from here, read on
    // content_reads' thread (file reads block); null store: it serves none
    // (FAILED_PRECONDITION, CONTENT_NOT_AVAILABLE). Both must outlive the
    // service.
    content::ContentStore* content_store = nullptr;
    Scheduler* content_reads = nullptr;
    // Bytes per ReadVideoContent chunk (at most 1 MiB).
    int64_t content_chunk_bytes = int64_t{256} << 10;
    // ReadVideoContent streams open at once at most (each holds a chunk);
    // further ones get RESOURCE_EXHAUSTED.
    int max_content_streams = 1000;
  };

  // All references must outlive the service.
  VideoGatewayService(core::TaskManager& manager, const callers::Authenticator& authenticator,
                      Scheduler& scheduler, const Clock& clock, Options options);

  // Ends every open watch stream with UNAVAILABLE and refuses new ones
  // (graceful shutdown). Thread-safe.
  void EndStreams() { watches_.ShutdownAll(); }
  // After EndStreams: waits until every stream has ended or `timeout`
  // passed; whether all did.
  bool AwaitStreamsEnded(absl::Duration timeout) const { return watches_.AwaitEmpty(timeout); }
  // After EndStreams: cancels the streams still open (their clients stopped
  // reading) with UNAVAILABLE and the resume hint.
  void CancelStreams() { watches_.CancelAll(); }

  // Open watch streams now. Thread-safe.
  size_t open_streams() const { return watches_.size(); }

  // ReadVideoContent streams open now. Thread-safe.
  int64_t content_streams() const { return content_streams_.load(); }

  // What the open watch streams hold (WatchRegistry::GetStats). Thread-safe.
  WatchRegistry::Stats watch_stats() const { return watches_.GetStats(); }

  // v1::VideoGateway::CallbackService:
  grpc::ServerUnaryReactor* CreateVideoTask(grpc::CallbackServerContext* context,
                                            const v1::CreateVideoTaskRequest* request,
                                            v1::VideoTask* response) override;
  grpc::ServerUnaryReactor* GetVideoTask(grpc::CallbackServerContext* context,
                                         const v1::GetVideoTaskRequest* request,
                                         v1::VideoTask* response) override;
  grpc::ServerUnaryReactor* ListVideoTasks(grpc::CallbackServerContext* context,
                                           const v1::ListVideoTasksRequest* request,
                                           v1::ListVideoTasksResponse* response) override;
  grpc::ServerUnaryReactor* CancelVideoTask(grpc::CallbackServerContext* context,
                                            const v1::CancelVideoTaskRequest* request,
                                            v1::VideoTask* response) override;
  grpc::ServerWriteReactor<v1::WatchVideoTaskResponse>* WatchVideoTask(
      grpc::CallbackServerContext* context,
      const v1::WatchVideoTaskRequest* request) override;
  grpc::ServerWriteReactor<v1::WatchVideoTaskResponse>* CreateAndWatchVideoTask(
      grpc::CallbackServerContext* context,
      const v1::CreateVideoTaskRequest* request) override;
  grpc::ServerUnaryReactor* ListModels(grpc::CallbackServerContext* context,
                                       const v1::ListModelsRequest* request,
                                       v1::ListModelsResponse* response) override;
  grpc::ServerWriteReactor<v1::ReadVideoContentResponse>* ReadVideoContent(
      grpc::CallbackServerContext* context,
      const v1::ReadVideoContentRequest* request) override;

 private:
  // The caller, UNAUTHENTICATED, or RESOURCE_EXHAUSTED past its RPC rate.
  absl::StatusOr<callers::Caller> Authenticate(const grpc::CallbackServerContext& context);
  // The call's trace context, from its `traceparent` metadata or new, put in
  // the answer's initial metadata.
  static TraceContext Trace(grpc::CallbackServerContext& context);
  // One unary RPC: authenticates the caller, then runs
  // `call(caller, trace, done)`, whose `done(StatusOr<Response>)` answers it.
  template <typename Response, typename Call>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, Response* response,
                                  Call call);

  core::TaskManager& manager_;
  const callers::Authenticator& authenticator_;
  Scheduler& scheduler_;
  const Clock& clock_;
  const Options options_;
  admission::CallerRateLimit rpc_rate_;
  WatchRegistry watches_;
  std::atomic<int> content_streams_{0};
};

}  // namespace seedance::server::service

#endif  // SEEDANCE_SERVER_SERVICE_VIDEO_GATEWAY_SERVICE_H_
