// seedance-mock-upstream: the mock of the SeeDance Videos Generation REST API
// for offline tests. Prints the bound port on one line of stdout, then
// serves until SIGTERM or SIGINT. `--help` lists every flag and scenario.
//
//   seedance-mock-upstream --port=0 --generation_ms=300
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/log.h"
#include "mock_upstream/media.h"
#include "mock_upstream/mock_upstream.h"
#include "mock_upstream/scenario.h"

namespace {

using seedance::mock_upstream::MockConfig;
using seedance::mock_upstream::MockOptions;

const MockOptions kDefaults;

}  // namespace

ABSL_FLAG(std::string, address, kDefaults.address, "Address to listen on.");
ABSL_FLAG(int, port, kDefaults.port, "Port to listen on; 0 picks a free one.");
ABSL_FLAG(int, io_threads, kDefaults.io_threads, "IO threads serving every connection.");
ABSL_FLAG(std::string, public_base_url, "",
          "Base of video_url and last_frame_url (default http://<address>:<port>).");
ABSL_FLAG(std::vector<std::string>, tokens, {},
          "Valid bearer tokens, comma-separated (default: any non-empty token that is "
          "not foreign).");
ABSL_FLAG(std::vector<std::string>, foreign_tokens, kDefaults.foreign_tokens,
          "Tokens of another service, comma-separated: 400 token_mismatched.");
ABSL_FLAG(int, queue_ms, absl::ToInt64Milliseconds(kDefaults.config.queue_time),
          "Time a task spends queued before running.");
ABSL_FLAG(int, generation_ms, absl::ToInt64Milliseconds(kDefaults.config.generation_time),
          "Time a task spends running (the simulated generation).");
ABSL_FLAG(int, slow_generation_ms,
          absl::ToInt64Milliseconds(kDefaults.config.slow_generation_time),
          "Generation time of the `slow` scenario.");
ABSL_FLAG(double, rate_limit_per_second, kDefaults.config.rate_limit_per_second,
          "Token bucket per bearer token over all API calls; 0: no limit.");
ABSL_FLAG(double, rate_limit_burst, kDefaults.config.rate_limit_burst,
          "Bucket size of the rate limit.");
ABSL_FLAG(int, max_tasks_in_flight, kDefaults.config.max_tasks_in_flight,
          "Unfinished tasks per bearer token before 429; 0: no cap.");
ABSL_FLAG(int, fail_first_n, kDefaults.config.fail_first_n,
          "The first N videos calls get --fail_first_scenario.");
ABSL_FLAG(std::string, fail_first_scenario, kDefaults.config.fail_first_scenario,
          "Scenario list for the first N calls.");
ABSL_FLAG(int, retry_after_s, absl::ToInt64Seconds(kDefaults.config.retry_after),
          "Retry-After seconds of 429 answers.");
ABSL_FLAG(int, callback_timeout_ms,
          absl::ToInt64Milliseconds(kDefaults.config.callback_timeout),
          "How long a callback receiver may take to answer.");
ABSL_FLAG(int, callback_retry_ms,
          absl::ToInt64Milliseconds(kDefaults.config.callback_retry_interval),
          "callback_retry scenario: pause between attempts (Ark: 5000).");
ABSL_FLAG(int, callback_retries, kDefaults.config.callback_retries,
          "callback_retry scenario: re-sends after the first attempt (Ark: 3).");
ABSL_FLAG(int, drip_chunk_bytes, static_cast<int>(kDefaults.config.drip_chunk_bytes),
          "slow_drip scenario: bytes per write.");
ABSL_FLAG(int, drip_interval_ms, absl::ToInt64Milliseconds(kDefaults.config.drip_interval),
          "slow_drip scenario: pause between writes.");
ABSL_FLAG(int64_t, video_bytes, kDefaults.config.video_bytes,
          "Size of the video at video_url: 0 for the embedded sample (a few KiB), else a "
          "valid MP4 of exactly this many bytes (the sample padded with a `free` box).");
ABSL_FLAG(int, media_ttl_ms, 0,
          "Result URLs answer 403 (an expired signed link) this long after their task "
          "finished; 0: never.");
