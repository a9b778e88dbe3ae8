// Secrets: the full end-to-end flow with recognisable tokens, then a search
// for them everywhere they must never be: every log line of the gateway and
// the mock (at debug level, captured from their stderr), everything the
// gRPC client got back (answers, error messages, error details, the errors
// stored in failed tasks), every byte of the gateway's data directory
// (tasks.db and its -wal and -shm, while running and after a clean stop),
// and the mock's journal (what an upstream would have kept).
//
// Both auth modes: forward (the caller's token goes upstream) and
// gateway_keys (the caller's key stays at the gateway, the gateway's own
// upstream key goes upstream). The flow covers a success, a cancel, an
// upstream rejection of the token (401), a validation error, malformed and
// wrong credentials, another caller's task, and a restart that must reopen
// the sealed credential to resume a task.
//
// The gateway's /metrics (its admin port) is searched too, and one of the
// two runs logs in JSON (--log_format=json): every line of it must be a
// JSON object, and hold no secret either.
#include <grpcpp/grpcpp.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "seedance/v1/video_gateway.grpc.pb.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/json_value.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/stderr_capture.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;

constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";

// Recognisable and unlike anything else in the system; each has a unique
// middle part, searched for too, in case a token is logged cut or shortened.
constexpr char kCallerToken[] = "sk-canary-caller-7f3a9c1e5b2d4086-secret";
constexpr char kRejectedToken[] = "sk-canary-rejected-91e0d2c4a6f8b357-secret";
constexpr char kClientKey[] = "gk-canary-client-5c8e1a7f0d3b9264-secret";
constexpr char kWrongKey[] = "gk-canary-wrong-0a4c7e2b8f1d6359-secret";
constexpr char kUpstreamKey[] = "sk-canary-upstream-3b6d9f02e7a1c548-secret";

std::vector<std::string> Needles(const std::vector<std::string>& secrets) {
  std::vector<std::string> needles;
  for (const std::string& secret : secrets) {
    needles.push_back(secret);
    // "sk-canary-caller-7f3a9c1e5b2d4086-secret" -> "7f3a9c1e5b2d4086"
    size_t end = secret.rfind('-');
    size_t begin = secret.rfind('-', end - 1) + 1;
    needles.push_back(secret.substr(begin, end - begin));
  }
  return needles;
}

