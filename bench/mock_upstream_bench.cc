// seedance-mock-upstream-bench: how much load the mock upstream takes, so
// that it is never the bottleneck when the gateway is benchmarked against
// it. Two measurements, each against a fresh mock process:
//
//  1. throughput: blocking POST /v1/seedance/videos with zero generation
//     time over keep-alive connections (requests/s, latency, the mock's CPU);
//  2. held: N calls held open at once for a long generation (the mock's peak
//     RSS and thread count from /proc/<pid>/status), and that all complete.
//
// The client is libcurl's multi interface on one thread, so it is never the
// limit that thread-per-request clients would be.
//
//   seedance-mock-upstream-bench                  # 64 connections x 10 s; 5,000 x 30 s
//   seedance-mock-upstream-bench --quick          # a few seconds (a smoke test)
//
// Prints a table and writes the figures as JSON (--output).
#include <curl/curl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/bench_util.h"
#include "bench/curl_load.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/mock_upstream_process.h"

ABSL_FLAG(bool, quick, false,
          "Small numbers (8 connections x 1 s; 200 calls held 1 s): a smoke test.");
ABSL_FLAG(int, connections, 64, "Keep-alive connections of the throughput run.");
ABSL_FLAG(double, seconds, 10, "Length of the throughput run.");
ABSL_FLAG(int, held, 5000, "Calls held open at once in the held run.");
ABSL_FLAG(int, held_generation_ms, 30000, "Generation time of the held calls.");
ABSL_FLAG(int, io_threads, 1, "--io_threads of the mock.");
ABSL_FLAG(std::string, output, "mock_upstream_bench.json", "Where to write the JSON.");

namespace seedance::bench {
namespace {

using ::seedance::testing::MockUpstreamProcess;

struct ThroughputResult {
  int connections = 0;
  double seconds = 0;
  long ok = 0;
  long errors = 0;
  double requests_per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double mock_cpu_percent = 0;
  long mock_rss_kb = 0;
  long mock_threads = 0;
};

ThroughputResult RunThroughput(int connections, double seconds, int io_threads) {
  ThroughputResult result;
  result.connections = connections;
  auto mock = MockUpstreamProcess::Start(
      {"--generation_ms=0", "--queue_ms=0", "--log_level=warning",
       "--journal_limit=10000", "--max_tasks=10000",
       absl::StrCat("--io_threads=", io_threads)});
  if (!mock.ok()) {
    std::fprintf(stderr, "cannot start the mock: %s\n", mock.status().ToString().c_str());
    return result;
  }
  pid_t pid = (*mock)->process().pid();
  double cpu_start = CpuSeconds(pid);
  CurlLoadResult load = RunCurlLoad({.url = (*mock)->base_url() + "/v1/seedance/videos",
                                     .connections = connections,
                                     .duration = absl::Seconds(seconds),
                                     .timeout = absl::Seconds(30)});
  result.ok = load.ok;
  result.errors = load.errors;
  result.seconds = load.seconds;
  result.requests_per_second = load.per_second();
  result.p50_ms = Percentile(load.latencies_ms, 0.5);
  result.p99_ms = Percentile(load.latencies_ms, 0.99);
  result.mock_cpu_percent = 100 * (CpuSeconds(pid) - cpu_start) / load.seconds;
  ProcessSample sample = SampleProcess(pid);
  result.mock_rss_kb = sample.hwm_kb;
  result.mock_threads = sample.threads;
  (void)(*mock)->Stop();
  return result;
}

struct HeldResult {
  int held = 0;
  int generation_ms = 0;
  long ok = 0;
  long errors = 0;
  long baseline_rss_kb = 0;
  long baseline_threads = 0;
  long peak_rss_kb = 0;
  long peak_threads = 0;
  double first_done_s = 0;
  double last_done_s = 0;
};

HeldResult RunHeld(int held, int generation_ms, int io_threads) {
  HeldResult result;
  result.held = held;
  result.generation_ms = generation_ms;
  auto mock = MockUpstreamProcess::Start(
      {absl::StrCat("--generation_ms=", generation_ms), "--queue_ms=0",
       "--log_level=warning", absl::StrCat("--io_threads=", io_threads)});
  if (!mock.ok()) {
    std::fprintf(stderr, "cannot start the mock: %s\n", mock.status().ToString().c_str());
    return result;
  }
  pid_t pid = (*mock)->process().pid();
  ProcessSample baseline = SampleProcess(pid);
  result.baseline_rss_kb = baseline.rss_kb;
  result.baseline_threads = baseline.threads;
  absl::Time next_sample = absl::Now();
  CurlLoadResult load = RunCurlLoad(
      {.url = (*mock)->base_url() + "/v1/seedance/videos",
       .token_for = [](long i) { return absl::StrCat("held-", i % 50); },
       .connections = held,
       .calls = held,
       .timeout = absl::Milliseconds(generation_ms) + absl::Minutes(2),
       .on_poll = [&] {
         if (absl::Now() < next_sample) return;
         ProcessSample sample = SampleProcess(pid);
         result.peak_rss_kb = std::max(result.peak_rss_kb, sample.rss_kb);
         result.peak_threads = std::max(result.peak_threads, sample.threads);
         next_sample = absl::Now() + absl::Milliseconds(250);
       }});
  result.ok = load.ok;
  result.errors = load.errors;
  result.first_done_s = load.first_done_s;
  result.last_done_s = load.last_done_s;
  result.peak_rss_kb = std::max(result.peak_rss_kb, SampleProcess(pid).hwm_kb);
  (void)(*mock)->Stop();
  return result;
}

}  // namespace
}  // namespace seedance::bench

