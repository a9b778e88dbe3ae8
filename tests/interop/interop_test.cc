// Interop: every client of the gateway, run as a process against the real
// seedance-gateway in front of the real seedance-mock-upstream (port 0, a
// temporary data directory, a fresh pair per test), for the same things:
// create and watch to completion, resume a watch after the connection
// drops, decode a validation error with its field path, decode a capacity
// refusal with its retry delay, cancel.
//
// The clients: the C++ command line (`seedance --json`), and the Python,
// Node and Go example programs (clients/<language>/), which print one
// "kind key=value" line per thing; client_output.h reads both into one
// shape, so every language is held to the same assertions.
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cpp/gateway_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/interop/client_output.h"
#include "tests/interop/tcp_proxy.h"
#include "tests/testing/child_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::ClientOutput;
using ::seedance::testing::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";
constexpr char kPrompt[] = "A kitten yawning at the camera";
// A task that stays RUNNING for the whole test (the mock reads the
// directive in the prompt).
constexpr char kLongPrompt[] = "A kitten yawning [mock:generation_ms=60000]";
// One client step never takes this long; a hung client fails the test.
constexpr absl::Duration kStepTimeout = absl::Seconds(30);

enum class Language { kCpp, kPython, kNode, kGo };

std::string LanguageName(Language language) {
  switch (language) {
    case Language::kCpp: return "cpp";
    case Language::kPython: return "python";
    case Language::kNode: return "node";
    case Language::kGo: return "go";
  }
  return "?";
}

// Test names and messages say "python", not the enum's bytes.
void PrintTo(Language language, std::ostream* os) { *os << LanguageName(language); }

// One step of a client, as the examples' --mode names it. "demo" creates a
// task and watches it to the end (`seedance create --wait` in C++).
struct Step {
  std::string mode;
  std::string prompt = kPrompt;
  std::string task_id;
  std::optional<uint64_t> after;
  int duration = 0;
};

// The program and arguments that run `step` in `language`.
std::pair<std::string, std::vector<std::string>> CommandFor(Language language, const Step& step,
                                                            const std::string& address,
                                                            const std::string& token) {
  if (language == Language::kCpp) {
    std::vector<std::string> args = {"--gateway=" + address, "--token=" + token, "--json"};
    if (step.mode == "demo" || step.mode == "create") {
      args.insert(args.end(), {"create", "--model", kModel, "--prompt", step.prompt});
      if (step.duration != 0) args.insert(args.end(), {"--duration", absl::StrCat(step.duration)});
      if (step.mode == "demo") args.push_back("--wait");
    } else {
      args.insert(args.end(), {step.mode, step.task_id});
      if (step.after.has_value()) args.insert(args.end(), {"--after", absl::StrCat(*step.after)});
    }
    return {SEEDANCE_CPP_CLIENT_BINARY, args};
  }
  // The examples share their flags.
  std::vector<std::string> args = {"--gateway=" + address, "--token=" + token,
                                   "--mode=" + step.mode, std::string("--model=") + kModel,
                                   "--prompt=" + step.prompt};
  if (!step.task_id.empty()) args.push_back("--task-id=" + step.task_id);
  if (step.after.has_value()) args.push_back(absl::StrCat("--after=", *step.after));
  if (step.duration != 0) args.push_back(absl::StrCat("--duration=", step.duration));
  std::vector<std::string> command;
  switch (language) {
    case Language::kPython:
      // The installed package (-P: not the sources next to the example).
      command = {SEEDANCE_PYTHON_VENV "/bin/python", "-u", "-P",
                 SEEDANCE_SOURCE_DIR "/clients/python/example.py"};
      break;
    case Language::kNode:
      // The example beside the packed, installed package.
      command = {SEEDANCE_NODE_BINARY, SEEDANCE_NODE_APP_DIR "/example.js"};
      break;
    case Language::kGo:
      return {SEEDANCE_GO_EXAMPLE_BINARY, args};
    case Language::kCpp:
      break;
  }
  command.insert(command.end(), args.begin(), args.end());
  return {"/usr/bin/env", command};  // env: the variables above, then the program
}

// A client process whose output is read, line by line, into a ClientOutput.
class RunningClient {
 public:
  RunningClient(Language language, std::string mode, std::unique_ptr<testing::ChildProcess> process)
      : language_(language), mode_(std::move(mode)), process_(std::move(process)) {}

