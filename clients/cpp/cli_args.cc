#include "clients/cpp/cli_args.h"

#include <cstdlib>
#include <functional>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace seedance::client {
namespace {

// Values are matched in any case: the CLI prints states in upper case and
// a user types them back so.
template <typename Enum>
absl::StatusOr<Enum> Lookup(const std::map<std::string, Enum>& names, const std::string& flag,
                            const std::string& value) {
  auto it = names.find(absl::AsciiStrToLower(value));
  if (it != names.end()) return it->second;
  std::string allowed;
  for (const auto& [name, unused] : names) absl::StrAppend(&allowed, allowed.empty() ? "" : ", ", name);
  return absl::InvalidArgumentError(
      absl::StrCat(flag, " ", value, ": use one of ", allowed));
}

const std::map<std::string, v1::Resolution> kResolutions = {
    {"480p", v1::RESOLUTION_480P}, {"720p", v1::RESOLUTION_720P}, {"1080p", v1::RESOLUTION_1080P}};
const std::map<std::string, v1::AspectRatio> kRatios = {
    {"16:9", v1::ASPECT_RATIO_16_9}, {"4:3", v1::ASPECT_RATIO_4_3},
    {"1:1", v1::ASPECT_RATIO_1_1},   {"3:4", v1::ASPECT_RATIO_3_4},
    {"9:16", v1::ASPECT_RATIO_9_16}, {"21:9", v1::ASPECT_RATIO_21_9},
    {"adaptive", v1::ASPECT_RATIO_ADAPTIVE}};
const std::map<std::string, v1::ServiceTier> kTiers = {{"default", v1::SERVICE_TIER_DEFAULT},
                                                       {"flex", v1::SERVICE_TIER_FLEX}};
const std::map<std::string, v1::FrameRole> kRoles = {{"first", v1::FRAME_ROLE_FIRST_FRAME},
                                                     {"last", v1::FRAME_ROLE_LAST_FRAME}};
const std::map<std::string, v1::TaskState> kStates = {
    {"pending", v1::TASK_STATE_PENDING},     {"queued", v1::TASK_STATE_QUEUED},
    {"running", v1::TASK_STATE_RUNNING},     {"succeeded", v1::TASK_STATE_SUCCEEDED},
    {"failed", v1::TASK_STATE_FAILED},       {"cancelled", v1::TASK_STATE_CANCELLED},
    {"expired", v1::TASK_STATE_EXPIRED}};

absl::StatusOr<bool> ParseBool(const std::string& flag, const std::string& value) {
  if (value == "true" || value == "1" || value == "yes") return true;
  if (value == "false" || value == "0" || value == "no") return false;
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", value, ": use true or false"));
}

template <typename Int>
absl::StatusOr<Int> ParseInt(const std::string& flag, const std::string& value) {
  Int n;
  if (!absl::SimpleAtoi(value, &n)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " ", value, ": not an integer"));
  }
  return n;
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// The flags each command takes (a flag of another command is an error, not
// silently ignored).
const absl::flat_hash_set<std::string>& FlagsOf(Command command) {
  static const auto* const kCreate = new absl::flat_hash_set<std::string>{
      "--model", "--prompt", "--image", "--resolution", "--ratio", "--duration",
      "--frames", "--fps", "--seed", "--camera-fixed", "--watermark", "--audio", "--tier",
      "--last-frame", "--expires-after", "--callback-url", "--request-id",
      "--validate-only", "--wait", "--output"};
  static const auto* const kWatch = new absl::flat_hash_set<std::string>{"--after", "--output"};
  static const auto* const kList =
      new absl::flat_hash_set<std::string>{"--state", "--page-size", "--page-token"};
  static const auto* const kHealth = new absl::flat_hash_set<std::string>{"--service"};
  static const auto* const kNone = new absl::flat_hash_set<std::string>{};
  switch (command) {
    case Command::kCreate: return *kCreate;
    case Command::kWatch: return *kWatch;
    case Command::kList: return *kList;
    case Command::kHealth: return *kHealth;
    default: return *kNone;
  }
}

}  // namespace