class SecretsTest : public ::testing::Test {
 protected:
  // Starts the mock (accepting only `upstream_tokens`) and the gateway with
  // `gateway_flags`, each logging at debug level into its own file.
  void StartStack(const std::string& upstream_tokens,
                  std::vector<std::string> gateway_flags) {
    {
      testing::StderrToFile capture(mock_log_);
      auto mock = testing::MockUpstreamProcess::Start(
          {"--queue_ms=20", "--generation_ms=150", "--log_level=debug",
           "--tokens=" + upstream_tokens});
      ASSERT_THAT(mock, IsOk());
      mock_ = *std::move(mock);
    }
    std::vector<std::string> flags = {
        "--upstream_base_url=" + mock_->base_url(), "--delivery=callback",
        "--callback_fallback_poll=300ms", "--log_level=debug", "--admin_listen=127.0.0.1:0"};
    flags.insert(flags.end(), gateway_flags.begin(), gateway_flags.end());
    // A restarted gateway inherits the test's stderr again: capture while
    // it lives (the test itself writes nothing to stderr).
    capture_ = std::make_unique<testing::StderrToFile>(gateway_log_);
    auto gateway = testing::GatewayProcess::Start(flags, data_dir_);
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
    stub_ = v1::VideoGateway::NewStub(
        grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    capture_.reset();
    unsetenv("SEEDANCE_UPSTREAM_TOKEN");
  }

  // What the client receives goes into the transcript: answers, error
  // messages and the binary google.rpc.Status details.
  void Record(const grpc::Status& status, const google::protobuf::Message& answer) {
    absl::StrAppend(&transcript_, answer.SerializeAsString(), "\n", answer.DebugString(),
                    "\n", status.error_message(), "\n", status.error_details(), "\n");
  }

  void Authorize(grpc::ClientContext& context, const std::string& authorization) {
    context.AddMetadata("authorization", authorization);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  }

  grpc::Status Create(const std::string& authorization, const std::string& prompt,
                      v1::VideoTask& task, const std::string& request_id = "") {
    grpc::ClientContext context;
    Authorize(context, authorization);
    v1::CreateVideoTaskRequest request;
    request.set_request_id(request_id);
    request.mutable_spec()->set_model(kModel);
    request.mutable_spec()->set_prompt(prompt);
    grpc::Status status = stub_->CreateVideoTask(&context, request, &task);
    Record(status, task);
    return status;
  }

  // Watches to the end; returns the terminal task (or an empty one).
  // Watches `task_id` to its end or, with `until_accepted`, until the
  // upstream has accepted it (QUEUED or RUNNING).
  v1::VideoTask WatchToEnd(const std::string& authorization, const std::string& task_id,
                           bool until_accepted = false) {
    grpc::ClientContext context;
    Authorize(context, authorization);
    v1::WatchVideoTaskRequest request;
    request.set_task_id(task_id);
    request.set_after_sequence(0);
    auto reader = stub_->WatchVideoTask(&context, request);
    v1::WatchVideoTaskResponse message;
    v1::VideoTask last;
    while (reader->Read(&message)) {
      Record(grpc::Status::OK, message);
      if (message.has_status()) last = message.status().task();
      if (until_accepted && (last.state() == v1::TASK_STATE_QUEUED ||
                             last.state() == v1::TASK_STATE_RUNNING)) {
        context.TryCancel();
        (void)reader->Finish();
        return last;
      }
    }
    grpc::Status status = reader->Finish();
    Record(status, last);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return last;
  }

  grpc::Status Cancel(const std::string& authorization, const std::string& task_id,
                      v1::VideoTask& task) {
    grpc::ClientContext context;
    Authorize(context, authorization);
    v1::CancelVideoTaskRequest request;
    request.set_task_id(task_id);
    grpc::Status status = stub_->CancelVideoTask(&context, request, &task);
    Record(status, task);
    return status;
  }

  grpc::Status Get(const std::string& authorization, const std::string& task_id,
                   v1::VideoTask& task) {
    grpc::ClientContext context;
    Authorize(context, authorization);
    v1::GetVideoTaskRequest request;
    request.set_task_id(task_id);
    grpc::Status status = stub_->GetVideoTask(&context, request, &task);
    Record(status, task);
    return status;
  }

  void List(const std::string& authorization) {
    grpc::ClientContext context;
    Authorize(context, authorization);
    v1::ListVideoTasksResponse response;
    grpc::Status status = stub_->ListVideoTasks(&context, {}, &response);
    Record(status, response);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  // The flow every mode runs, as the caller with `good` credentials; `bad`
  // credentials are refused by the gateway. Returns a task left running for
  // the restart check.
  std::string RunFlow(const std::string& good, const std::string& bad,
                      const std::string& upstream_rejection_prompt,
                      const std::string& rejecting_caller) {
    const std::string bearer = absl::StrCat("Bearer ", good);
    // Success.
    v1::VideoTask task;
    EXPECT_TRUE(Create(bearer, "a fox in the snow", task, "secrets-1").ok());
    EXPECT_EQ(WatchToEnd(bearer, task.task_id()).state(), v1::TASK_STATE_SUCCEEDED);
    // The same request_id with another spec: ALREADY_EXISTS.
    v1::VideoTask conflict;
    EXPECT_EQ(Create(bearer, "another fox", conflict, "secrets-1").error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
    // Cancel.
    v1::VideoTask slow;
    EXPECT_TRUE(Create(bearer, "a slow fox [mock:generation_ms=60000]", slow).ok());
    v1::VideoTask cancelled;
    EXPECT_TRUE(Cancel(bearer, slow.task_id(), cancelled).ok());
    EXPECT_EQ(WatchToEnd(bearer, slow.task_id()).state(), v1::TASK_STATE_CANCELLED);
    EXPECT_EQ(Cancel(bearer, slow.task_id(), cancelled).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    // The upstream rejects the token: the task fails UNAUTHENTICATED.
    v1::VideoTask rejected;
    const std::string rejecting = absl::StrCat("Bearer ", rejecting_caller);
    EXPECT_TRUE(Create(rejecting, upstream_rejection_prompt, rejected).ok());
    v1::VideoTask ended = WatchToEnd(rejecting, rejected.task_id());
    EXPECT_EQ(ended.state(), v1::TASK_STATE_FAILED);
    EXPECT_EQ(ended.error().code(), grpc::StatusCode::UNAUTHENTICATED);
    // A validation error.
    {
      grpc::ClientContext context;
      Authorize(context, bearer);
      v1::CreateVideoTaskRequest request;
      request.mutable_spec()->set_model("not-a-model");
      request.mutable_spec()->set_prompt("a fox");
      request.mutable_spec()->set_duration_seconds(99);
      v1::VideoTask none;
      grpc::Status status = stub_->CreateVideoTask(&context, request, &none);
      Record(status, none);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    }
    // Refused credentials: another caller's, malformed, none.
    v1::VideoTask none;
    EXPECT_EQ(Get(absl::StrCat("Bearer ", bad), task.task_id(), none).error_code(),
              bad == kWrongKey ? grpc::StatusCode::UNAUTHENTICATED
                               : grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(Get(absl::StrCat("Token ", good), task.task_id(), none).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(Get(good, task.task_id(), none).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    List(bearer);
    // A task still running, for the restart.
    v1::VideoTask running;
    EXPECT_TRUE(Create(bearer, "a running fox [mock:generation_ms=1500]", running).ok());
    // Accepted upstream before the kill: a kill between sending a task and
    // reading the upstream's answer rightly ends it UPSTREAM_OUTCOME_UNKNOWN.
    WatchToEnd(bearer, running.task_id(), /*until_accepted=*/true);
    return running.task_id();
  }

  // SIGKILL and restart: the running task resumes with the credential
  // sealed in the store, and ends.
  void CrashAndResume(const std::string& good, const std::string& task_id) {
    gateway_->Kill();
    ASSERT_THAT(gateway_->Restart(), IsOk());
    stub_ = v1::VideoGateway::NewStub(
        grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()));
    EXPECT_EQ(WatchToEnd(absl::StrCat("Bearer ", good), task_id).state(),
              v1::TASK_STATE_SUCCEEDED);
  }

  // Every byte of every file in the data directory.
  std::string DataDirBytes() {
    std::string bytes;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir_)) {
      if (!entry.is_regular_file()) continue;
      names.push_back(entry.path().filename().string());
      absl::StrAppend(&bytes, testing::ReadFileBytes(entry.path().string()));
    }
    data_files_seen_.insert(data_files_seen_.end(), names.begin(), names.end());
    return bytes;
  }

  void ExpectNoSecret(const std::string& where, const std::string& haystack,
                      const std::vector<std::string>& secrets) {
    for (const std::string& needle : Needles(secrets)) {
      size_t at = haystack.find(needle);
      EXPECT_EQ(at, std::string::npos)
          << needle << " found in " << where << ": ..."
          << haystack.substr(at < 80 ? 0 : at - 80, 200) << "...";
    }
  }

  // The search, while the gateway runs and after it stopped cleanly.
  void ExpectNoSecretAnywhere(const std::vector<std::string>& secrets) {
    absl::StatusOr<std::string> journal = mock_->Journal();
    ASSERT_THAT(journal, IsOk());
    EXPECT_THAT(*journal, ::testing::HasSubstr("token_key"));  // it did see calls
    ExpectNoSecret("the mock's journal", *journal, secrets);
    ExpectNoSecret("the client's transcript", transcript_, secrets);
    ExpectNoSecret("the data directory (running)", DataDirBytes(), secrets);
    testing::HttpResult metrics = testing::CurlClient().Perform(
        {.url = absl::StrCat("http://127.0.0.1:", gateway_->admin_port(), "/metrics")});
    EXPECT_EQ(metrics.status, 200);
    // It did count what the restarted gateway did (the resumed task
    // succeeded), so its silence means something.
    EXPECT_THAT(metrics.body,
                ::testing::HasSubstr(
                    R"(seedance_gateway_task_transitions_total{state="succeeded"} 1)"));
    ExpectNoSecret("the gateway's /metrics", metrics.body, secrets);
    EXPECT_THAT(gateway_->Terminate(), testing::IsOkAndHolds(0));
    ASSERT_THAT(mock_->Stop(), IsOk());
    capture_.reset();
    ExpectNoSecret("the data directory (stopped)", DataDirBytes(), secrets);
    EXPECT_THAT(data_files_seen_, ::testing::Contains("tasks.db"));
    EXPECT_THAT(data_files_seen_, ::testing::Contains("tasks.db-wal"));
    std::string gateway_log = testing::ReadFileBytes(gateway_log_);
    std::string mock_log = testing::ReadFileBytes(mock_log_);
    // The logs are there and detailed (debug), so their silence means something.
    EXPECT_THAT(gateway_log, ::testing::HasSubstr("task_created"));
    EXPECT_THAT(gateway_log, ::testing::HasSubstr("upstream_submit"));
    EXPECT_THAT(mock_log, ::testing::HasSubstr("mock_upstream_listening"));
    ExpectNoSecret("the gateway's log", gateway_log, secrets);
    ExpectNoSecret("the mock's log", mock_log, secrets);
    if (json_log_) {
      int lines = 0;
      for (absl::string_view line : absl::StrSplit(gateway_log, '\n', absl::SkipEmpty())) {
        // gRPC's own lines ("E1203 ...") are not the gateway's to format;
        // none of the gateway's may be text ("2026-12-03T... INFO ...").
        if (line[0] != '{') {
          EXPECT_FALSE(absl::ascii_isdigit(line[0])) << line;
          continue;
        }
        absl::StatusOr<google::protobuf::Value> object = testing::ParseJsonValue(line);
        ASSERT_THAT(object, IsOk()) << line;
        EXPECT_TRUE(object->has_struct_value()) << line;
        EXPECT_NE(testing::JsonString(*object, "event"), "") << line;
        ++lines;
      }
      EXPECT_GT(lines, 20);
    }
  }

  testing::TempDir dir_;
  const std::string data_dir_ = dir_.path() + "/data";
  const std::string gateway_log_ = dir_.path() + "/gateway.log";
  const std::string mock_log_ = dir_.path() + "/mock.log";
  std::unique_ptr<testing::StderrToFile> capture_;
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
  std::unique_ptr<testing::GatewayProcess> gateway_;
  std::unique_ptr<v1::VideoGateway::Stub> stub_;
  std::string transcript_;
  std::vector<std::string> data_files_seen_;
  bool json_log_ = false;
};

TEST_F(SecretsTest, ForwardedTokensAppearInNoLogErrorStoreOrJournal) {
  // The mock knows only the caller's token: the other one is rejected
  // upstream with 401 invalid_token, as a revoked key would be.
  StartStack(kCallerToken, {"--auth=forward"});
  std::string running = RunFlow(kCallerToken, kRejectedToken, "a fox", kRejectedToken);
  CrashAndResume(kCallerToken, running);
  ExpectNoSecretAnywhere({kCallerToken, kRejectedToken});
}

TEST_F(SecretsTest, GatewayKeysAndTheUpstreamKeyAppearInNoLogErrorStoreOrJournal) {
  std::string keys_file = dir_.path() + "/client_keys";
  std::ofstream(keys_file) << "# test keys\n" << kClientKey << "\n";
  // The gateway (and its restart) reads its upstream key from the
  // environment it inherits; TearDown removes it.
  ASSERT_EQ(setenv("SEEDANCE_UPSTREAM_TOKEN", kUpstreamKey, 1), 0);
  json_log_ = true;
  StartStack(kUpstreamKey, {"--auth=gateway_keys", "--client_keys_file=" + keys_file,
                            "--log_format=json"});
  // The upstream rejects the gateway's key for one call ([mock:invalid_token]).
  std::string running =
      RunFlow(kClientKey, kWrongKey, "a fox [mock:invalid_token]", kClientKey);
  CrashAndResume(kClientKey, running);
  ExpectNoSecretAnywhere({kClientKey, kWrongKey, kUpstreamKey});
}

}  // namespace
}  // namespace seedance
