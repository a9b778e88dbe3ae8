#include "bench/grpc_load.h"

#include <utility>

#include "absl/time/clock.h"

namespace seedance::bench {

StreamCall::StreamCall(const std::string& token, MessageCallback on_message, DoneCallback on_done)
    : on_message_(std::move(on_message)), on_done_(std::move(on_done)) {
  context_.AddMetadata("authorization", "Bearer " + token);
}

StreamCall* StreamCall::CreateAndWatch(v1::VideoGateway::Stub& stub,
                                       const v1::CreateVideoTaskRequest& create,
                                       const std::string& token, MessageCallback on_message,
                                       DoneCallback on_done) {
  auto* call = new StreamCall(token, std::move(on_message), std::move(on_done));
  call->create_ = create;
  stub.async()->CreateAndWatchVideoTask(&call->context_, &call->create_, call);
  call->StartRead(&call->message_);
  call->StartCall();
  return call;
}

StreamCall* StreamCall::Watch(v1::VideoGateway::Stub& stub,
                              const v1::WatchVideoTaskRequest& watch, const std::string& token,
                              MessageCallback on_message, DoneCallback on_done,
                              bool caller_owns) {
  auto* call = new StreamCall(token, std::move(on_message), std::move(on_done));
  call->caller_owns_ = caller_owns;
  call->watch_ = watch;
  stub.async()->WatchVideoTask(&call->context_, &call->watch_, call);
  call->StartRead(&call->message_);
  call->StartCall();
  return call;
}

void StreamCall::OnReadDone(bool ok) {
  if (!ok) return;
  if (on_message_) on_message_(message_);
  StartRead(&message_);
}

void StreamCall::OnDone(const grpc::Status& status) {
  if (caller_owns_) {
    if (on_done_) on_done_(status);  // may let the owner delete this
    return;
  }
  // Deleted before on_done runs: the ClientContext holds a reference to the
  // channel, and on_done may let the owner drop its own (ClosedLoop::Run
  // returns, the stub goes). The last reference must not go here, on a
  // thread of gRPC's callback CQ: ~Channel then shuts that CQ down and
  // frees it under this very thread (a double free under ASan).
  DoneCallback on_done = std::move(on_done_);
  delete this;
  if (on_done) on_done(status);
}

void ClosedLoop::Launch() {
  start_([this] {
    bool again;
    {
      absl::MutexLock lock(&mu_);
      again = absl::Now() < deadline_;
      if (!again) --active_;
    }
    if (again) Launch();
  });
}

void ClosedLoop::Run() {
  {
    absl::MutexLock lock(&mu_);
    active_ = concurrency_;
  }
  for (int i = 0; i < concurrency_; ++i) Launch();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* active) { return *active == 0; }, &active_));
}

}  // namespace seedance::bench
