#include "bench/bench_util.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace seedance::bench {

ProcessSample SampleProcess(pid_t pid) {
  ProcessSample sample;
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipWhitespace());
    if (parts.size() < 2) continue;
    long value = 0;
    if (!absl::SimpleAtoi(parts[1], &value)) continue;
    if (parts[0] == "VmRSS:") sample.rss_kb = value;
    if (parts[0] == "VmHWM:") sample.hwm_kb = value;
    if (parts[0] == "Threads:") sample.threads = value;
  }
  return sample;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  // Fields after the ")" that ends the command name; utime and stime are the
  // 12th and 13th of them.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields =
      absl::StrSplit(text.substr(close + 2), ' ', absl::SkipWhitespace());
  if (fields.size() < 13) return 0;
  double utime = 0;
  double stime = 0;
  (void)absl::SimpleAtod(fields[11], &utime);
  (void)absl::SimpleAtod(fields[12], &stime);
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
  return values[index];
}

void RaiseFileLimit() {
  rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

JsonObject& JsonObject::Add(absl::string_view key, double value) {
  json_.Key(key).Double(std::strtod(absl::StrFormat("%.4g", value).c_str(), nullptr));
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, long value) {
  json_.Key(key).Int(value);
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, bool value) {
  json_.Key(key).Bool(value);
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, absl::string_view value) {
  json_.Key(key).String(value);
  return *this;
}

JsonObject& JsonObject::Add(absl::string_view key, const JsonObject& value) {
  json_.Key(key).Raw(value.ToString());
  return *this;
}

std::string JsonObject::ToString() const {
  JsonWriter closed = json_;
  closed.End();
  return closed.Take();
}

}  // namespace seedance::bench
