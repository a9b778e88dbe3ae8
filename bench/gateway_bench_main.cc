// seedance-gateway-bench: what the gateway costs, measured against a baseline
// in the same run and reported as ratios (2-core machines are noisy: only
// side-by-side ratios are comparable between runs).
//
//   overhead     one create that completes at once (mock generation 0)
//                through the gateway vs. the same request straight to the mock
//                over HTTP keep-alive; sequential, p50/p99.
//   throughput   tasks/s from create to terminal status seen by the client,
//                at saturation, vs. the direct rate of the mock.
//   held         N tasks in flight for a long generation, hold and callback
//                delivery: gateway threads and RSS growth per task.
//   fanout       one status change to W watchers over many channels: time to
//                the last watcher vs. a bare gRPC server writing to W streams.
//   idle         memory per open idle watch stream vs. the bare server.
//   persistence  state changes/s with the SQLite store (durable fsync) vs.
//                in memory, and recovery time of 100,000 stored tasks.
//   replicas     gateways on one PostgreSQL: store and gateway throughput
//                vs. SQLite, a change on replica A to a watcher on B vs. on
//                A, takeover after SIGKILL vs. the lease length.
//
//   seedance-gateway-bench                 # the full suite (minutes)
//   seedance-gateway-bench --quick         # small numbers, a smoke test
//   seedance-gateway-bench --only=fanout,idle
//
// Prints a table and writes the figures as JSON (--output). CPU placement:
// the mock upstream on CPU 0, the gateway / bare server on CPU 1, this load
// generator unpinned.
#include <curl/curl.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/bench_util.h"
#include "bench/scenarios.h"

ABSL_FLAG(bool, quick, false, "small numbers: a smoke test of every scenario");
ABSL_FLAG(std::string, only, "", "comma-separated scenarios to run (default: all)");
ABSL_FLAG(std::string, output, "gateway_bench.json", "where to write the JSON result");
ABSL_FLAG(std::string, mock_cpus, "0", "taskset CPU list for the mock upstream");
ABSL_FLAG(std::string, server_cpus, "1", "taskset CPU list for the gateway / bare server");
ABSL_FLAG(std::vector<std::string>, gateway_flags, {},
          "extra flags for every gateway started, comma-separated (experiments)");

int main(int argc, char** argv) {
  using namespace seedance::bench;  // NOLINT: a main of its own namespace
  absl::ParseCommandLine(argc, argv);
  RaiseFileLimit();
  curl_global_init(CURL_GLOBAL_DEFAULT);

  BenchConfig config = absl::GetFlag(FLAGS_quick) ? BenchConfig::Quick() : BenchConfig::Full();
  config.mock_cpus = absl::GetFlag(FLAGS_mock_cpus);
  config.server_cpus = absl::GetFlag(FLAGS_server_cpus);
  config.gateway_flags = absl::GetFlag(FLAGS_gateway_flags);
  std::vector<std::string> only = absl::StrSplit(absl::GetFlag(FLAGS_only), ',',
                                                 absl::SkipEmpty());
  auto wanted = [&only](const std::string& name) {
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
  };

  Report report(config);
  if (!only.empty() && wanted("probe")) RunProbe(config, report);
  if (wanted("overhead")) RunOverhead(config, report);
  if (wanted("throughput")) RunThroughput(config, report);
  if (wanted("held")) RunHeld(config, report);
  if (wanted("fanout") || wanted("idle")) RunFanout(config, report);
  if (wanted("persistence")) RunPersistence(config, report);
  if (wanted("replicas")) RunReplicas(config, report);
  if (wanted("content")) RunContent(config, report);

  report.Print();
  std::ofstream(absl::GetFlag(FLAGS_output)) << report.Json() << "\n";
  curl_global_cleanup();
  // The smoke test fails on errors (a call that failed, a missing figure),
  // never on how fast things were.
  return report.errors() == 0 ? 0 : 1;
}