  // Reads lines until `done(output)` holds. OUT_OF_RANGE if the output ends
  // first, DEADLINE_EXCEEDED if it takes too long.
  template <typename Predicate>
  absl::Status ReadUntil(Predicate done) {
    while (!done(output_)) {
      absl::StatusOr<std::string> line = process_->ReadLine(kStepTimeout);
      if (!line.ok()) return line.status();
      Parse(*line);
    }
    return absl::OkStatus();
  }

  // Reads the rest of the output and the exit code.
  ClientOutput Finish() {
    while (true) {
      absl::StatusOr<std::string> line = process_->ReadLine(kStepTimeout);
      if (!line.ok()) break;  // the end, or a hung client (then no exit code below)
      Parse(*line);
    }
    absl::StatusOr<int> code = process_->Wait(kStepTimeout);
    output_.exit_code = code.ok() ? *code : -1;
    return output_;
  }

 private:
  void Parse(const std::string& line) {
    if (language_ == Language::kCpp) {
      // The C++ client's commands: "demo" is `create --wait`.
      testing::ParseCppJsonLine(line, mode_ == "demo" ? "create" : mode_, output_);
    } else {
      testing::ParseExampleLine(line, output_);
    }
  }

  const Language language_;
  const std::string mode_;
  std::unique_ptr<testing::ChildProcess> process_;
  ClientOutput output_;
};

class InteropTest : public ::testing::TestWithParam<Language> {
 protected:
  // The mock, then the gateway in front of it (callback delivery, as the
  // demo runs it), with `gateway_flags` added.
  void StartStack(std::vector<std::string> gateway_flags = {}) {
    auto mock = testing::MockUpstreamProcess::Start(
        {"--generation_ms=400", "--queue_ms=50", "--log_level=warning"});
    ASSERT_THAT(mock, IsOk());
    mock_ = *std::move(mock);
    // Like the provider (Ark): a callback on every status change, so that
    // watchers see QUEUED and RUNNING too.
    ASSERT_THAT(mock_->AddTokenRule(token_, "callback_every_status"), IsOk());
    std::vector<std::string> flags = {"--upstream_base_url=" + mock_->base_url(),
                                      "--delivery=callback", "--heartbeat_interval=1s",
                                      "--log_level=warning"};
    flags.insert(flags.end(), gateway_flags.begin(), gateway_flags.end());
    auto gateway = testing::GatewayProcess::Start(flags, dir_.path() + "/data");
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
  }

  // Starts the client under test on `step`, connected to `address` (the
  // gateway's unless said).
  std::unique_ptr<RunningClient> Start(const Step& step, std::string address = "") {
    if (address.empty()) address = gateway_->address();
    auto [binary, args] = CommandFor(GetParam(), step, address, token_);
    auto process = testing::ChildProcess::Start(binary, args);
    EXPECT_THAT(process, IsOk());
    if (!process.ok()) return nullptr;
    return std::make_unique<RunningClient>(GetParam(), step.mode, *std::move(process));
  }

  // Runs one step to its end.
  ClientOutput Run(const Step& step) {
    std::unique_ptr<RunningClient> client = Start(step);
    return client != nullptr ? client->Finish() : ClientOutput();
  }

  // Creates a task that stays RUNNING; its id ("" on failure).
  std::string CreateLongTask() {
    ClientOutput created = Run({.mode = "create", .prompt = kLongPrompt});
    EXPECT_EQ(created.exit_code, 0) << created.Dump();
    EXPECT_FALSE(created.created_task_id.empty()) << created.Dump();
    return created.created_task_id;
  }

  // Each state change was printed once, in order, numbered from `first`
  // without gaps.
  static void ExpectEachChangeOnceFrom(const ClientOutput& out, uint64_t first) {
    std::vector<uint64_t> expected;
    for (size_t i = 0; i < out.events.size(); ++i) expected.push_back(first + i);
    EXPECT_EQ(out.Sequences(), expected) << out.Dump();
  }

