#include "clients/cpp/gateway_client.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/backoff.h"
#include "clients/cpp/partial_file.h"
#include "google/rpc/status.pb.h"
#include "upstream_api/status_details.h"

namespace seedance::client {
namespace {

// The server's google.rpc.Status details become payloads again.
absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  google::rpc::Status rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) {
    return upstream_api::FromRpcStatus(rpc);
  }
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

// The ErrorInfo reason the gateway gave, if any.
std::string ReasonOf(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info =
      upstream_api::GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "";
}

bool IsTerminal(v1::TaskState state) {
  return state == v1::TASK_STATE_SUCCEEDED || state == v1::TASK_STATE_FAILED ||
         state == v1::TASK_STATE_CANCELLED || state == v1::TASK_STATE_EXPIRED;
}

}  // namespace

bool IsRetryableStreamError(const absl::Status& status) {
  // CANCELLED too: this client never cancels a watch itself, so one is the
  // server's (gRPC's shutdown cancels open calls and refuses new ones so).
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kCancelled ||
         status.code() == absl::StatusCode::kDeadlineExceeded ||
         status.code() == absl::StatusCode::kInternal ||
         status.code() == absl::StatusCode::kUnknown;
}

GatewayClient::GatewayClient(std::shared_ptr<grpc::Channel> channel, std::string token,
                             Options options)
    : channel_(channel),
      stub_(v1::VideoGateway::NewStub(channel)),
      health_(grpc::health::v1::Health::NewStub(channel)),
      token_(std::move(token)),
      options_(options) {}

void GatewayClient::Prepare(grpc::ClientContext& context, bool deadline) const {
  context.AddMetadata("authorization", "Bearer " + token_);
  if (deadline) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  }
}

absl::StatusOr<v1::VideoTask> GatewayClient::Create(const v1::CreateVideoTaskRequest& request) {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::VideoTask task;
  grpc::Status status = stub_->CreateVideoTask(&context, request, &task);
  if (!status.ok()) return FromGrpcStatus(status);
  return task;
}

absl::StatusOr<v1::VideoTask> GatewayClient::Get(const std::string& task_id) {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::GetVideoTaskRequest request;
  request.set_task_id(task_id);
  v1::VideoTask task;
  grpc::Status status = stub_->GetVideoTask(&context, request, &task);
  if (!status.ok()) return FromGrpcStatus(status);
  return task;
}

