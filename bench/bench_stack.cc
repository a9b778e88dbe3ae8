#include "bench/bench_stack.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mock_upstream_process.h"

namespace seedance::bench {
namespace {

absl::StatusOr<int> ReadPort(testing::ChildProcess& process, absl::string_view key) {
  absl::StatusOr<std::string> line = process.ReadLine(absl::Seconds(30));
  if (!line.ok()) return line.status();
  absl::string_view rest = *line;
  if (!key.empty() && (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, "="))) {
    return absl::InternalError(absl::StrCat("unexpected line: ", *line));
  }
  int port = 0;
  if (!absl::SimpleAtoi(rest, &port)) {
    return absl::InternalError(absl::StrCat("unexpected line: ", *line));
  }
  return port;
}

}  // namespace

std::string Server::address() const { return absl::StrCat("127.0.0.1:", port); }

absl::StatusOr<std::unique_ptr<testing::ChildProcess>> StartPinned(
    const std::string& cpus, const std::string& binary, const std::vector<std::string>& args) {
  testing::ChildProcess::Options options;
  options.quiet_stderr = true;
  if (cpus.empty() || access("/usr/bin/taskset", X_OK) != 0) {
    return testing::ChildProcess::Start(binary, args, options);
  }
  std::vector<std::string> pinned = {"-c", cpus, binary};
  pinned.insert(pinned.end(), args.begin(), args.end());
  return testing::ChildProcess::Start("/usr/bin/taskset", pinned, options);
}

absl::StatusOr<Server> StartMock(const std::string& cpus, const std::vector<std::string>& flags) {
  std::vector<std::string> args = {"--port=0", "--log_level=error"};
  args.insert(args.end(), flags.begin(), flags.end());
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> process =
      StartPinned(cpus, testing::MockUpstreamBinary(), args);
  if (!process.ok()) return process.status();
  Server server;
  server.process = *std::move(process);
  absl::StatusOr<int> port = ReadPort(*server.process, "");
  if (!port.ok()) return port.status();
  server.port = *port;
  return server;
}

absl::StatusOr<Server> StartGateway(const std::string& cpus, int mock_port,
                                    const std::vector<std::string>& flags,
                                    const std::vector<std::string>& extra_flags) {
  std::vector<std::string> args = {"--listen=127.0.0.1:0", "--callback_listen=127.0.0.1:0",
                                   absl::StrCat("--upstream_base_url=http://127.0.0.1:", mock_port),
                                   "--log_level=error",
                                   // One token drives thousands of calls: no per-caller limits.
                                   "--caller_create_rate=0", "--caller_rpc_rate=0"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> process =
      StartPinned(cpus, testing::GatewayBinary(), args);
  if (!process.ok()) return process.status();
  Server server;
  server.process = *std::move(process);
  absl::StatusOr<int> grpc = ReadPort(*server.process, "grpc_port");
  if (!grpc.ok()) return grpc.status();
  absl::StatusOr<int> callback = ReadPort(*server.process, "callback_port");
  if (!callback.ok()) return callback.status();
  server.port = *grpc;
  server.callback_port = *callback;
  return server;
}

absl::StatusOr<Server> StartBareServer(const std::string& cpus) {
  absl::StatusOr<std::unique_ptr<testing::ChildProcess>> process =
      StartPinned(cpus, SEEDANCE_BARE_STREAM_SERVER_BINARY, {"--port=0"});
  if (!process.ok()) return process.status();
  Server server;
  server.process = *std::move(process);
  absl::StatusOr<int> port = ReadPort(*server.process, "port");
  if (!port.ok()) return port.status();
  server.port = *port;
  return server;
}

}  // namespace seedance::bench