  // A watcher whose task was cancelled under it: it printed (to the test
  // log) every change once, from the first, ending CANCELLED, and exit 1.
  static void ExpectCancelledWithEachChangeOnce(const ClientOutput& out) {
    std::cout << LanguageName(GetParam()) << " client, " << out.Dump() << "\n";
    EXPECT_EQ(out.exit_code, 1) << out.Dump();  // 1: the task did not succeed
    EXPECT_EQ(out.final_state, "CANCELLED") << out.Dump();
    ASSERT_FALSE(out.events.empty());
    EXPECT_EQ(out.events.back().state, "CANCELLED");
    ExpectEachChangeOnceFrom(out, 1);
  }

  const std::string token_ = "interop-" + LanguageName(GetParam());
  testing::TempDir dir_;
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
  std::unique_ptr<testing::GatewayProcess> gateway_;
};

TEST_P(InteropTest, CreatesAndWatchesATaskToCompletion) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  ClientOutput out = Run({.mode = "demo"});
  // What a user of this client sees for one whole task, in the test log.
  std::cout << LanguageName(GetParam()) << " client, " << out.Dump() << "\n";
  ASSERT_EQ(out.exit_code, 0) << out.Dump();
  EXPECT_EQ(out.final_state, "SUCCEEDED");
  ASSERT_FALSE(out.events.empty()) << out.Dump();
  EXPECT_EQ(out.events.front().state, "PENDING");
  EXPECT_EQ(out.events.back().state, "SUCCEEDED");
  ExpectEachChangeOnceFrom(out, 1);
  EXPECT_THAT(out.video_url, StartsWith(mock_->base_url() + "/seedance/"));
  EXPECT_THAT(out.video_url, HasSubstr(".mp4"));
  if (GetParam() != Language::kCpp) {
    // The examples end with a failed call, decoded (see the next tests).
    ASSERT_TRUE(out.error.has_value()) << out.Dump();
    EXPECT_EQ(out.error->code, "INVALID_ARGUMENT");
    EXPECT_THAT(out.error->fields, Contains("spec.duration_seconds"));
  }
}

TEST_P(InteropTest, ResumesAWatchAfterTheConnectionDropsWithEachChangeOnce) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  std::string task_id = CreateLongTask();
  ASSERT_FALSE(task_id.empty());
  auto proxy = testing::TcpProxy::Start(gateway_->grpc_port());
  ASSERT_THAT(proxy, IsOk());
  // The whole history (after_sequence 0) through the proxy; drop the
  // connection once the client has printed a change.
  std::unique_ptr<RunningClient> watcher =
      Start({.mode = "watch", .task_id = task_id, .after = 0}, (*proxy)->address());
  ASSERT_NE(watcher, nullptr);
  ASSERT_THAT(watcher->ReadUntil([](const ClientOutput& o) { return !o.events.empty(); }),
              IsOk());
  int connections_before_cut = (*proxy)->connections();
  (*proxy)->CutAll();
  if (GetParam() != Language::kCpp) {
    // The examples say when their library resumes (the C++ client does
    // not print it; the proxy's count below shows it).
    ASSERT_THAT(watcher->ReadUntil([](const ClientOutput& o) { return o.resumes > 0; }), IsOk());
  }
  // A change while the watcher is away or back: it must arrive once.
  client::GatewayClient direct(
      grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()), token_);
  ASSERT_THAT(direct.Cancel(task_id), IsOk());

  ClientOutput out = watcher->Finish();
  ASSERT_NO_FATAL_FAILURE(ExpectCancelledWithEachChangeOnce(out));
  EXPECT_GT((*proxy)->connections(), connections_before_cut) << "the client never reconnected";
}

