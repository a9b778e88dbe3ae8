#include "tests/testing/mock_upstream_process.h"

#include <signal.h>

#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/json_value.h"

namespace seedance::testing {
namespace {

std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string query;
  for (const auto& [name, value] : params) {
    absl::StrAppend(&query, query.empty() ? "" : "&", name, "=");
    for (char c : value) {
      if (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
        query.push_back(c);
      } else {
        absl::StrAppend(&query, "%", absl::Hex(static_cast<unsigned char>(c),
                                               absl::kZeroPad2));
      }
    }
  }
  return query;
}

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string MockUpstreamBinary() { return SEEDANCE_MOCK_UPSTREAM_BINARY; }

absl::StatusOr<std::unique_ptr<MockUpstreamProcess>> MockUpstreamProcess::Start(
    const std::vector<std::string>& flags) {
  std::vector<std::string> args = flags;
  args.push_back("--port=0");
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start(MockUpstreamBinary(), args);
  if (!child.ok()) return child.status();
  absl::StatusOr<std::string> line = (*child)->ReadLine(absl::Seconds(10));
  if (!line.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the mock printed no port: ", line.status().message()));
  }
  int port = 0;
  if (!absl::SimpleAtoi(*line, &port) || port <= 0) {
    return absl::UnavailableError(absl::StrCat("the mock printed \"", *line, "\""));
  }
  return std::unique_ptr<MockUpstreamProcess>(
      new MockUpstreamProcess(*std::move(child), port));
}

MockUpstreamProcess::MockUpstreamProcess(std::unique_ptr<ChildProcess> process, int port)
    : process_(std::move(process)),
      port_(port),
      base_url_(absl::StrCat("http://127.0.0.1:", port)) {}

absl::StatusOr<std::string> MockUpstreamProcess::Admin(absl::string_view method,
                                                       absl::string_view target,
                                                       absl::string_view body,
                                                       long timeout_ms) {
  HttpResult result = PerformHttp({.method = std::string(method),
                                   .url = absl::StrCat(base_url_, target),
                                   .headers = {"Content-Type: application/json"},
                                   .body = std::string(body),
                                   .timeout_ms = timeout_ms});
  if (result.code != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat(method, " ", target, ": ", result.error));
  }
  if (result.status != 200) {
    return absl::InternalError(
        absl::StrCat(method, " ", target, ": HTTP ", result.status, " ", result.body));
  }
  return result.body;
}

absl::StatusOr<std::string> MockUpstreamProcess::Journal(
    const std::vector<std::pair<std::string, std::string>>& filter) {
  return Admin("GET", absl::StrCat("/__mock/journal?", EncodeQuery(filter)), "", 10000);
}

absl::StatusOr<int> MockUpstreamProcess::JournalCount(
    const std::vector<std::pair<std::string, std::string>>& filter) {
  absl::StatusOr<std::string> journal = Journal(filter);
  if (!journal.ok()) return journal.status();
  absl::StatusOr<google::protobuf::Value> value = ParseJsonValue(*journal);
  if (!value.ok()) return value.status();
  const google::protobuf::Value* entries = JsonAt(*value, "entries");
  if (entries == nullptr) return absl::InternalError("the journal has no entries");
  return entries->list_value().values_size();
}

absl::StatusOr<std::string> MockUpstreamProcess::WaitForJournal(
    const std::vector<std::pair<std::string, std::string>>& filter,
    absl::Duration timeout, int count) {
  int64_t timeout_ms = absl::ToInt64Milliseconds(timeout);
  absl::StatusOr<std::string> answer =
      Admin("GET",
            absl::StrCat("/__mock/journal/wait?", EncodeQuery(filter), "&count=", count,
                         "&timeout_ms=", timeout_ms),
            "", static_cast<long>(timeout_ms + 10000));
  if (!answer.ok()) return answer;
  if (answer->find("\"found\":true") == std::string::npos) {
    return absl::DeadlineExceededError(
        absl::StrCat("journal wait timed out: ", *answer));
  }
  return answer;
}

absl::Status MockUpstreamProcess::WaitForCallbackDelivered(absl::string_view task_id,
                                                           absl::Duration timeout) {
  return WaitForJournal({{"kind", "callback"},
                         {"task_id", std::string(task_id)},
                         {"outcome", "delivered"}},
                        timeout)
      .status();
}

absl::Status MockUpstreamProcess::Reset() {
  return Admin("POST", "/__mock/reset", "", 10000).status();
}

absl::Status MockUpstreamProcess::SetConfig(absl::string_view json) {
  return Admin("POST", "/__mock/config", json, 10000).status();
}

absl::Status MockUpstreamProcess::AddTokenRule(absl::string_view token,
                                               absl::string_view scenario, int times,
                                               absl::string_view endpoint) {
  return Admin("POST", "/__mock/rules",
               absl::StrCat("{\"token\":", JsonString(token),
                            ",\"scenario\":", JsonString(scenario), ",\"times\":", times,
                            ",\"endpoint\":", JsonString(endpoint), "}"),
               10000)
      .status();
}

absl::StatusOr<int> MockUpstreamProcess::Stop(absl::Duration timeout) {
  process_->Signal(SIGTERM);
  return process_->Wait(timeout);
}

}  // namespace seedance::testing