namespace {

// Each command's usage, in the order `seedance help` lists them.
const std::vector<std::pair<Command, std::string>>& CommandUsages() {
  static const auto* const kUsages = new std::vector<std::pair<Command, std::string>>{
      {Command::kCreate, R"(  create --model M --prompt P [options]   create a video task
      --image URL|@FILE[,first|last]      input image (repeatable; @FILE sends a
                                          local image as a data URL)
      --resolution 480p|720p|1080p   --ratio 16:9|4:3|1:1|3:4|9:16|21:9|adaptive
      --duration SECONDS (2-12)      --frames N (25+4n, 29-289)
      --fps 24 (the only rate)
      --seed N (-1..4294967295)      --camera-fixed true|false
      --watermark true|false         --audio true|false
      --tier default|flex            --last-frame true|false
      --expires-after SECONDS        --callback-url URL
      --request-id ID                (idempotency key; default: a new UUID)
      --validate-only                check without creating
      --wait                         stream the status until the task ends
      --output FILE                  with --wait: save the MP4 there, from the
                                     gateway's own copy (resumed if the stream
                                     breaks, checked against its SHA-256); the
                                     place is checked before the task is created
)"},
      {Command::kGet, R"(  get TASK_ID                        show a task
)"},
      {Command::kWatch, R"(  watch TASK_ID [--after N] [--output FILE]
                                     stream a task's status until it ends
)"},
      {Command::kList, R"(  list [--state S]... [--page-size N] [--page-token T]
                                     list your tasks (S: pending, queued, running,
                                     succeeded, failed, cancelled, expired; any case)
)"},
      {Command::kCancel, R"(  cancel TASK_ID                     cancel a task
)"},
      {Command::kModels, R"(  models                             list the models
)"},
      {Command::kHealth, R"(  health [--service NAME]            gRPC health check (grpc.health.v1.Health/Check);
                                     exit 0 when SERVING, 3 otherwise (no token needed)
)"},
  };
  return *kUsages;
}

const std::map<std::string, Command>& CommandNames() {
  static const auto* const kCommands = new std::map<std::string, Command>{
      {"create", Command::kCreate}, {"get", Command::kGet},       {"list", Command::kList},
      {"cancel", Command::kCancel}, {"watch", Command::kWatch},   {"models", Command::kModels},
      {"health", Command::kHealth}, {"help", Command::kHelp}};
  return *kCommands;
}

constexpr char kGlobalUsage[] = R"(usage: seedance [--gateway HOST:PORT] [--token TOKEN] [--json]
                [--connect-timeout DURATION (default 20s)]
                [--tls [--ca-file F] [--cert-file F --key-file F]]
                COMMAND [ARGS]
)";

constexpr char kFooter[] = R"(
The token comes from --token or $SEEDANCE_TOKEN; the gateway from --gateway or
$SEEDANCE_GATEWAY (default 127.0.0.1:50051). A gateway that cannot be reached is
reported within a second and given up after --connect-timeout (exit 3).

exit status: 0 done (task succeeded); 1 the task failed, was cancelled or
expired; 2 invalid input; 3 gateway or upstream unavailable (retry later; also
a task that failed because the upstream was unreachable); 4 not authenticated
or not allowed (also a task the upstream refused so); 5 any other error.
)";

}  // namespace

std::string Usage() {
  std::string text = absl::StrCat(kGlobalUsage, "\ncommands:\n");
  for (const auto& [command, usage] : CommandUsages()) absl::StrAppend(&text, usage);
  return absl::StrCat(text, kFooter);
}

std::string Usage(Command command) {
  for (const auto& [c, usage] : CommandUsages()) {
    if (c == command) return absl::StrCat(kGlobalUsage, "\n", usage, kFooter);
  }
  return Usage();
}

