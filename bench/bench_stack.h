// The processes a gateway benchmark runs against, started with CPU pinning
// (taskset) so that the report can say what ran where: the mock upstream on
// one core, the gateway (or the bare baseline server) on the other, the load
// generator free to use both.
//
//   absl::StatusOr<std::unique_ptr<ChildProcess>> mock = StartPinned(
//       "0", MockUpstreamBinary(), {"--port=0", "--generation_ms=0"});
#ifndef SEEDANCE_BENCH_BENCH_STACK_H_
#define SEEDANCE_BENCH_BENCH_STACK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tests/testing/child_process.h"

namespace seedance::bench {

// A started child and the port it printed.
struct Server {
  std::unique_ptr<testing::ChildProcess> process;
  int port = 0;
  // The gateway's callback receiver port, when it has one.
  int callback_port = 0;
  std::string address() const;
};

// Starts `binary args...` under `taskset -c cpus` (no pinning when `cpus` is
// empty or taskset is missing). The child's stderr is discarded.
absl::StatusOr<std::unique_ptr<testing::ChildProcess>> StartPinned(
    const std::string& cpus, const std::string& binary, const std::vector<std::string>& args);

// The mock upstream on port 0 with `flags`.
absl::StatusOr<Server> StartMock(const std::string& cpus, const std::vector<std::string>& flags);

// The gateway on port 0 in front of `mock_port`, with `flags` (then
// `extra_flags`, which win).
absl::StatusOr<Server> StartGateway(const std::string& cpus, int mock_port,
                                    const std::vector<std::string>& flags,
                                    const std::vector<std::string>& extra_flags = {});

// The bare stream server (the fan-out baseline) on port 0.
absl::StatusOr<Server> StartBareServer(const std::string& cpus);

}  // namespace seedance::bench

#endif  // SEEDANCE_BENCH_BENCH_STACK_H_
