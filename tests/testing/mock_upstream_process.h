// MockUpstreamProcess: a seedance-mock-upstream child process on port 0 for
// tests (the mock's contract tests, the gateway's end-to-end tests), with
// its base URL and helpers for the admin API.
//
//   auto mock = MockUpstreamProcess::Start({"--generation_ms=50"});
//   ASSERT_TRUE(mock.ok()) << mock.status();
//   std::string url = (*mock)->base_url() + "/v1/seedance/videos";
//   ...
//   absl::StatusOr<std::string> entries = (*mock)->WaitForJournal(
//       {{"kind", "callback"}, {"task_id", id}, {"outcome", "delivered"}},
//       absl::Seconds(10));
//
// The binary is the one CMake built (SEEDANCE_MOCK_UPSTREAM_BINARY). The
// process is killed when the object goes away. Not thread-safe.
#ifndef SEEDANCE_TESTS_TESTING_MOCK_UPSTREAM_PROCESS_H_
#define SEEDANCE_TESTS_TESTING_MOCK_UPSTREAM_PROCESS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/testing/child_process.h"

namespace seedance::testing {

// The path of the seedance-mock-upstream binary of this build.
std::string MockUpstreamBinary();

class MockUpstreamProcess {
 public:
  // Starts the mock with `flags` plus --port=0 and reads the port it prints.
  static absl::StatusOr<std::unique_ptr<MockUpstreamProcess>> Start(
      const std::vector<std::string>& flags = {});

  int port() const { return port_; }
  // "http://127.0.0.1:<port>"
  const std::string& base_url() const { return base_url_; }
  ChildProcess& process() { return *process_; }

  // GET /__mock/journal with `filter` (field, value) pairs; the JSON answer.
  absl::StatusOr<std::string> Journal(
      const std::vector<std::pair<std::string, std::string>>& filter = {});

  // How many journal entries match `filter` now.
  absl::StatusOr<int> JournalCount(
      const std::vector<std::pair<std::string, std::string>>& filter);

  // GET /__mock/journal/wait: returns the JSON answer once `count` entries
  // match `filter`; DEADLINE_EXCEEDED (with the answer in the message) if
  // they do not within `timeout`.
  absl::StatusOr<std::string> WaitForJournal(
      const std::vector<std::pair<std::string, std::string>>& filter,
      absl::Duration timeout, int count = 1);

  // Waits until a callback for `task_id` has been delivered (answered 2xx).
  absl::Status WaitForCallbackDelivered(absl::string_view task_id,
                                        absl::Duration timeout);

  // POST /__mock/reset.
  absl::Status Reset();
  // POST /__mock/config with a JSON object, e.g. R"({"generation_ms": 10})".
  absl::Status SetConfig(absl::string_view json);
  // POST /__mock/rules: requests with `token` get `scenario` (`times`
  // requests; 0: all) at `endpoint` ("videos", "tasks" or "all").
  absl::Status AddTokenRule(absl::string_view token, absl::string_view scenario,
                            int times = 0, absl::string_view endpoint = "videos");

  // Sends SIGTERM and waits for the exit code.
  absl::StatusOr<int> Stop(absl::Duration timeout = absl::Seconds(10));

 private:
  MockUpstreamProcess(std::unique_ptr<ChildProcess> process, int port);
  absl::StatusOr<std::string> Admin(absl::string_view method, absl::string_view target,
                                    absl::string_view body, long timeout_ms);

  std::unique_ptr<ChildProcess> process_;
  int port_;
  std::string base_url_;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_MOCK_UPSTREAM_PROCESS_H_