absl::StatusOr<CliArgs> ParseCliArgs(const std::vector<std::string>& argv) {
  CliArgs args;
  args.gateway = EnvOr("SEEDANCE_GATEWAY", "127.0.0.1:50051");
  args.token = EnvOr("SEEDANCE_TOKEN", "");
  size_t i = 0;
  // Takes the value of flag argv[i] ("--f v" or "--f=v").
  auto value_of = [&](const std::string& flag, std::string& out) -> absl::Status {
    size_t eq = argv[i].find('=');
    if (eq != std::string::npos) {
      out = argv[i].substr(eq + 1);
      return absl::OkStatus();
    }
    if (i + 1 >= argv.size()) {
      return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
    }
    out = argv[++i];
    return absl::OkStatus();
  };
  auto name_of = [&]() { return argv[i].substr(0, argv[i].find('=')); };

  // Global flags, then the command.
  for (; i < argv.size() && absl::StartsWith(argv[i], "--"); ++i) {
    std::string flag = name_of();
    std::string v;
    if (flag == "--json") {
      args.json = true;
    } else if (flag == "--tls") {
      args.tls.enabled = true;
    } else if (flag == "--help" || flag == "-h") {
      args.command = Command::kHelp;
      return args;
    } else if (flag == "--connect-timeout") {
      if (absl::Status s = value_of(flag, v); !s.ok()) return s;
      if (!absl::ParseDuration(v, &args.connect_timeout) ||
          args.connect_timeout <= absl::ZeroDuration()) {
        return absl::InvalidArgumentError(
            absl::StrCat(flag, " ", v, ": use a positive duration such as 20s or 2m"));
      }
    } else if (flag == "--gateway" || flag == "--token" || flag == "--ca-file" ||
               flag == "--cert-file" || flag == "--key-file") {
      if (absl::Status s = value_of(flag, v); !s.ok()) return s;
      std::string& target = flag == "--gateway"     ? args.gateway
                            : flag == "--token"     ? args.token
                            : flag == "--ca-file"   ? args.tls.ca_file
                            : flag == "--cert-file" ? args.tls.cert_file
                                                    : args.tls.key_file;
      target = v;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", flag));
    }
  }
  if (i >= argv.size()) return absl::InvalidArgumentError("no command given");
  const std::string command = argv[i++];
  auto found = CommandNames().find(command);
  if (found == CommandNames().end()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown command ", command));
  }
  args.command = found->second;
  if (args.command == Command::kHelp) {
    // `seedance help COMMAND`: that command's usage.
    if (i < argv.size()) {
      auto topic = CommandNames().find(argv[i]);
      if (topic == CommandNames().end()) {
        return absl::InvalidArgumentError(absl::StrCat("no help for ", argv[i]));
      }
      args.help_for = topic->second;
    }
    return args;
  }

  v1::VideoSpec& spec = *args.create.mutable_spec();
  for (; i < argv.size(); ++i) {
    if (argv[i] == "-h" || argv[i] == "--help") {
      args.help_for = args.command;
      args.command = Command::kHelp;
      return args;
    }
    if (!absl::StartsWith(argv[i], "--")) {
      if (!args.task_id.empty() || args.command == Command::kCreate ||
          args.command == Command::kList || args.command == Command::kModels ||
          args.command == Command::kHealth) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected argument ", argv[i]));
      }
      args.task_id = argv[i];
      continue;
    }
    std::string flag = name_of();
    std::string v;
    if (!FlagsOf(args.command).contains(flag)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", flag, " for ", command));
    }
    // Flags without a value.
    if (flag == "--wait") {
      args.wait = true;
      continue;
    }
    if (flag == "--validate-only") {
      args.create.set_validate_only(true);
      continue;
    }
    if (absl::Status s = value_of(flag, v); !s.ok()) return s;
    absl::Status bad;
    auto set_bool = [&](const std::function<void(bool)>& set) {
      absl::StatusOr<bool> b = ParseBool(flag, v);
      if (b.ok()) set(*b); else bad = b.status();
    };
    if (flag == "--model") {
      spec.set_model(v);
    } else if (flag == "--prompt") {
      spec.set_prompt(v);
    } else if (flag == "--image") {
      std::vector<std::string> parts = absl::StrSplit(v, absl::MaxSplits(',', 1));
      CliArgs::Image image{parts[0]};
      if (parts.size() == 2) {
        absl::StatusOr<v1::FrameRole> role = Lookup(kRoles, flag, parts[1]);
        if (!role.ok()) return role.status();
        image.role = *role;
      }
      args.images.push_back(image);
    } else if (flag == "--resolution") {
      absl::StatusOr<v1::Resolution> r = Lookup(kResolutions, flag, v);
      if (!r.ok()) return r.status();
      spec.set_resolution(*r);
    } else if (flag == "--ratio") {
      absl::StatusOr<v1::AspectRatio> r = Lookup(kRatios, flag, v);
      if (!r.ok()) return r.status();
      spec.set_ratio(*r);
    } else if (flag == "--tier") {
      absl::StatusOr<v1::ServiceTier> t = Lookup(kTiers, flag, v);
      if (!t.ok()) return t.status();
      spec.set_service_tier(*t);
    } else if (flag == "--duration") {
      absl::StatusOr<int> n = ParseInt<int>(flag, v);
      if (!n.ok()) return n.status();
      spec.set_duration_seconds(*n);
    } else if (flag == "--frames") {
      absl::StatusOr<int> n = ParseInt<int>(flag, v);
      if (!n.ok()) return n.status();
      spec.set_frames(*n);
    } else if (flag == "--fps") {
      absl::StatusOr<int> n = ParseInt<int>(flag, v);
      if (!n.ok()) return n.status();
      spec.set_frames_per_second(*n);
    } else if (flag == "--seed") {
      absl::StatusOr<int64_t> n = ParseInt<int64_t>(flag, v);
      if (!n.ok()) return n.status();
      spec.set_seed(*n);
    } else if (flag == "--expires-after") {
      absl::StatusOr<int> n = ParseInt<int>(flag, v);
      if (!n.ok()) return n.status();
      spec.set_execution_expires_after_seconds(*n);
    } else if (flag == "--camera-fixed") {
      set_bool([&](bool b) { spec.set_camera_fixed(b); });
    } else if (flag == "--watermark") {
      set_bool([&](bool b) { spec.set_watermark(b); });
    } else if (flag == "--audio") {
      set_bool([&](bool b) { spec.set_generate_audio(b); });
    } else if (flag == "--last-frame") {
      set_bool([&](bool b) { spec.set_return_last_frame(b); });
    } else if (flag == "--callback-url") {
      spec.set_callback_url(v);
    } else if (flag == "--request-id") {
      args.create.set_request_id(v);
    } else if (flag == "--output") {
      args.output = v;
    } else if (flag == "--after") {
      absl::StatusOr<uint64_t> n = ParseInt<uint64_t>(flag, v);
      if (!n.ok()) return n.status();
      args.after_sequence = *n;
    } else if (flag == "--state") {
      absl::StatusOr<v1::TaskState> s = Lookup(kStates, flag, v);
      if (!s.ok()) return s.status();
      args.list.add_states(*s);
    } else if (flag == "--page-size") {
      absl::StatusOr<int> n = ParseInt<int>(flag, v);
      if (!n.ok()) return n.status();
      args.list.set_page_size(*n);
    } else if (flag == "--page-token") {
      args.list.set_page_token(v);
    } else if (flag == "--service") {
      args.health_service = v;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", flag, " for ", command));
    }
    if (!bad.ok()) return bad;
  }
  bool needs_id = args.command == Command::kGet || args.command == Command::kCancel ||
                  args.command == Command::kWatch;
  if (needs_id && args.task_id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(command, " needs a TASK_ID"));
  }
  if (args.command == Command::kCreate && spec.model().empty()) {
    return absl::InvalidArgumentError("create needs --model");
  }
  // Nothing to save without waiting for the video: refused before a paid
  // task is created.
  if (args.command == Command::kCreate && !args.output.empty() &&
      (!args.wait || args.create.validate_only())) {
    return absl::InvalidArgumentError(
        args.wait ? "--output with --validate-only: nothing is created to save"
                  : "--output needs --wait (the video exists only once the task ends)");
  }
  return args;
}

}  // namespace seedance::client
