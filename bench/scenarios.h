// The gateway benchmark's scenarios (see gateway_bench_main.cc) and the
// report they fill: each row a measure of the gateway, its baseline measured
// in the same run, their ratio and the target.
#ifndef SEEDANCE_BENCH_SCENARIOS_H_
#define SEEDANCE_BENCH_SCENARIOS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_util.h"

namespace seedance::bench {

struct BenchConfig {
  bool quick = false;
  std::string mock_cpus = "0";
  std::string server_cpus = "1";
  int overhead_calls = 2000;
  int throughput_concurrency = 64;
  double throughput_seconds = 10;
  int held_tasks = 10000;
  int held_generation_ms = 30000;
  int fanout_watchers = 10000;
  int fanout_channels = 100;
  int persistence_tasks = 20000;
  int recovery_tasks = 100000;
  // Replicas on PostgreSQL: tasks watched on two replicas, tasks taken
  // over after a SIGKILL, and the lease length then.
  int replica_watch_tasks = 400;
  int replica_takeover_tasks = 50;
  int replica_lease_seconds = 2;
  // Results: the size of the video the gateway keeps and serves.
  int64_t content_video_bytes = int64_t{64} << 20;
  // Extra flags for every gateway started (experiments, e.g. profiling).
  std::vector<std::string> gateway_flags;

  static BenchConfig Full() { return {}; }
  static BenchConfig Quick();
};

class Report {
 public:
  explicit Report(const BenchConfig& config) : config_(config) {}

  // A measured figure. `ratio` is gateway/baseline (or as stated in
  // `target`); `met` whether the target holds (when there is one).
  struct Row {
    std::string scenario;
    std::string measure;
    std::string gateway;
    std::string baseline;
    double ratio = 0;
    std::string target;
    bool has_target = false;
    bool met = true;
  };

  void AddRow(Row row) { rows_.push_back(std::move(row)); }
  // Raw figures of a scenario, for the JSON file.
  void AddDetails(const std::string& scenario, JsonObject details);
  // Something went wrong (a call failed, a process did not start).
  void Error(const std::string& scenario, const std::string& what);

  int errors() const { return static_cast<int>(errors_.size()); }
  void Print() const;
  std::string Json() const;

 private:
  const BenchConfig config_;
  std::vector<Row> rows_;
  std::vector<std::pair<std::string, JsonObject>> details_;
  std::vector<std::string> errors_;
};

void RunOverhead(const BenchConfig& config, Report& report);
void RunThroughput(const BenchConfig& config, Report& report);
void RunHeld(const BenchConfig& config, Report& report);
// Fan-out latency and idle-stream memory, from the same streams.
void RunFanout(const BenchConfig& config, Report& report);
void RunPersistence(const BenchConfig& config, Report& report);
// Gateways on PostgreSQL (replica_scenarios.cc).
void RunReplicas(const BenchConfig& config, Report& report);
// Kept results read through the gateway (content_scenarios.cc).
void RunContent(const BenchConfig& config, Report& report);
// Where the time of one task goes (an experiment: prints, reports nothing).
void RunProbe(const BenchConfig& config, Report& report);

}  // namespace seedance::bench

#endif  // SEEDANCE_BENCH_SCENARIOS_H_
