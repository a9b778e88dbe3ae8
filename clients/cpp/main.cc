// seedance: the command-line client of the seedance gateway. See Usage() in
// cli_args.cc for commands, flags and exit codes.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/proto_time.h"
#include "base/random_id.h"
#include "clients/cpp/cli_args.h"
#include "clients/cpp/exit_codes.h"
#include "clients/cpp/gateway_client.h"
#include "clients/cpp/media_files.h"
#include "clients/cpp/status_text.h"
#include "clients/cpp/video_download.h"
#include "google/protobuf/util/json_util.h"
#include "upstream_api/status_details.h"

namespace seedance::client {
namespace {

std::string StateName(v1::TaskState state) {
  std::string name = v1::TaskState_Name(state);
  return name.size() > 11 ? name.substr(11) : name;  // drop "TASK_STATE_"
}

std::string Json(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

// Prints an error with its details: the bad fields, the retry delay, the
// upstream's code and trace id.
int ReportError(const absl::Status& status, bool json) {
  if (json) {
    std::cout << Json(upstream_api::ToRpcStatus(status)) << "\n";
    return ExitCodeFor(status);
  }
  std::cerr << "error: " << DescribeStatus(status);
  return ExitCodeFor(status);
}

void PrintTask(const v1::VideoTask& task, bool json) {
  if (json) {
    std::cout << Json(task) << "\n";
    return;
  }
  std::cout << task.task_id() << "  " << StateName(task.state()) << "  seq "
            << task.sequence() << "  " << task.spec().model() << "\n";
  if (!task.result().video_url().empty()) {
    std::cout << "  video: " << task.result().video_url() << "\n";
  }
  if (!task.result().last_frame_url().empty()) {
    std::cout << "  last frame: " << task.result().last_frame_url() << "\n";
  }
  if (task.has_error()) {
    std::cout << "  error: " << upstream_api::StatusSummary(upstream_api::FromRpcStatus(task.error())) << "\n";
  }
  for (const std::string& note : task.notes()) std::cout << "  note: " << note << "\n";
  // What to search the gateway's log and a tracing system for.
  if (!task.trace_id().empty()) std::cout << "  trace: " << task.trace_id() << "\n";
}

// Prints watch messages: a live line on a terminal, plain lines otherwise.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool json) : json_(json), tty_(isatty(STDOUT_FILENO) == 1) {}

  void operator()(const v1::WatchVideoTaskResponse& message) {
    if (json_) {
      std::cout << Json(message) << std::endl;
      return;
    }
    if (message.has_status()) {
      const v1::TaskEvent& e = message.status();
      EndLiveLine();
      // The change's own time: a resumed stream replays old changes.
      std::cout << absl::FormatTime("%H:%M:%S", FromProtoTime(e.event_time()),
                                    absl::LocalTimeZone())
                << "  "
                << absl::StrFormat("%-9s", StateName(e.state())) << "  task " << e.task_id()
                << "  (seq " << e.sequence() << ")" << std::endl;
      return;
    }
    const v1::Heartbeat& hb = message.heartbeat();
    std::string line = absl::StrFormat("  ... %s for %ds", StateName(hb.state()),
                                       static_cast<int>(hb.elapsed().seconds()));
    if (tty_) {
      std::cout << "\r" << line << "   " << std::flush;
      live_ = true;
    } else {
      std::cout << line << std::endl;
    }
  }

  void EndLiveLine() {
    if (live_) std::cout << "\n";
    live_ = false;
  }

 private:
  const bool json_;
  const bool tty_;
  bool live_ = false;
};

// --output is written only once the video exists: its place is checked
// first, so a paid task is not made for a file that cannot be written.
absl::Status CheckWritable(const std::string& path) {
  // A file of our own beside it (mkstemp: never one that exists), removed.
  std::string::size_type slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  std::string probe = absl::StrCat(dir, slash == std::string::npos ? "/" : "",
                                   ".seedance-probe-XXXXXX");
  int fd = mkstemp(probe.data());
  if (fd < 0) {
    return absl::InvalidArgumentError(absl::StrCat("--output ", path, ": cannot write there"));
  }
  close(fd);
  std::remove(probe.c_str());
  return absl::OkStatus();
}

// A download's progress line on a terminal: bytes of total, percent, rate;
// redrawn at most ten times a second.
class DownloadMeter {
 public:
  explicit DownloadMeter(bool live) : live_(live), start_(absl::Now()) {}

  void operator()(int64_t received, int64_t total) {
    if (!live_) return;
    absl::Time now = absl::Now();
    if (received != total && now - drawn_ < absl::Milliseconds(100)) return;
    drawn_ = now;
    double seconds = absl::ToDoubleSeconds(now - start_);
    std::cout << "\r  downloading " << Mib(received);
    if (total > 0) {
      std::cout << " of " << Mib(total) << " MiB ("
                << static_cast<int>(100.0 * static_cast<double>(received) /
                                    static_cast<double>(total))
                << "%)";
    } else {
      std::cout << " MiB";
    }
    if (seconds > 0) std::cout << "  " << Mib(static_cast<int64_t>(received / seconds)) << " MiB/s";
    std::cout << "   " << std::flush;
    drawn_any_ = true;
  }

