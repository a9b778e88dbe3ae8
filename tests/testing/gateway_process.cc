#include "tests/testing/gateway_process.h"

#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace seedance::testing {
namespace {

// Reads "<key>=<port>" from the child's next line.
absl::StatusOr<int> ReadPort(ChildProcess& process, absl::string_view key) {
  absl::StatusOr<std::string> line = process.ReadLine(absl::Seconds(20));
  if (!line.ok()) return line.status();
  absl::string_view rest = *line;
  int port = 0;
  if (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, "=") ||
      !absl::SimpleAtoi(rest, &port)) {
    return absl::InternalError(absl::StrCat("unexpected line from the gateway: ", *line));
  }
  return port;
}

}  // namespace

std::string GatewayBinary() { return SEEDANCE_GATEWAY_BINARY; }

absl::StatusOr<std::unique_ptr<GatewayProcess>> GatewayProcess::Start(
    std::vector<std::string> flags, const std::string& data_dir) {
  std::unique_ptr<GatewayProcess> gateway(new GatewayProcess(std::move(flags), data_dir));
  if (absl::Status s = gateway->Launch(); !s.ok()) return s;
  return gateway;
}

absl::Status GatewayProcess::Launch() {
  std::vector<std::string> args = {"--listen=127.0.0.1:0", "--callback_listen=127.0.0.1:0",
                                   absl::StrCat("--data_dir=", data_dir_)};
  args.insert(args.end(), flags_.begin(), flags_.end());
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  // After the caller's flags: the last --callback_listen wins.
  if (keep_callback_port_ && callback_port_ != 0) {
    args.push_back(absl::StrCat("--callback_listen=127.0.0.1:", callback_port_));
  }
  absl::StatusOr<std::unique_ptr<ChildProcess>> process =
      ChildProcess::Start(GatewayBinary(), args);
  if (!process.ok()) return process.status();
  process_ = *std::move(process);
  absl::StatusOr<int> grpc = ReadPort(*process_, "grpc_port");
  if (!grpc.ok()) return grpc.status();
  absl::StatusOr<int> callback = ReadPort(*process_, "callback_port");
  if (!callback.ok()) return callback.status();
  absl::StatusOr<int> admin = ReadPort(*process_, "admin_port");
  if (!admin.ok()) return admin.status();
  absl::StatusOr<int> http = ReadPort(*process_, "http_port");
  if (!http.ok()) return http.status();
  http_port_ = *http;
  grpc_port_ = *grpc;
  callback_port_ = *callback;
  admin_port_ = *admin;
  return absl::OkStatus();
}

std::string GatewayProcess::address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

void GatewayProcess::Kill() {
  if (process_ == nullptr) return;
  process_->Signal(SIGKILL);
  (void)process_->Wait(absl::Seconds(10));
}

absl::StatusOr<int> GatewayProcess::Terminate(absl::Duration timeout) {
  process_->Signal(SIGTERM);
  return process_->Wait(timeout);
}

absl::Status GatewayProcess::Restart(std::vector<std::string> extra_flags) {
  if (process_ != nullptr && process_->running()) Kill();
  extra_flags_ = std::move(extra_flags);
  return Launch();
}

}  // namespace seedance::testing
