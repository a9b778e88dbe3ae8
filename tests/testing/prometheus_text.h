// Reading a Prometheus text exposition in tests: one sample's value, and
// Prometheus's own linter (`promtool check metrics`, Debian's prometheus
// package) on the whole text.
//
//   std::optional<double> v = SampleValue(text,
//       R"(grpc_server_started_total{grpc_method="Check",grpc_service="grpc.health.v1.Health",grpc_type="unary"})");
//   EXPECT_THAT(PromtoolCheck(text), IsOk());
#ifndef SEEDANCE_TESTS_TESTING_PROMETHEUS_TEXT_H_
#define SEEDANCE_TESTS_TESTING_PROMETHEUS_TEXT_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace seedance::testing {

// The value of the sample whose name and labels are exactly `series`
// (labels in the exposition's order, sorted by name); nullopt when absent.
inline std::optional<double> SampleValue(absl::string_view text, absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(0, line.find(' ')), &value)) return value;
  }
  return std::nullopt;
}

// Runs `promtool check metrics` on `text` (written to `scratch_file`): OK,
// or what promtool said.
inline absl::Status PromtoolCheck(const std::string& text, const std::string& scratch_file) {
  std::ofstream(scratch_file) << text;
  std::string command = absl::StrCat("promtool check metrics < '", scratch_file, "' 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("cannot run promtool");
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  int status = pclose(pipe);
  if (status != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("promtool check metrics failed (install the prometheus package; status ",
                     status, "): ", output));
  }
  return absl::OkStatus();
}

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_PROMETHEUS_TEXT_H_