  void End() {
    if (drawn_any_) std::cout << "\n";
    drawn_any_ = false;
  }

 private:
  static std::string Mib(int64_t bytes) {
    return absl::StrFormat("%.1f", static_cast<double>(bytes) / (1 << 20));
  }

  const bool live_;
  const absl::Time start_;
  absl::Time drawn_ = absl::InfinitePast();
  bool drawn_any_ = false;
};

// Saves the task's video to `path`: the gateway's own copy (ReadVideoContent,
// resumed and checked against its digest); from the provider's URL only
// when the gateway keeps no copy, while that link still works.
absl::StatusOr<Downloaded> SaveVideo(GatewayClient& client, const v1::VideoTask& task,
                                     const std::string& path, bool live) {
  DownloadMeter meter(live);
  auto progress = [&meter](int64_t received, int64_t total) { meter(received, total); };
  absl::StatusOr<Downloaded> saved =
      client.DownloadContent(task.task_id(), v1::RESULT_FILE_VIDEO, path, progress);
  meter.End();
  std::optional<google::rpc::ErrorInfo> info =
      upstream_api::GetDetail<google::rpc::ErrorInfo>(saved.status());
  if (saved.ok() || !info.has_value() || info->reason() != "CONTENT_NOT_AVAILABLE") return saved;
  std::cerr << "the gateway keeps no copy of this video; downloading the provider's link\n";
  DownloadMeter direct(live);
  saved = DownloadToFile(task.result().video_url(), path,
                         [&direct](int64_t received, int64_t total) { direct(received, total); });
  direct.End();
  return saved;
}

// After a watch: print the outcome, download the video if asked.
int Finish(GatewayClient& client, const absl::StatusOr<v1::VideoTask>& task,
           const CliArgs& args) {
  if (!task.ok()) return ReportError(task.status(), args.json);
  PrintTask(*task, args.json);
  if (task->state() != v1::TASK_STATE_SUCCEEDED) return TaskExitCode(*task);
  if (!args.output.empty()) {
    // A live progress line on a terminal only.
    bool live = !args.json && isatty(STDOUT_FILENO) == 1;
    absl::StatusOr<Downloaded> saved = SaveVideo(client, *task, args.output, live);
    if (!saved.ok()) return ReportError(saved.status(), args.json);
    if (!args.json) {
      std::cout << "saved " << saved->path << " (" << saved->size << " bytes, sha256 "
                << saved->sha256 << ", checked)\n";
    }
  }
  return kExitOk;
}

int Run(const CliArgs& args) {
  if (args.command == Command::kHelp) {
    std::cout << (args.help_for.has_value() ? Usage(*args.help_for) : Usage());
    return kExitOk;
  }
  // The health check is the one call that needs no token (container health
  // checks have none).
  if (args.token.empty() && args.command != Command::kHealth) {
    return ReportError(absl::UnauthenticatedError(
                           "no token: pass --token or set $SEEDANCE_TOKEN"),
                       args.json);
  }
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(args.tls);
  if (!credentials.ok()) return ReportError(credentials.status(), args.json);
  if (!args.output.empty()) {
    if (absl::Status s = CheckWritable(args.output); !s.ok()) return ReportError(s, args.json);
  }
  GatewayClient::Options options;
  // A health check answers at once or not at all: fail fast.
  if (args.command == Command::kHealth) options.call_timeout = absl::Seconds(5);
  // A broken stream is resumed by itself; say so instead of going quiet.
  options.on_retry = [](const absl::Status& error, std::optional<uint64_t> after,
                        absl::Duration delay) {
    std::optional<google::rpc::ErrorInfo> info =
        upstream_api::GetDetail<google::rpc::ErrorInfo>(error);
    if (info.has_value() && info->reason() == "CONTENT_PENDING") {
      std::cerr << "the gateway is still fetching the video from the provider; asking again in "
                << absl::FormatDuration(delay) << std::endl;
      return;
    }
    std::cerr << "stream broke (" << upstream_api::StatusSummary(error) << "); resuming"
              << (after.has_value() ? absl::StrCat(" after sequence ", *after) : std::string())
              << " in " << absl::FormatDuration(delay) << std::endl;
  };
  GatewayClient client(grpc::CreateChannel(args.gateway, *credentials), args.token, options);
  if (args.command != Command::kHealth) {
    absl::Status reached = client.AwaitConnected(args.connect_timeout, [&](absl::Duration waited) {
      std::cerr << "connecting to " << args.gateway << " (" << absl::FormatDuration(waited)
                << " so far; giving up after " << absl::FormatDuration(args.connect_timeout)
                << ", --connect-timeout)" << std::endl;
    });
    if (!reached.ok()) {
      return ReportError(absl::UnavailableError(absl::StrCat(
                             "at ", args.gateway, ": ", reached.message(),
                             "; is it running, and is --gateway right?")),
                         args.json);
    }
  }
  ProgressPrinter printer(args.json);
  auto on_message = [&printer](const v1::WatchVideoTaskResponse& m) { printer(m); };

  switch (args.command) {
    case Command::kCreate: {
      v1::CreateVideoTaskRequest request = args.create;
      for (const CliArgs::Image& image : args.images) {
        v1::ImageInput* input = request.mutable_spec()->add_images();
        input->set_role(image.role);
        if (!image.source.empty() && image.source[0] == '@') {
          absl::StatusOr<std::string> url = ImageFileToDataUrl(image.source.substr(1));
          if (!url.ok()) return ReportError(url.status(), args.json);
          input->set_url(*url);
        } else {
          input->set_url(image.source);
        }
      }
      // An idempotency key by default: a retried create never bills twice.
      if (request.request_id().empty()) request.set_request_id(NewUuid());
      if (!args.wait || request.validate_only()) {
        absl::StatusOr<v1::VideoTask> task = client.Create(request);
        if (!task.ok()) return ReportError(task.status(), args.json);
        if (request.validate_only() && !args.json) {
          std::cout << "valid: the gateway accepts this " << task->spec().model()
                    << " request; nothing was created or billed\n";
          for (const std::string& note : task->notes()) std::cout << "  note: " << note << "\n";
          return kExitOk;
        }
        PrintTask(*task, args.json);
        return kExitOk;
      }
      absl::StatusOr<v1::VideoTask> task = client.CreateAndWatch(request, on_message);
      printer.EndLiveLine();
      return Finish(client, task, args);
    }
    case Command::kWatch: {
      absl::StatusOr<v1::VideoTask> task =
          client.WatchToEnd(args.task_id, args.after_sequence, on_message);
      printer.EndLiveLine();
      return Finish(client, task, args);
    }
    case Command::kGet: {
      absl::StatusOr<v1::VideoTask> task = client.Get(args.task_id);
      if (!task.ok()) return ReportError(task.status(), args.json);
      PrintTask(*task, args.json);
      return kExitOk;
    }
    case Command::kCancel: {
      absl::StatusOr<v1::VideoTask> task = client.Cancel(args.task_id);
      if (!task.ok()) return ReportError(task.status(), args.json);
      PrintTask(*task, args.json);
      return kExitOk;
    }
    case Command::kList: {
      absl::StatusOr<v1::ListVideoTasksResponse> page = client.List(args.list);
      if (!page.ok()) return ReportError(page.status(), args.json);
      if (args.json) {
        std::cout << Json(*page) << "\n";
        return kExitOk;
      }
      for (const v1::VideoTask& task : page->tasks()) PrintTask(task, false);
      if (!page->next_page_token().empty()) {
        std::cout << "next page: --page-token " << page->next_page_token() << "\n";
      }
      return kExitOk;
    }
    case Command::kModels: {
      absl::StatusOr<v1::ListModelsResponse> models = client.ListModels();
      if (!models.ok()) return ReportError(models.status(), args.json);
      if (args.json) {
        std::cout << Json(*models) << "\n";
        return kExitOk;
      }
      for (const v1::ModelInfo& m : models->models()) {
        std::cout << absl::StrFormat("%-38s text:%s image:%s first+last:%s audio:%s\n",
                                     m.model(), m.text_to_video() ? "yes" : "no",
                                     m.image_to_video() ? "yes" : "no",
                                     m.first_last_frame() ? "yes" : "no",
                                     m.audio() ? "yes" : "no");
      }
      return kExitOk;
    }
    case Command::kHealth: {
      auto serving = client.CheckHealth(args.health_service);
      if (!serving.ok()) return ReportError(serving.status(), args.json);
      std::string name = grpc::health::v1::HealthCheckResponse::ServingStatus_Name(*serving);
      if (args.json) {
        std::cout << "{\"status\":\"" << name << "\"}\n";
      } else {
        std::cout << name << "\n";
      }
      return *serving == grpc::health::v1::HealthCheckResponse::SERVING ? kExitOk
                                                                       : kExitUnavailable;
    }
    case Command::kHelp:
      break;
  }
  return kExitOk;
}

}  // namespace
}  // namespace seedance::client

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<seedance::client::CliArgs> parsed = seedance::client::ParseCliArgs(args);
  if (!parsed.ok()) {
    std::cerr << "seedance: " << parsed.status().message()
              << "\nrun 'seedance help' or 'seedance COMMAND --help' for the flags\n";
    return seedance::client::kExitInvalid;
  }
  return seedance::client::Run(*parsed);
}
