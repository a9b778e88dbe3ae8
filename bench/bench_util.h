// Small helpers shared by the benchmarks: reading a process's memory, thread
// count and CPU time from /proc, latency percentiles, the file-descriptor
// limit, and a JSON object writer for result files.
//
//   ProcessSample s = SampleProcess(pid);          // VmRSS, VmHWM, Threads
//   double p99 = Percentile(latencies_ms, 0.99);
#ifndef SEEDANCE_BENCH_BENCH_UTIL_H_
#define SEEDANCE_BENCH_BENCH_UTIL_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "base/json_writer.h"

namespace seedance::bench {

// Fields of /proc/<pid>/status, in kB or counts.
struct ProcessSample {
  long rss_kb = 0;
  long hwm_kb = 0;
  long threads = 0;
};

ProcessSample SampleProcess(pid_t pid);

// CPU seconds (user + system) the process has used so far.
double CpuSeconds(pid_t pid);

// The `p` quantile (0..1) of `values` (nearest rank); 0 when empty.
double Percentile(std::vector<double> values, double p);

// Raises the soft RLIMIT_NOFILE to the hard limit (children inherit it).
void RaiseFileLimit();

// Builds a flat-or-nested JSON object by appending fields in order, on the
// tree's one JSON writer (base/json_writer.h: strings escaped). Figures keep
// 4 significant digits, what the reports show.
class JsonObject {
 public:
  JsonObject() { json_.Object(); }
  JsonObject& Add(absl::string_view key, double value);
  JsonObject& Add(absl::string_view key, long value);
  JsonObject& Add(absl::string_view key, int value) { return Add(key, static_cast<long>(value)); }
  JsonObject& Add(absl::string_view key, bool value);
  JsonObject& Add(absl::string_view key, absl::string_view value);
  JsonObject& Add(absl::string_view key, const char* value) {
    return Add(key, absl::string_view(value));
  }
  JsonObject& Add(absl::string_view key, const JsonObject& value);
  std::string ToString() const;

 private:
  JsonWriter json_;  // the open object
};

}  // namespace seedance::bench

#endif  // SEEDANCE_BENCH_BENCH_UTIL_H_