int main(int argc, char** argv) {
  using namespace seedance::bench;  // NOLINT: a main of its own namespace
  absl::ParseCommandLine(argc, argv);
  bool quick = absl::GetFlag(FLAGS_quick);
  int connections = quick ? 8 : absl::GetFlag(FLAGS_connections);
  double seconds = quick ? 1 : absl::GetFlag(FLAGS_seconds);
  int held = quick ? 200 : absl::GetFlag(FLAGS_held);
  int generation_ms = quick ? 1000 : absl::GetFlag(FLAGS_held_generation_ms);
  int io_threads = absl::GetFlag(FLAGS_io_threads);
  RaiseFileLimit();  // the mock inherits the limit too
  curl_global_init(CURL_GLOBAL_DEFAULT);

  ThroughputResult t = RunThroughput(connections, seconds, io_threads);
  HeldResult h = RunHeld(held, generation_ms, io_threads);

  std::printf("mock upstream benchmark%s (io_threads=%d, %ld CPU cores)\n",
              quick ? " (quick)" : "", io_threads, sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("  %-44s %s\n", "measure", "value");
  std::printf("  %-44s %.0f\n",
              absl::StrFormat("requests/s (%d keep-alive conns, gen 0 ms)", connections).c_str(),
              t.requests_per_second);
  std::printf("  %-44s %.2f / %.2f\n", "latency p50 / p99 (ms)", t.p50_ms, t.p99_ms);
  std::printf("  %-44s %ld ok, %ld errors\n", "calls", t.ok, t.errors);
  std::printf("  %-44s %.0f%%\n", "mock CPU during the run", t.mock_cpu_percent);
  std::printf("  %-44s %ld ok, %ld errors\n",
              absl::StrFormat("held calls (%d x %d ms)", held, generation_ms).c_str(), h.ok,
              h.errors);
  std::printf("  %-44s %.1f MiB -> %.1f MiB (%.1f KiB per held call)\n", "mock RSS idle -> peak",
              h.baseline_rss_kb / 1024.0, h.peak_rss_kb / 1024.0,
              held > 0 ? static_cast<double>(h.peak_rss_kb - h.baseline_rss_kb) / held : 0);
  std::printf("  %-44s %ld -> %ld\n", "mock threads idle -> peak", h.baseline_threads,
              h.peak_threads);
  std::printf("  %-44s %.2f s / %.2f s\n", "held calls answered after (first / last)",
              h.first_done_s, h.last_done_s);

  std::ofstream out(absl::GetFlag(FLAGS_output));
  out << absl::StrFormat(
      "{\"quick\":%s,\"io_threads\":%d,"
      "\"throughput\":{\"connections\":%d,\"seconds\":%.3f,\"ok\":%ld,\"errors\":%ld,"
      "\"requests_per_second\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"mock_cpu_percent\":%.1f,\"mock_peak_rss_kb\":%ld,\"mock_threads\":%ld},"
      "\"held\":{\"calls\":%d,\"generation_ms\":%d,\"ok\":%ld,\"errors\":%ld,"
      "\"baseline_rss_kb\":%ld,\"peak_rss_kb\":%ld,\"baseline_threads\":%ld,"
      "\"peak_threads\":%ld,\"first_done_s\":%.3f,\"last_done_s\":%.3f}}\n",
      quick ? "true" : "false", io_threads, t.connections, t.seconds, t.ok, t.errors,
      t.requests_per_second, t.p50_ms, t.p99_ms, t.mock_cpu_percent, t.mock_rss_kb,
      t.mock_threads, h.held, h.generation_ms, h.ok, h.errors, h.baseline_rss_kb,
      h.peak_rss_kb, h.baseline_threads, h.peak_threads, h.first_done_s, h.last_done_s);
  // A smoke test fails only if calls failed, never on figures.
  bool all_ok = t.ok > 0 && t.errors == 0 && h.ok == held && h.errors == 0;
  curl_global_cleanup();
  return all_ok ? 0 : 1;
}
