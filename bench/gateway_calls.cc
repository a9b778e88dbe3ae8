#include "bench/gateway_calls.h"

#include <atomic>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "bench/grpc_load.h"

namespace seedance::bench {

v1::CreateVideoTaskRequest CreateRequest() {
  v1::CreateVideoTaskRequest r;
  r.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
  r.mutable_spec()->set_prompt("A kitten yawning at the camera. --rs 720p --dur 5");
  return r;
}

bool IsTerminal(v1::TaskState s) {
  return s == v1::TASK_STATE_SUCCEEDED || s == v1::TASK_STATE_FAILED ||
         s == v1::TASK_STATE_CANCELLED || s == v1::TASK_STATE_EXPIRED;
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address, int id) {
  grpc::ChannelArguments args;
  args.SetInt("seedance.bench.channel", id);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

std::string Ms(double ms) { return absl::StrFormat("%.3f ms", ms); }

double TimedCreateAndWatch(v1::VideoGateway::Stub& stub) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  absl::Time start = absl::Now();
  auto reader = stub.CreateAndWatchVideoTask(&context, CreateRequest());
  v1::WatchVideoTaskResponse m;
  bool succeeded = false;
  while (reader->Read(&m)) {
    if (m.has_status() && IsTerminal(m.status().state())) {
      succeeded = m.status().state() == v1::TASK_STATE_SUCCEEDED;
      break;
    }
  }
  double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  context.TryCancel();
  (void)reader->Finish();
  return succeeded ? ms : -1;
}

GatewayThroughput MeasureGatewayThroughput(v1::VideoGateway::Stub& stub, int concurrency,
                                           absl::Duration duration, pid_t gateway_pid) {
  std::atomic<long> done{0};
  std::atomic<long> failed{0};
  absl::Time start = absl::Now();
  double cpu = CpuSeconds(gateway_pid);
  ClosedLoop loop(concurrency, start + duration, [&](std::function<void()> finished) {
    auto terminal = std::make_shared<v1::TaskState>(v1::TASK_STATE_UNSPECIFIED);
    StreamCall::CreateAndWatch(
        stub, CreateRequest(), kToken,
        [terminal](const v1::WatchVideoTaskResponse& m) {
          if (m.has_status()) *terminal = m.status().state();
        },
        [&, terminal, finished](const grpc::Status& status) {
          if (status.ok() && *terminal == v1::TASK_STATE_SUCCEEDED) {
            ++done;
          } else {
            ++failed;
          }
          finished();
        });
  });
  loop.Run();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return {.tasks_per_second = static_cast<double>(done) / seconds,
          .done = done,
          .failed = failed,
          .gateway_cpu_percent = 100 * (CpuSeconds(gateway_pid) - cpu) / seconds};
}

}  // namespace seedance::bench
