#include "server/http_api/stream_call.h"

#include <utility>
#include <vector>

#include "base/trace_context.h"

namespace seedance::server::http_api {

google::rpc::Status RpcStatusOf(const grpc::Status& status) {
  google::rpc::Status rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) return rpc;
  rpc.set_code(status.error_code());
  rpc.set_message(status.error_message());
  return rpc;
}

void AddTraceHeader(const grpc::ClientContext& context, http::Response& response) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find(kTraceparentHeader);
  if (it != metadata.end()) {
    response.headers.push_back(
        {std::string(kTraceparentHeader), std::string(it->second.data(), it->second.size())});
  }
}

std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes;
}

StreamCall::StreamCall(std::unique_ptr<StreamFormat> format,
                       std::shared_ptr<http::Exchange> exchange, std::string request,
                       std::function<void()> ended)
    : format_(std::move(format)),
      exchange_(std::move(exchange)),
      ended_(std::move(ended)),
      shared_(std::make_shared<Shared>()) {
  grpc::Slice slice(request);
  request_ = grpc::ByteBuffer(&slice, 1);
  absl::MutexLock lock(&shared_->mu);
  shared_->call = this;
}

void StreamCall::Start(grpc::GenericStub& stub, const std::string& method) {
  exchange_->OnClientGone([shared = shared_] {
    absl::MutexLock lock(&shared->mu);
    if (shared->call != nullptr) shared->call->context_.TryCancel();
  });
  stub.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
  // Held until no read will start again: OnDone never runs while a write's
  // callback may still start one.
  AddHold();
  StartWriteLast(&request_, grpc::WriteOptions());
  StartRead(&incoming_);
  StartCall();
}

void StreamCall::OnReadDone(bool ok) {
  if (!ok) return RemoveHold();  // the stream ended: OnDone says how
  std::string message = BytesOf(incoming_);
  if (stream_ != nullptr) return WriteThenRead(format_->Next(message));
  StreamFormat::Start start = format_->First(message);
  if (start.instead.has_value()) {
    AddTraceHeader(context_, *start.instead);
    exchange_->Respond(*std::move(start.instead));
    answered_ = true;
    context_.TryCancel();
    return RemoveHold();
  }
  AddTraceHeader(context_, start.head);
  stream_ = exchange_->StartStream(std::move(start.head));
  WriteThenRead(std::move(start.bytes));
}

void StreamCall::WriteThenRead(std::string bytes) {
  // The hold keeps the call alive until this callback ran (RemoveHold may
  // run OnDone at once).
  stream_->Write(std::move(bytes), [this](bool written) {
    if (written) return StartRead(&incoming_);
    context_.TryCancel();  // the client is gone
    RemoveHold();
  });
}

void StreamCall::OnDone(const grpc::Status& status) {
  {
    absl::MutexLock lock(&shared_->mu);
    shared_->call = nullptr;
  }
  if (!answered_) {
    if (stream_ == nullptr) {
      http::Response answer = format_->Ended(RpcStatusOf(status));
      AddTraceHeader(context_, answer);
      exchange_->Respond(std::move(answer));
    } else {
      if (!status.ok()) {
        std::string tail = format_->FailedAfterStart(RpcStatusOf(status));
        if (!tail.empty()) stream_->Write(std::move(tail), nullptr);
      }
      stream_->End();
    }
  }
  std::function<void()> ended = std::move(ended_);
  delete this;
  if (ended) ended();
}

}  // namespace seedance::server::http_api
