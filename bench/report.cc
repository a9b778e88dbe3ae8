#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/scenarios.h"

namespace seedance::bench {

BenchConfig BenchConfig::Quick() {
  BenchConfig c;
  c.quick = true;
  c.overhead_calls = 100;
  c.throughput_concurrency = 8;
  c.throughput_seconds = 1;
  c.held_tasks = 200;
  c.held_generation_ms = 2000;
  c.fanout_watchers = 200;
  c.fanout_channels = 4;
  c.persistence_tasks = 300;
  c.recovery_tasks = 2000;
  c.replica_watch_tasks = 20;
  c.replica_takeover_tasks = 5;
  c.replica_lease_seconds = 1;
  c.content_video_bytes = int64_t{4} << 20;
  return c;
}

void Report::AddDetails(const std::string& scenario, JsonObject details) {
  details_.emplace_back(scenario, std::move(details));
}

void Report::Error(const std::string& scenario, const std::string& what) {
  errors_.push_back(absl::StrCat(scenario, ": ", what));
  std::fprintf(stderr, "error: %s: %s\n", scenario.c_str(), what.c_str());
}

void Report::Print() const {
  std::printf("\ngateway benchmark%s: %ld CPUs; mock on CPU %s, gateway / bare server on CPU %s, "
              "load generator unpinned\n\n",
              config_.quick ? " (quick)" : "", sysconf(_SC_NPROCESSORS_ONLN),
              config_.mock_cpus.c_str(), config_.server_cpus.c_str());
  std::printf("| %-11s | %-46s | %-16s | %-16s | %-7s | %-14s | %-4s |\n", "scenario",
              "measure", "gateway", "baseline", "ratio", "target", "met");
  std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", std::string(13, '-').c_str(),
              std::string(48, '-').c_str(), std::string(18, '-').c_str(),
              std::string(18, '-').c_str(), std::string(9, '-').c_str(),
              std::string(16, '-').c_str(), std::string(6, '-').c_str());
  for (const Row& r : rows_) {
    std::printf("| %-11s | %-46s | %-16s | %-16s | %-7s | %-14s | %-4s |\n", r.scenario.c_str(),
                r.measure.c_str(), r.gateway.c_str(), r.baseline.c_str(),
                r.ratio > 0 ? absl::StrFormat("%.2f", r.ratio).c_str() : "",
                r.target.c_str(), r.has_target ? (r.met ? "yes" : "NO") : "");
  }
  for (const std::string& e : errors_) std::printf("error: %s\n", e.c_str());
}

std::string Report::Json() const {
  std::string rows = "[";
  for (const Row& r : rows_) {
    JsonObject row;
    row.Add("scenario", r.scenario)
        .Add("measure", r.measure)
        .Add("gateway", r.gateway)
        .Add("baseline", r.baseline)
        .Add("ratio", r.ratio)
        .Add("target", r.target)
        .Add("met", r.met);
    absl::StrAppend(&rows, rows.size() > 1 ? "," : "", row.ToString());
  }
  rows += "]";
  JsonObject details;
  for (const auto& [name, object] : details_) details.Add(name, object);
  return absl::StrCat("{\"quick\":", config_.quick ? "true" : "false", ",\"cpus\":",
                      sysconf(_SC_NPROCESSORS_ONLN), ",\"errors\":", errors_.size(),
                      ",\"rows\":", rows, ",\"details\":", details.ToString(), "}");
}

}  // namespace seedance::bench