// The gateway is stopped with SIGTERM while the client creates and watches
// a task, and started again on the same data directory. What a stopping
// gateway sends (its own UNAVAILABLE, then gRPC's CANCELLED for calls that
// arrive while it stops, then refused connections) must all be resumed on,
// and each change must still arrive once.
TEST_P(InteropTest, ResumesAWatchAcrossAGatewayStoppedWithSigtermAndStartedAgain) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  gateway_->KeepCallbackPort();
  auto proxy = testing::TcpProxy::Start(gateway_->grpc_port());
  ASSERT_THAT(proxy, IsOk());
  std::unique_ptr<RunningClient> watcher =
      Start({.mode = "demo", .prompt = kLongPrompt}, (*proxy)->address());
  ASSERT_NE(watcher, nullptr);
  ASSERT_THAT(watcher->ReadUntil([](const ClientOutput& o) {
    return !o.events.empty() && o.events.back().state == "RUNNING";
  }), IsOk());
  EXPECT_THAT(gateway_->Terminate(), testing::IsOkAndHolds(0));
  ASSERT_THAT(gateway_->Restart(), IsOk());
  (*proxy)->Retarget(gateway_->grpc_port());
  // A change while the watcher is away or back: it must arrive once.
  client::GatewayClient direct(
      grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()), token_);
  absl::StatusOr<v1::ListVideoTasksResponse> tasks = direct.List({});
  ASSERT_THAT(tasks, IsOk());
  ASSERT_EQ(tasks->tasks_size(), 1);  // the token is this test's
  ASSERT_THAT(direct.Cancel(tasks->tasks(0).task_id()), IsOk());

  ClientOutput out = watcher->Finish();
  ASSERT_NO_FATAL_FAILURE(ExpectCancelledWithEachChangeOnce(out));
  if (GetParam() != Language::kCpp) {
    // The stream broke with the gateway's own UNAVAILABLE (its resume
    // hint), before gRPC's shutdown could cancel it.
    ASSERT_FALSE(out.resume_codes.empty()) << out.Dump();
    EXPECT_EQ(out.resume_codes.front(), "UNAVAILABLE") << out.Dump();
  }
}

TEST_P(InteropTest, DecodesAValidationErrorWithItsFieldPath) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  ClientOutput out = Run({.mode = "create", .duration = 30});
  EXPECT_EQ(out.exit_code, 2) << out.Dump();  // 2: invalid input
  EXPECT_TRUE(out.created_task_id.empty());
  ASSERT_TRUE(out.error.has_value()) << out.Dump();
  EXPECT_EQ(out.error->code, "INVALID_ARGUMENT");
  EXPECT_THAT(out.error->fields, Contains("spec.duration_seconds"));
  EXPECT_THAT(out.error->message, HasSubstr("spec.duration_seconds"));
}

TEST_P(InteropTest, DecodesACapacityRefusalWithItsRetryDelay) {
  // One task in flight at most: the long task takes the only slot.
  ASSERT_NO_FATAL_FAILURE(StartStack({"--max_tasks_in_flight=1"}));
  ASSERT_FALSE(CreateLongTask().empty());
  ClientOutput out = Run({.mode = "create"});
  EXPECT_EQ(out.exit_code, 3) << out.Dump();  // 3: refused for now, retry later
  ASSERT_TRUE(out.error.has_value()) << out.Dump();
  EXPECT_EQ(out.error->code, "RESOURCE_EXHAUSTED");
  EXPECT_EQ(out.error->retry_delay_ms, 5000);
  EXPECT_EQ(out.error->reason, "TOO_MANY_TASKS_IN_FLIGHT");
}

TEST_P(InteropTest, CancelsATaskThatThenEndsCancelled) {
  ASSERT_NO_FATAL_FAILURE(StartStack());
  std::string task_id = CreateLongTask();
  ASSERT_FALSE(task_id.empty());
  ClientOutput cancelled = Run({.mode = "cancel", .task_id = task_id});
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.Dump();
  EXPECT_EQ(cancelled.cancelled_state, "CANCELLED") << cancelled.Dump();

  ClientOutput watched = Run({.mode = "watch", .task_id = task_id, .after = 0});
  EXPECT_EQ(watched.exit_code, 1) << watched.Dump();
  EXPECT_EQ(watched.final_state, "CANCELLED");
  ASSERT_FALSE(watched.events.empty()) << watched.Dump();
  EXPECT_EQ(watched.events.back().state, "CANCELLED");
  ExpectEachChangeOnceFrom(watched, 1);
  ASSERT_TRUE(watched.task_error.has_value()) << watched.Dump();
  EXPECT_EQ(watched.task_error->code, "CANCELLED");
}

INSTANTIATE_TEST_SUITE_P(Clients, InteropTest,
                         ::testing::Values(Language::kCpp, Language::kPython, Language::kNode,
                                           Language::kGo),
                         [](const auto& info) { return LanguageName(info.param); });

}  // namespace
}  // namespace seedance
