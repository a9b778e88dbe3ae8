// Calls the gateway benchmarks make, shared by their scenarios: the request
// every task is created with, one timed create-and-watch, and a closed loop
// of create-and-watch calls at a fixed concurrency (tasks/s).
//
//   auto stub = v1::VideoGateway::NewStub(NewChannel(gateway.address(), 0));
//   double ms = TimedCreateAndWatch(*stub);
//   GatewayThroughput t = MeasureGatewayThroughput(*stub, 64, absl::Seconds(10), pid);
#ifndef SEEDANCE_BENCH_GATEWAY_CALLS_H_
#define SEEDANCE_BENCH_GATEWAY_CALLS_H_

#include <grpcpp/grpcpp.h>
#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "seedance/v1/video_gateway.grpc.pb.h"

namespace seedance::bench {

// The bearer token of every benchmark call (the gateway forwards it).
inline constexpr char kToken[] = "bench-token";

v1::CreateVideoTaskRequest CreateRequest();

bool IsTerminal(v1::TaskState s);

// A channel of its own (its own TCP connection): gRPC shares connections
// between channels with equal arguments.
std::shared_ptr<grpc::Channel> NewChannel(const std::string& address, int id);

// "1.234 ms".
std::string Ms(double ms);

// One create-and-watch through the gateway, synchronously: milliseconds to
// the terminal event, or -1 on an error.
double TimedCreateAndWatch(v1::VideoGateway::Stub& stub);

struct GatewayThroughput {
  double tasks_per_second = 0;
  long done = 0;
  long failed = 0;  // an error, or an end other than SUCCEEDED
  // CPU use of the gateway process over the run, percent of one core.
  double gateway_cpu_percent = 0;
};

// Create-and-watch calls, `concurrency` in flight, for `duration`: how many
// reached SUCCEEDED per second. `gateway_pid` is sampled for CPU.
GatewayThroughput MeasureGatewayThroughput(v1::VideoGateway::Stub& stub, int concurrency,
                                           absl::Duration duration, pid_t gateway_pid);

}  // namespace seedance::bench

#endif  // SEEDANCE_BENCH_GATEWAY_CALLS_H_
