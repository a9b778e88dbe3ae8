// The seedance command line, parsed into plain structs so that main.cc only
// dispatches and tests can check the parsing.
//
//   seedance [global flags] create --model M --prompt P [--wait] [--output F] ...
//   seedance [global flags] get|cancel TASK_ID
//   seedance [global flags] watch TASK_ID [--after N] [--output F]
//   seedance [global flags] list [--state S]... [--page-size N] [--page-token T]
//   seedance [global flags] models
//   seedance [global flags] health [--service NAME]
//
//   absl::StatusOr<CliArgs> args = ParseCliArgs({"create", "--model", ...});
#ifndef SEEDANCE_CLIENTS_CPP_CLI_ARGS_H_
#define SEEDANCE_CLIENTS_CPP_CLI_ARGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/cpp/channel_credentials.h"
#include "seedance/v1/video_gateway.pb.h"

namespace seedance::client {

enum class Command { kCreate, kGet, kList, kCancel, kWatch, kModels, kHealth, kHelp };

struct CliArgs {
  Command command = Command::kHelp;
  // --gateway host:port (default $SEEDANCE_GATEWAY or 127.0.0.1:50051).
  std::string gateway;
  // --token, else $SEEDANCE_TOKEN.
  std::string token;
  // --json: one JSON object per line instead of text.
  bool json = false;
  // --connect-timeout: how long to try reaching the gateway before exit 3.
  absl::Duration connect_timeout = absl::Seconds(20);
  // help: the command asked about (`COMMAND --help`, `help COMMAND`).
  std::optional<Command> help_for;
  // --tls: connect with TLS; --ca-file: trusted roots for it;
  // --cert-file/--key-file: a client certificate (mutual TLS).
  ClientTls tls;

  // create
  v1::CreateVideoTaskRequest create;
  // Images as given: "URL" or "@file", each with an optional role.
  struct Image {
    std::string source;
    v1::FrameRole role = v1::FRAME_ROLE_UNSPECIFIED;
  };
  std::vector<Image> images;
  bool wait = false;

  // get, cancel, watch
  std::string task_id;
  std::optional<uint64_t> after_sequence;

  // create --wait, watch: where to save the finished MP4.
  std::string output;

  // list
  v1::ListVideoTasksRequest list;

  // health: the service to ask about ("": the whole server).
  std::string health_service;
};

// The usage text: all of it, or one command's.
std::string Usage();
std::string Usage(Command command);

// Parses argv (without the program name). INVALID_ARGUMENT says what is
// wrong; values are checked as far as the command line can (numbers,
// enums); the gateway checks the rest.
absl::StatusOr<CliArgs> ParseCliArgs(const std::vector<std::string>& argv);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_CLI_ARGS_H_
