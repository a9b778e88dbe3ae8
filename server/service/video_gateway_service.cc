#include "server/service/video_gateway_service.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/content/content_read.h"
#include "server/model/gateway_errors.h"
#include "server/service/grpc_status.h"
#include "upstream_api/known_models.h"

namespace seedance::server::service {
namespace {

// Finishes `reactor` with `result`, moving its value into `response` first.
template <typename T>
void Reply(grpc::ServerUnaryReactor* reactor, T* response, absl::StatusOr<T> result) {
  if (result.ok()) *response = *std::move(result);
  reactor->Finish(ToGrpcStatus(result.status()));
}

}  // namespace

VideoGatewayService::VideoGatewayService(core::TaskManager& manager,
                                         const callers::Authenticator& authenticator,
                                         Scheduler& scheduler, const Clock& clock,
                                         Options options)
    : manager_(manager),
      authenticator_(authenticator),
      scheduler_(scheduler),
      clock_(clock),
      options_(options),
      rpc_rate_(clock, {.per_second = options_.caller_rpc_rate,
                        .burst = options_.caller_rpc_burst,
                        .reason = "CALLER_RPC_RATE_LIMITED",
                        .what = "calls"}) {}

template <typename Response, typename Call>
grpc::ServerUnaryReactor* VideoGatewayService::Unary(grpc::CallbackServerContext* context,
                                                     Response* response, Call call) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  TraceContext trace = Trace(*context);
  absl::StatusOr<callers::Caller> caller = Authenticate(*context);
  if (!caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  call(*caller, trace, [reactor, response](absl::StatusOr<Response> result) {
    Reply(reactor, response, std::move(result));
  });
  return reactor;
}

TraceContext VideoGatewayService::Trace(grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kTraceparentHeader);
  TraceContext trace = ContinueOrStartTrace(
      it == metadata.end() ? absl::string_view()
                           : absl::string_view(it->second.data(), it->second.size()));
  context.AddInitialMetadata(kTraceparentHeader, trace.Traceparent());
  return trace;
}

absl::StatusOr<callers::Caller> VideoGatewayService::Authenticate(
    const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  absl::string_view value;
  if (it != metadata.end()) value = absl::string_view(it->second.data(), it->second.size());
  absl::StatusOr<callers::Caller> caller = authenticator_.Authenticate(value);
  if (!caller.ok()) return caller;
  if (absl::Status limited = rpc_rate_.Admit(caller->owner); !limited.ok()) return limited;
  return caller;
}

grpc::ServerUnaryReactor* VideoGatewayService::CreateVideoTask(
    grpc::CallbackServerContext* context, const v1::CreateVideoTaskRequest* request, v1::VideoTask* response) {
  return Unary(context, response, [&](const callers::Caller& caller, const TraceContext& trace,
                                      auto done) {
    manager_.Create(caller, *request, trace, std::move(done));
  });
}

grpc::ServerUnaryReactor* VideoGatewayService::GetVideoTask(
    grpc::CallbackServerContext* context, const v1::GetVideoTaskRequest* request, v1::VideoTask* response) {
  return Unary(context, response, [&](const callers::Caller& caller, const TraceContext&,
                                      auto done) {
    manager_.Get(caller, request->task_id(), std::move(done));
  });
}

grpc::ServerUnaryReactor* VideoGatewayService::ListVideoTasks(
    grpc::CallbackServerContext* context, const v1::ListVideoTasksRequest* request, v1::ListVideoTasksResponse* response) {
  return Unary(context, response, [&](const callers::Caller& caller, const TraceContext&,
                                      auto done) {
    manager_.List(caller, *request, std::move(done));
  });
}

grpc::ServerUnaryReactor* VideoGatewayService::CancelVideoTask(
    grpc::CallbackServerContext* context, const v1::CancelVideoTaskRequest* request, v1::VideoTask* response) {
  return Unary(context, response, [&](const callers::Caller& caller, const TraceContext&,
                                      auto done) {
    manager_.Cancel(caller, request->task_id(), std::move(done));
  });
}