ABSL_FLAG(int, media_drip_ms, 0,
          "Result files are sent --media_drip_chunk_bytes at a time, one piece every this "
          "many ms (a slow download); 0: at full speed.");
ABSL_FLAG(int, media_drip_chunk_bytes, static_cast<int>(kDefaults.config.media_drip_chunk_bytes),
          "--media_drip_ms: bytes per piece.");
ABSL_FLAG(int, max_tasks, static_cast<int>(kDefaults.max_tasks),
          "Tasks remembered; the oldest are forgotten beyond this.");
ABSL_FLAG(int, journal_limit, static_cast<int>(kDefaults.journal_limit),
          "Journal entries kept; the oldest are dropped beyond this.");
ABSL_FLAG(int, max_connections, static_cast<int>(kDefaults.max_connections),
          "Open connections accepted at once.");
ABSL_FLAG(bool, refuse_unknown_fields, kDefaults.config.refuse_unknown_fields,
          "refuse request bodies with keys the API does not know (a typo such as "
          "\"durtion\") with 400 api_not_implemented naming them; without it they are "
          "ignored and reported in the X-Mock-Unknown-Fields header and the journal");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error.");
ABSL_FLAG(std::string, log_format, "text", "text (key=value fields) or json (an object per line).");

namespace {

std::string Usage() {
  return absl::StrCat(
      "a mock of the SeeDance Videos Generation REST API.\n\n"
      "  seedance-mock-upstream --port=0 [flags]\n\n"
      "Prints the bound port on one line of stdout, then serves until SIGTERM/SIGINT.\n\n"
      "API (as the provider's guide says):\n"
      "  POST /v1/seedance/videos   blocking; {\"task_id\"} at once with callback_url "
      "(result POSTed there) or \"async\": true\n"
      "  POST /v1/seedance/tasks    {\"action\": \"retrieve\", \"id\"} | "
      "{\"action\": \"retrieve_batch\", \"ids\"}\n"
      "  GET  /seedance/<id>.mp4|png  the result media (Range supported)\n\n"
      "Scenarios, chosen per request by header \"X-Mock-Scenario: a,b=1\" (and "
      "\"X-Mock-<Param>: N\"),\nby \"[mock:a,b=1]\" in the prompt, or by an admin rule "
      "for the bearer token:\n",
      seedance::mock_upstream::ScenarioHelp(),
      "\nAdmin API (no auth; for tests):\n"
      "  GET    /__mock/health\n"
      "  GET    /__mock/journal?since=SEQ&kind=K&task_id=ID&...   entries matching "
      "all filters\n"
      "  GET    /__mock/journal/wait?kind=callback&task_id=ID&outcome=delivered"
      "&count=1&timeout_ms=10000\n"
      "  POST   /__mock/reset            cancels timers, forgets tasks, journal, "
      "rules, quotas; config back to flags\n"
      "  GET|POST /__mock/config         runtime config (same names as the flags)\n"
      "  GET|POST|DELETE /__mock/rules   {\"token\", \"scenario\", \"times\", "
      "\"endpoint\": videos|tasks|all}\n"
      "  GET    /__mock/scenarios\n");
}

absl::Duration Ms(int ms) { return absl::Milliseconds(ms); }

MockOptions OptionsFromFlags() {
  MockOptions options;
  options.address = absl::GetFlag(FLAGS_address);
  options.port = absl::GetFlag(FLAGS_port);
  options.io_threads = absl::GetFlag(FLAGS_io_threads);
  options.public_base_url = absl::GetFlag(FLAGS_public_base_url);
  options.tokens = absl::GetFlag(FLAGS_tokens);
  options.foreign_tokens = absl::GetFlag(FLAGS_foreign_tokens);
  options.max_tasks = static_cast<size_t>(absl::GetFlag(FLAGS_max_tasks));
  options.journal_limit = static_cast<size_t>(absl::GetFlag(FLAGS_journal_limit));
  options.max_connections = static_cast<size_t>(absl::GetFlag(FLAGS_max_connections));
  MockConfig& c = options.config;
  c.queue_time = Ms(absl::GetFlag(FLAGS_queue_ms));
  c.generation_time = Ms(absl::GetFlag(FLAGS_generation_ms));
  c.slow_generation_time = Ms(absl::GetFlag(FLAGS_slow_generation_ms));
  c.rate_limit_per_second = absl::GetFlag(FLAGS_rate_limit_per_second);
  c.rate_limit_burst = absl::GetFlag(FLAGS_rate_limit_burst);
  c.max_tasks_in_flight = absl::GetFlag(FLAGS_max_tasks_in_flight);
  c.refuse_unknown_fields = absl::GetFlag(FLAGS_refuse_unknown_fields);
  c.fail_first_n = absl::GetFlag(FLAGS_fail_first_n);
  c.fail_first_scenario = absl::GetFlag(FLAGS_fail_first_scenario);
  c.retry_after = absl::Seconds(absl::GetFlag(FLAGS_retry_after_s));
  c.callback_timeout = Ms(absl::GetFlag(FLAGS_callback_timeout_ms));
  c.callback_retry_interval = Ms(absl::GetFlag(FLAGS_callback_retry_ms));
  c.callback_retries = absl::GetFlag(FLAGS_callback_retries);
  c.drip_chunk_bytes = static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_drip_chunk_bytes)));
  c.drip_interval = Ms(absl::GetFlag(FLAGS_drip_interval_ms));
  c.video_bytes = absl::GetFlag(FLAGS_video_bytes);
  c.media_ttl = Ms(absl::GetFlag(FLAGS_media_ttl_ms));
  c.media_drip_interval = Ms(absl::GetFlag(FLAGS_media_drip_ms));
  c.media_drip_chunk_bytes =
      static_cast<size_t>(std::max(1, absl::GetFlag(FLAGS_media_drip_chunk_bytes)));
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(Usage());
  // --help lists this file's flags (absl would look for a file named after
  // the binary).
  absl::FlagsUsageConfig usage_config;
  // (The help filters see the name normalize_filename below gives.)
  usage_config.contains_help_flags = [](absl::string_view path) {
    return path == "seedance-mock-upstream";
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  // Flags are grouped under their source file, which would show the build
  // machine's path: named instead.
  usage_config.normalize_filename = [](absl::string_view path) -> std::string {
    return absl::EndsWith(path, "mock_upstream_main.cc") ? "seedance-mock-upstream"
                                                         : std::string(path);
  };
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(argc, argv);
  if (absl::Status logging = seedance::ConfigureLogging(absl::GetFlag(FLAGS_log_level),
                                                         absl::GetFlag(FLAGS_log_format));
      !logging.ok()) {
    std::cerr << "seedance-mock-upstream: " << logging.message() << "\n";
    return 2;
  }
  seedance::mock_upstream::Scenario check;
  if (absl::Status valid = seedance::mock_upstream::ApplyScenarioList(
          absl::GetFlag(FLAGS_fail_first_scenario), check);
      !valid.ok()) {
    std::cerr << "seedance-mock-upstream: --fail_first_scenario: " << valid.message()
              << "\n";
    return 2;
  }
  // Block the stop signals before any thread starts, so that every thread
  // inherits the mask and sigwait below receives them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Each held call is a socket: allow as many as the hard limit does.
  rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  seedance::mock_upstream::MockOptions options = OptionsFromFlags();
  if (absl::Status size = seedance::mock_upstream::VideoOfSize(options.config.video_bytes).status();
      !size.ok()) {
    std::cerr << "seedance-mock-upstream: --" << size.message() << "\n";
    return 2;
  }
  auto mock = seedance::mock_upstream::MockUpstream::Start(std::move(options));
  if (!mock.ok()) {
    std::cerr << "seedance-mock-upstream: " << mock.status().message() << "\n";
    return 1;
  }
  std::printf("%d\n", (*mock)->port());
  std::fflush(stdout);
  seedance::Log(seedance::LogLevel::kInfo, "mock_upstream_listening",
                {{"base_url", (*mock)->base_url()}});
  int received = 0;
  sigwait(&stop, &received);
  seedance::Log(seedance::LogLevel::kInfo, "mock_upstream_stopping",
                {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*mock)->Shutdown();
  return 0;
}