absl::StatusOr<v1::ListVideoTasksResponse> GatewayClient::List(
    const v1::ListVideoTasksRequest& request) {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::ListVideoTasksResponse response;
  grpc::Status status = stub_->ListVideoTasks(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::StatusOr<v1::VideoTask> GatewayClient::Cancel(const std::string& task_id) {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::CancelVideoTaskRequest request;
  request.set_task_id(task_id);
  v1::VideoTask task;
  grpc::Status status = stub_->CancelVideoTask(&context, request, &task);
  if (!status.ok()) return FromGrpcStatus(status);
  return task;
}

absl::StatusOr<v1::ListModelsResponse> GatewayClient::ListModels() {
  grpc::ClientContext context;
  Prepare(context, true);
  v1::ListModelsResponse response;
  grpc::Status status = stub_->ListModels(&context, {}, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

absl::Status GatewayClient::AwaitConnected(
    absl::Duration timeout, const std::function<void(absl::Duration waited)>& still_waiting) {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + timeout;
  absl::Time next_report = start + absl::Seconds(1);
  while (true) {
    if (channel_->WaitForConnected(absl::ToChronoTime(std::min(deadline, next_report)))) {
      return absl::OkStatus();
    }
    absl::Time now = absl::Now();
    if (now >= deadline) {
      // One call that fails fast says why (refused, TLS handshake, ...).
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
      grpc::health::v1::HealthCheckResponse response;
      grpc::Status probe = health_->Check(&context, {}, &response);
      return absl::UnavailableError(absl::StrCat(
          "cannot reach the gateway within ", absl::FormatDuration(timeout),
          probe.ok() ? "" : absl::StrCat(" (", probe.error_message(), ")")));
    }
    if (now >= next_report) {
      if (still_waiting) still_waiting(now - start);
      next_report = now + absl::Seconds(5);
    }
  }
}

absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus>
GatewayClient::CheckHealth(const std::string& service) {
  grpc::ClientContext context;
  // The health service needs no token.
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.call_timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health_->Check(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.status();
}

absl::Status GatewayClient::Drain(
    grpc::ClientReaderInterface<v1::WatchVideoTaskResponse>& reader,
    const OnMessage& on_message, std::optional<v1::TaskEvent>& last) {
  v1::WatchVideoTaskResponse message;
  while (reader.Read(&message)) {
    if (message.has_status()) {
      // A resumed stream never repeats, but guard anyway: a change is
      // reported once.
      if (last.has_value() && message.status().sequence() <= last->sequence()) continue;
      last = message.status();
    }
    on_message(message);
  }
  return FromGrpcStatus(reader.Finish());
}

absl::StatusOr<v1::VideoTask> GatewayClient::WatchToEnd(
    const std::string& task_id, std::optional<uint64_t> after_sequence,
    const OnMessage& on_message) {
  std::optional<v1::TaskEvent> last;
  absl::Duration delay = options_.reconnect_delay;
  int failures = 0;
  while (true) {
    grpc::ClientContext context;
    Prepare(context, false);
    v1::WatchVideoTaskRequest request;
    request.set_task_id(task_id);
    if (last.has_value()) {
      request.set_after_sequence(last->sequence());
    } else if (after_sequence.has_value()) {
      request.set_after_sequence(*after_sequence);
    }
    std::unique_ptr<grpc::ClientReader<v1::WatchVideoTaskResponse>> reader =
        stub_->WatchVideoTask(&context, request);
    uint64_t before = last.has_value() ? last->sequence() : 0;
    absl::Status status = Drain(*reader, on_message, last);
    if (status.ok()) {
      if (last.has_value() && IsTerminal(last->state())) return last->task();
      // Resumed after the end: the task is already over; read it.
      return Get(task_id);
    }
    if (last.has_value() && last->sequence() > before) {
      failures = 0;  // progress was made: the budget restarts
      delay = options_.reconnect_delay;
    }
    if (!IsRetryableStreamError(status) || ++failures > options_.max_reconnects) {
      return status;
    }
    if (options_.on_retry) {
      options_.on_retry(status, last.has_value() ? std::optional(last->sequence()) : after_sequence,
                        delay);
    }
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(delay));
    delay = NextBackoff(delay, absl::Seconds(10));
  }
}

absl::StatusOr<v1::VideoTask> GatewayClient::CreateAndWatch(
    const v1::CreateVideoTaskRequest& request, const OnMessage& on_message) {
  absl::Duration delay = options_.reconnect_delay;
  for (int attempt = 0;; ++attempt) {
    grpc::ClientContext context;
    Prepare(context, false);
    std::unique_ptr<grpc::ClientReader<v1::WatchVideoTaskResponse>> reader =
        stub_->CreateAndWatchVideoTask(&context, request);
    std::optional<v1::TaskEvent> last;
    absl::Status status = Drain(*reader, on_message, last);
    if (last.has_value()) {
      if (status.ok() && IsTerminal(last->state())) return last->task();
      if (!status.ok() && !IsRetryableStreamError(status)) return status;
      // The task exists: follow it by id from here.
      return WatchToEnd(last->task_id(), last->sequence(), on_message);
    }
    if (status.ok()) return absl::InternalError("the stream ended without a task");
    // No task id yet. Repeating is safe only with a request_id (the same
    // task comes back instead of a second, billed one).
    if (!IsRetryableStreamError(status) || request.request_id().empty() ||
        attempt >= options_.max_reconnects) {
      return status;
    }
    if (options_.on_retry) options_.on_retry(status, std::nullopt, delay);
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(delay));
    delay = NextBackoff(delay, absl::Seconds(10));
  }
}

absl::StatusOr<Downloaded> GatewayClient::DownloadContent(const std::string& task_id,
                                                          v1::ResultFile file,
                                                          const std::string& path,
                                                          const DownloadProgress& on_progress) {
  absl::StatusOr<PartialFile> part = PartialFile::Create(path);
  if (!part.ok()) return part.status();
  std::optional<v1::ContentHeader> header;
  absl::Duration delay = options_.reconnect_delay;
  int failures = 0;
  while (true) {
    grpc::ClientContext context;
    Prepare(context, false);
    v1::ReadVideoContentRequest request;
    request.set_task_id(task_id);
    request.set_file(file);
    request.set_offset(part->size());  // a resumed stream starts where the last one broke
    std::unique_ptr<grpc::ClientReader<v1::ReadVideoContentResponse>> reader =
        stub_->ReadVideoContent(&context, request);
    const int64_t before = part->size();
    absl::Status broke;
    v1::ReadVideoContentResponse message;
    while (broke.ok() && reader->Read(&message)) {
      if (message.has_header()) {
        // A resumed stream must be of the same file.
        if (header.has_value() && (message.header().sha256() != header->sha256() ||
                                   message.header().total_size() != header->total_size())) {
          broke = absl::AbortedError("the gateway's copy changed during the download");
          context.TryCancel();
          break;
        }
        header = message.header();
        if (on_progress) on_progress(part->size(), header->total_size());
        continue;
      }
      if (message.chunk().offset() != part->size()) {
        broke = absl::DataLossError(absl::StrCat("a chunk at byte ", message.chunk().offset(),
                                                 ", expected ", part->size()));
        context.TryCancel();
        break;
      }
      broke = part->Append(message.chunk().data());
      if (!broke.ok()) context.TryCancel();
      if (on_progress && header.has_value()) on_progress(part->size(), header->total_size());
    }
    absl::Status status = FromGrpcStatus(reader->Finish());
    if (!broke.ok()) return broke;
    if (status.ok()) break;
    if (part->size() > before) {
      failures = 0;  // progress was made: the budget restarts
      delay = options_.reconnect_delay;
    }
    // Worth another call: a broken stream, or a copy the gateway is still
    // fetching (then as long as it says, without a budget: it will end).
    const bool pending = ReasonOf(status) == "CONTENT_PENDING";
    if (!pending && (!IsRetryableStreamError(status) || ++failures > options_.max_reconnects)) {
      return status;
    }
    absl::Duration wait = delay;
    if (pending) wait = upstream_api::RetryDelayOf(status).value_or(absl::Seconds(1));
    if (options_.on_retry) options_.on_retry(status, std::nullopt, wait);
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(wait));
    if (!pending) delay = NextBackoff(delay, absl::Seconds(10));
  }
  if (!header.has_value()) return absl::InternalError("the stream ended without a header");
  if (part->size() != header->total_size()) {
    return absl::DataLossError(absl::StrCat("received ", part->size(), " bytes of ",
                                            header->total_size()));
  }
  absl::StatusOr<std::string> digest = part->Sha256();
  if (!digest.ok()) return digest.status();
  if (*digest != header->sha256()) {
    return absl::DataLossError(absl::StrCat("the file's SHA-256 is ", *digest,
                                            ", the gateway's copy has ", header->sha256()));
  }
  Downloaded saved{.path = path,
                   .size = part->size(),
                   .sha256 = *digest,
                   .content_type = header->content_type()};
  if (absl::Status s = part->Commit(); !s.ok()) return s;
  return saved;
}

}  // namespace seedance::client