grpc::ServerWriteReactor<v1::WatchVideoTaskResponse>* VideoGatewayService::WatchVideoTask(
    grpc::CallbackServerContext* context, const v1::WatchVideoTaskRequest* request) {
  Trace(*context);  // before the reactor exists: nothing may send yet
  auto* reactor = new WatchReactor(context, watches_, scheduler_, clock_, options_.watch);
  absl::StatusOr<callers::Caller> caller = Authenticate(*context);
  if (!caller.ok()) {
    reactor->FailCallback()(caller.status());
    return reactor;
  }
  std::optional<uint64_t> after;
  if (request->has_after_sequence()) after = request->after_sequence();
  manager_.OpenWatch(*caller, request->task_id(), reactor->BeginCallback(after));
  return reactor;
}

grpc::ServerWriteReactor<v1::WatchVideoTaskResponse>*
VideoGatewayService::CreateAndWatchVideoTask(grpc::CallbackServerContext* context,
                                             const v1::CreateVideoTaskRequest* request) {
  TraceContext trace = Trace(*context);  // before the reactor exists
  auto* reactor = new WatchReactor(context, watches_, scheduler_, clock_, options_.watch);
  absl::StatusOr<callers::Caller> caller = Authenticate(*context);
  if (!caller.ok()) {
    reactor->FailCallback()(caller.status());
    return reactor;
  }
  if (request->validate_only()) {
    reactor->FailCallback()(absl::InvalidArgumentError(
        "validate_only creates no task to watch: use CreateVideoTask to validate"));
    return reactor;
  }
  // From sequence 0: the stream shows the whole life cycle, PENDING first.
  manager_.Create(*caller, *request, trace,
                  [this, caller = *caller, begin = reactor->BeginCallback(0),
                   fail = reactor->FailCallback()](absl::StatusOr<v1::VideoTask> task) {
                    if (!task.ok()) return fail(task.status());
                    manager_.OpenWatch(caller, task->task_id(), begin);
                  });
  return reactor;
}

grpc::ServerUnaryReactor* VideoGatewayService::ListModels(grpc::CallbackServerContext* context,
                                                          const v1::ListModelsRequest*,
                                                          v1::ListModelsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Trace(*context);
  if (absl::StatusOr<callers::Caller> caller = Authenticate(*context); !caller.ok()) {
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  for (const upstream_api::ModelInfo& m : upstream_api::KnownModels()) {
    v1::ModelInfo* out = response->add_models();
    out->set_model(std::string(m.id));
    out->set_text_to_video(m.text_to_video);
    out->set_image_to_video(m.image_to_video);
    out->set_first_last_frame(m.first_last_frame);
    out->set_requires_image(m.requires_image);
    out->set_audio(m.audio);
  }
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerWriteReactor<v1::ReadVideoContentResponse>* VideoGatewayService::ReadVideoContent(
    grpc::CallbackServerContext* context, const v1::ReadVideoContentRequest* request) {
  Trace(*context);  // before the reactor exists: nothing may send yet
  // A stream is counted from here until its reactor is done.
  const bool admitted = content_streams_.fetch_add(1) < options_.max_content_streams;
  auto* reactor = new ContentReadReactor(
      options_.content_store, options_.content_reads, clock_,
      {.chunk_bytes = options_.content_chunk_bytes,
       .on_done = [this] { content_streams_.fetch_sub(1); }});
  if (!admitted) {
    reactor->Start(model::LimitRefusal(
        absl::StrCat("more than ", options_.max_content_streams,
                     " content downloads are open on this gateway"),
        "CONTENT_STREAMS_EXHAUSTED", absl::Seconds(1)));
    return reactor;
  }
  absl::StatusOr<callers::Caller> caller = Authenticate(*context);
  if (!caller.ok()) {
    reactor->Start(caller.status());
    return reactor;
  }
  manager_.Get(*caller, request->task_id(),
               [reactor, request = *request](absl::StatusOr<v1::VideoTask> task) {
                 if (!task.ok()) return reactor->Start(task.status());
                 reactor->Start(content::PlanContentRead(*task, request));
               });
  return reactor;
}

}  // namespace seedance::server::service
