// seedance-bare-stream-server: the baseline for the fan-out and idle-watcher
// benchmarks. A bare gRPC callback-API server: each WatchVideoTask stream gets
// one message at once (like the gateway's current-state event) and is then
// held; BareBroadcast/Broadcast writes one message to every stream, one write
// in flight per stream: the pattern of the gateway's WatchReactor with no
// task logic around it. Prints "port=N" and serves until SIGTERM/SIGINT.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "bench/bare_stream.grpc.pb.h"
#include "seedance/v1/video_gateway.grpc.pb.h"

ABSL_FLAG(int, port, 0, "port to serve on (0: any free one, printed)");

namespace seedance::bench {
namespace {

class Service;

// One held stream.
class Stream : public grpc::ServerWriteReactor<v1::WatchVideoTaskResponse> {
 public:
  Stream(Service& service, const v1::WatchVideoTaskResponse& initial);
  void Write(const v1::WatchVideoTaskResponse& message);
  void OnWriteDone(bool ok) override;
  void OnCancel() override { Finish(grpc::Status::CANCELLED); }
  void OnDone() override;

 private:
  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Service& service_;
  absl::Mutex mu_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool pending_ ABSL_GUARDED_BY(mu_) = false;
  v1::WatchVideoTaskResponse next_ ABSL_GUARDED_BY(mu_);
  v1::WatchVideoTaskResponse current_ ABSL_GUARDED_BY(mu_);
};

class Service final : public v1::VideoGateway::CallbackService,
                      public BareBroadcast::CallbackService {
 public:
  grpc::ServerWriteReactor<v1::WatchVideoTaskResponse>* WatchVideoTask(
      grpc::CallbackServerContext*, const v1::WatchVideoTaskRequest* request) override {
    v1::WatchVideoTaskResponse initial;
    initial.mutable_status()->set_task_id(request->task_id());
    initial.mutable_status()->set_sequence(1);
    auto* stream = new Stream(*this, initial);
    absl::MutexLock lock(&mu_);
    streams_.insert(stream);
    return stream;
  }

  grpc::ServerUnaryReactor* Broadcast(grpc::CallbackServerContext* context,
                                      const BroadcastRequest* request,
                                      BroadcastResponse* response) override {
    absl::MutexLock lock(&mu_);
    for (Stream* stream : streams_) stream->Write(request->message());
    response->set_streams(static_cast<int>(streams_.size()));
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  void Remove(Stream* stream) {
    absl::MutexLock lock(&mu_);
    streams_.erase(stream);
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_set<Stream*> streams_ ABSL_GUARDED_BY(mu_);
};

Stream::Stream(Service& service, const v1::WatchVideoTaskResponse& initial)
    : service_(service) {
  absl::MutexLock lock(&mu_);
  next_ = initial;
  pending_ = true;
  WriteNextLocked();
}

void Stream::Write(const v1::WatchVideoTaskResponse& message) {
  absl::MutexLock lock(&mu_);
  next_ = message;
  pending_ = true;
  WriteNextLocked();
}

void Stream::WriteNextLocked() {
  if (writing_ || !pending_) return;
  current_ = next_;
  pending_ = false;
  writing_ = true;
  StartWrite(&current_);
}

void Stream::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  if (!ok) return;
  WriteNextLocked();
}

void Stream::OnDone() {
  service_.Remove(this);
  delete this;
}

}  // namespace
}  // namespace seedance::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  seedance::bench::Service service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(absl::GetFlag(FLAGS_port)),
                           grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(static_cast<seedance::v1::VideoGateway::CallbackService*>(&service));
  builder.RegisterService(static_cast<seedance::bench::BareBroadcast::CallbackService*>(&service));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  std::printf("port=%d\n", port);
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now());
  return 0;
}
