// Load generation over gRPC's callback API: thousands of concurrent streams
// from one process without a thread each, so the client is never the limit.
//
//   StreamCall::Start(stub, StreamCall::Kind::kCreateAndWatch, request, token,
//                     on_message, on_done);   // deletes itself when done
//
//   ClosedLoop loop(concurrency, deadline, [&](auto done) { StartOne(done); });
//   loop.Run();  // keeps `concurrency` calls in flight until the deadline
#ifndef SEEDANCE_BENCH_GRPC_LOAD_H_
#define SEEDANCE_BENCH_GRPC_LOAD_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "seedance/v1/video_gateway.grpc.pb.h"

namespace seedance::bench {

// One server-streaming call, read to its end; owns itself.
class StreamCall : public grpc::ClientReadReactor<v1::WatchVideoTaskResponse> {
 public:
  using MessageCallback = std::function<void(const v1::WatchVideoTaskResponse&)>;
  using DoneCallback = std::function<void(const grpc::Status&)>;

  // CreateAndWatchVideoTask with `create`.
  static StreamCall* CreateAndWatch(v1::VideoGateway::Stub& stub,
                                    const v1::CreateVideoTaskRequest& create,
                                    const std::string& token, MessageCallback on_message,
                                    DoneCallback on_done);
  // WatchVideoTask with `watch`. With `caller_owns`, the call outlives
  // OnDone and the caller deletes it once on_done has run (so it can still
  // Cancel() a call that may have ended meanwhile).
  static StreamCall* Watch(v1::VideoGateway::Stub& stub, const v1::WatchVideoTaskRequest& watch,
                           const std::string& token, MessageCallback on_message,
                           DoneCallback on_done, bool caller_owns = false);

  // Ends the call (its OnDone still runs). Thread-safe until OnDone.
  void Cancel() { context_.TryCancel(); }

  // grpc::ClientReadReactor:
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  StreamCall(const std::string& token, MessageCallback on_message, DoneCallback on_done);

  grpc::ClientContext context_;
  v1::CreateVideoTaskRequest create_;
  v1::WatchVideoTaskRequest watch_;
  v1::WatchVideoTaskResponse message_;
  MessageCallback on_message_;
  DoneCallback on_done_;
  bool caller_owns_ = false;
};

// Keeps `concurrency` operations in flight until `deadline`: `start` begins
// one and calls its argument when it ends.
class ClosedLoop {
 public:
  using Start = std::function<void(std::function<void()> done)>;
  ClosedLoop(int concurrency, absl::Time deadline, Start start)
      : concurrency_(concurrency), deadline_(deadline), start_(std::move(start)) {}

  // Returns when the deadline passed and every operation ended.
  void Run();

 private:
  void Launch();

  const int concurrency_;
  const absl::Time deadline_;
  const Start start_;
  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace seedance::bench

#endif  // SEEDANCE_BENCH_GRPC_LOAD_H_
