// GatewayProcess: a seedance-gateway child process for end-to-end tests, on
// port 0 (gRPC and callback receiver), with its ports read from the lines it
// prints at start. Restartable on the same data directory to test recovery.
//
//   auto gateway = GatewayProcess::Start({"--upstream_base_url=" + mock->base_url(),
//                                         "--delivery=callback"}, data_dir);
//   auto channel = grpc::CreateChannel((*gateway)->address(), ...);
//   (*gateway)->Kill();                 // SIGKILL, as a crash
//   ASSERT_TRUE((*gateway)->Restart().ok());
#ifndef SEEDANCE_TESTS_TESTING_GATEWAY_PROCESS_H_
#define SEEDANCE_TESTS_TESTING_GATEWAY_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/testing/child_process.h"

namespace seedance::testing {

// The path of the seedance-gateway binary of this build.
std::string GatewayBinary();

class GatewayProcess {
 public:
  // Starts the gateway with `flags`, plus --listen/--callback_listen on port
  // 0 and --data_dir=`data_dir`.
  static absl::StatusOr<std::unique_ptr<GatewayProcess>> Start(
      std::vector<std::string> flags, const std::string& data_dir);

  // "127.0.0.1:<grpc port>".
  std::string address() const;
  int grpc_port() const { return grpc_port_; }
  int callback_port() const { return callback_port_; }
  // The admin port, with --admin_listen (0 without).
  int admin_port() const { return admin_port_; }
  // The HTTP/JSON port, with --http_listen (0 without).
  int http_port() const { return http_port_; }
  ChildProcess& process() { return *process_; }

  // SIGKILL and reap: a crash, with nothing flushed or shut down.
  void Kill();
  // SIGTERM; the exit code once it is gone.
  absl::StatusOr<int> Terminate(absl::Duration timeout = absl::Seconds(20));
  // Starts again with the same flags and data directory (new ports, but for
  // the callback port after KeepCallbackPort()), plus `extra_flags` for this
  // run (later flags win: a new --replica_id, say).
  absl::Status Restart(std::vector<std::string> extra_flags = {});
  // Restarts listen for callbacks on the port of this run, as a deployment
  // with a fixed callback URL does, so that callbacks sent to the old
  // process reach the new one.
  void KeepCallbackPort() { keep_callback_port_ = true; }

 private:
  GatewayProcess(std::vector<std::string> flags, std::string data_dir)
      : flags_(std::move(flags)), data_dir_(std::move(data_dir)) {}
  absl::Status Launch();

  std::vector<std::string> flags_;
  std::vector<std::string> extra_flags_;
  std::string data_dir_;
  std::unique_ptr<ChildProcess> process_;
  int grpc_port_ = 0;
  int callback_port_ = 0;
  int admin_port_ = 0;
  int http_port_ = 0;
  bool keep_callback_port_ = false;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_GATEWAY_PROCESS_H_
