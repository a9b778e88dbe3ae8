// GatewayClient's watch resumption against an in-process server that ends
// streams the ways a gateway going down does: UNAVAILABLE (its own shutdown
// status) and CANCELLED (what gRPC's shutdown sends to calls that arrive
// while it stops). Each change reaches the caller once, in order.
#include "clients/cpp/gateway_client.h"

#include <grpcpp/grpcpp.h>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include <openssl/evp.h>

#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/synchronization/mutex.h"
#include "google/rpc/error_details.pb.h"
#include "tests/testing/temp_dir.h"
#include "upstream_api/status_details.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::client {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;

// What one stream call does: send these states (numbered on from the
// request's after_sequence), then end with `status`.
struct Script {
  std::vector<v1::TaskState> states;
  grpc::Status status;
};

class ScriptedGateway final : public v1::VideoGateway::Service {
 public:
  explicit ScriptedGateway(std::vector<Script> scripts) : scripts_(scripts.begin(), scripts.end()) {}

  grpc::Status WatchVideoTask(grpc::ServerContext*, const v1::WatchVideoTaskRequest* request,
                              grpc::ServerWriter<v1::WatchVideoTaskResponse>* writer) override {
    Script script = Next(request->has_after_sequence()
                             ? std::optional<uint64_t>(request->after_sequence())
                             : std::nullopt);
    return Play(script, request->task_id(), request->after_sequence(), writer);
  }

  grpc::Status CreateAndWatchVideoTask(
      grpc::ServerContext*, const v1::CreateVideoTaskRequest*,
      grpc::ServerWriter<v1::WatchVideoTaskResponse>* writer) override {
    return Play(Next(std::nullopt), "task-1", 0, writer);
  }

  // ReadVideoContent: what each call does, in order, over `content`.
  struct ContentScript {
    // Send the header (the file's size and digest, or `sha256` if set),
    // then bytes from the request's offset until `until` (-1: the end).
    bool header = true;
    int64_t until = -1;
    grpc::Status status;
    std::string sha256;
  };
  void ServeContent(std::string content, std::string sha256, std::vector<ContentScript> scripts) {
    absl::MutexLock lock(&mu_);
    content_ = std::move(content);
    content_sha256_ = std::move(sha256);
    content_scripts_.assign(scripts.begin(), scripts.end());
  }
  grpc::Status ReadVideoContent(grpc::ServerContext*, const v1::ReadVideoContentRequest* request,
                                grpc::ServerWriter<v1::ReadVideoContentResponse>* writer) override {
    ContentScript script;
    std::string content;
    std::string sha256;
    {
      absl::MutexLock lock(&mu_);
      offsets_.push_back(request->offset());
      if (content_scripts_.empty()) return grpc::Status(grpc::StatusCode::INTERNAL, "no script");
      script = content_scripts_.front();
      content_scripts_.pop_front();
      content = content_;
      sha256 = script.sha256.empty() ? content_sha256_ : script.sha256;
    }
    const int64_t size = static_cast<int64_t>(content.size());
    if (script.header) {
      v1::ReadVideoContentResponse message;
      message.mutable_header()->set_content_type("video/mp4");
      message.mutable_header()->set_total_size(size);
      message.mutable_header()->set_sha256(sha256);
      message.mutable_header()->set_offset(request->offset());
      message.mutable_header()->set_length(size - request->offset());
      writer->Write(message);
      const int64_t until = script.until < 0 ? size : script.until;
      for (int64_t at = request->offset(); at < until; at += 100) {
        v1::ReadVideoContentResponse chunk;
        chunk.mutable_chunk()->set_offset(at);
        chunk.mutable_chunk()->set_data(content.substr(at, std::min<int64_t>(100, until - at)));
        writer->Write(chunk);
      }
    }
    return script.status;
  }
  std::vector<int64_t> offsets() const {
    absl::MutexLock lock(&mu_);
    return offsets_;
  }

  // The after_sequence of each watch call (nullopt: none), in order.
  std::vector<std::optional<uint64_t>> afters() const {
    absl::MutexLock lock(&mu_);
    return afters_;
  }

 private:
  Script Next(std::optional<uint64_t> after) {
    absl::MutexLock lock(&mu_);
    afters_.push_back(after);
    if (scripts_.empty()) return {{}, grpc::Status(grpc::StatusCode::INTERNAL, "no script left")};
    Script script = scripts_.front();
    scripts_.pop_front();
    return script;
  }

  static grpc::Status Play(const Script& script, const std::string& task_id, uint64_t after,
                           grpc::ServerWriter<v1::WatchVideoTaskResponse>* writer) {
    uint64_t sequence = after;
    for (v1::TaskState state : script.states) {
      v1::WatchVideoTaskResponse message;
      v1::TaskEvent* event = message.mutable_status();
      event->set_task_id(task_id);
      event->set_sequence(++sequence);
      event->set_state(state);
      event->mutable_task()->set_task_id(task_id);
      event->mutable_task()->set_state(state);
      writer->Write(message);
    }
    return script.status;
  }

  mutable absl::Mutex mu_;
  std::deque<Script> scripts_ ABSL_GUARDED_BY(mu_);
  std::vector<std::optional<uint64_t>> afters_ ABSL_GUARDED_BY(mu_);
  std::string content_ ABSL_GUARDED_BY(mu_);
  std::string content_sha256_ ABSL_GUARDED_BY(mu_);
  std::deque<ContentScript> content_scripts_ ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> offsets_ ABSL_GUARDED_BY(mu_);
};

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(digest), length));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

// A gateway error with its details, as the gateway sends it.
grpc::Status WithDetails(absl::Status status) {
  google::rpc::Status rpc = upstream_api::ToRpcStatus(status);
  return grpc::Status(static_cast<grpc::StatusCode>(rpc.code()), rpc.message(),
                      rpc.SerializeAsString());
}

const grpc::Status kShuttingDown(grpc::StatusCode::UNAVAILABLE,
                                 "the gateway is shutting down; resume with after_sequence=1");
const grpc::Status kCancelledByShutdown(grpc::StatusCode::CANCELLED, "CANCELLED");

class GatewayClientTest : public ::testing::Test {
 protected:
  void Serve(std::vector<Script> scripts) {
    service_ = std::make_unique<ScriptedGateway>(std::move(scripts));
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    client_.emplace(server_->InProcessChannel({}), "token",
                    GatewayClient::Options{.reconnect_delay = absl::Milliseconds(1)});
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // Records the sequence of every change passed on.
  GatewayClient::OnMessage Record() {
    return [this](const v1::WatchVideoTaskResponse& m) {
      if (m.has_status()) seen_.push_back(m.status().sequence());
    };
  }

  std::unique_ptr<ScriptedGateway> service_;
  std::unique_ptr<grpc::Server> server_;
  std::optional<GatewayClient> client_;
  std::vector<uint64_t> seen_;
};

TEST_F(GatewayClientTest, AWatchResumesThroughAGatewayShutdownsUnavailableAndCancelled) {
  Serve({{{v1::TASK_STATE_RUNNING}, kShuttingDown},
         {{}, kCancelledByShutdown},
         {{}, grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect")},
         {{v1::TASK_STATE_SUCCEEDED}, grpc::Status::OK}});
  absl::StatusOr<v1::VideoTask> task = client_->WatchToEnd("task-1", std::nullopt, Record());
  ASSERT_THAT(task, IsOk());
  EXPECT_EQ(task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(seen_, ElementsAre(1, 2));
  EXPECT_THAT(service_->afters(), ElementsAre(std::nullopt, 1, 1, 1));
}

TEST_F(GatewayClientTest, CreateAndWatchFollowsItsTaskByIdThroughAShutdown) {
  Serve({{{v1::TASK_STATE_PENDING}, kShuttingDown},  // the create's stream
         {{}, kCancelledByShutdown},                 // watch by id, during gRPC's shutdown
         {{v1::TASK_STATE_RUNNING, v1::TASK_STATE_SUCCEEDED}, grpc::Status::OK}});
  absl::StatusOr<v1::VideoTask> task =
      client_->CreateAndWatch(v1::CreateVideoTaskRequest(), Record());
  ASSERT_THAT(task, IsOk());
  EXPECT_EQ(task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(seen_, ElementsAre(1, 2, 3));
}

TEST_F(GatewayClientTest, ANonRetryableErrorEndsTheWatch) {
  Serve({{{v1::TASK_STATE_RUNNING}, grpc::Status(grpc::StatusCode::NOT_FOUND, "no such task")}});
  EXPECT_THAT(client_->WatchToEnd("task-1", std::nullopt, Record()),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(service_->afters().size(), 1u);
}

TEST_F(GatewayClientTest, TheReconnectBudgetEndsAWatchThatNeverComesBack) {
  std::vector<Script> scripts(4, Script{{}, kCancelledByShutdown});
  Serve(scripts);
  GatewayClient client(server_->InProcessChannel({}), "token",
                       {.max_reconnects = 3, .reconnect_delay = absl::Milliseconds(1)});
  EXPECT_THAT(client.WatchToEnd("task-1", std::nullopt, Record()),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(service_->afters().size(), 4u);  // the first try and 3 reconnects
}

// 1000 bytes that differ from byte to byte.
std::string Content() {
  std::string content;
  for (int i = 0; i < 1000; ++i) content.push_back(static_cast<char>(i * 31 + i / 7));
  return content;
}

TEST_F(GatewayClientTest, ADownloadResumesFromTheBytesItHasAndChecksTheDigest) {
  Serve({});
  const std::string content = Content();
  service_->ServeContent(content, Sha256Hex(content),
                         {{.until = 400, .status = kShuttingDown},
                          {.header = false, .status = kCancelledByShutdown},
                          {.status = grpc::Status::OK}});
  testing::TempDir dir;
  const std::string path = dir.path() + "/v.mp4";
  std::vector<std::pair<int64_t, int64_t>> progress;
  absl::StatusOr<Downloaded> saved = client_->DownloadContent(
      "task-1", v1::RESULT_FILE_VIDEO, path,
      [&](int64_t received, int64_t total) { progress.emplace_back(received, total); });
  ASSERT_THAT(saved, IsOk());
  EXPECT_EQ(saved->size, 1000);
  EXPECT_EQ(saved->sha256, Sha256Hex(content));
  EXPECT_EQ(saved->content_type, "video/mp4");
  EXPECT_EQ(ReadFile(path), content);
  EXPECT_FALSE(Exists(path + ".part"));
  EXPECT_THAT(service_->offsets(), ElementsAre(0, 400, 400));
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(int64_t{1000}, int64_t{1000}));
}

TEST_F(GatewayClientTest, ADownloadWaitsWhileTheGatewayIsStillFetching) {
  Serve({});
  const std::string content = Content();
  absl::Status pending = upstream_api::WithRetryDelay(
      upstream_api::WithErrorInfo(absl::UnavailableError("still fetching"), "CONTENT_PENDING",
                                  "gateway.seedance"),
      absl::Milliseconds(1));
  // More waits than the reconnect budget (20): a pending copy has none.
  std::vector<ScriptedGateway::ContentScript> scripts(
      25, {.header = false, .status = WithDetails(pending)});
  scripts.push_back({.status = grpc::Status::OK});
  service_->ServeContent(content, Sha256Hex(content), scripts);
  testing::TempDir dir;
  absl::StatusOr<Downloaded> saved =
      client_->DownloadContent("task-1", v1::RESULT_FILE_VIDEO, dir.path() + "/v.mp4");
  ASSERT_THAT(saved, IsOk());
  EXPECT_EQ(ReadFile(dir.path() + "/v.mp4"), content);
}

TEST_F(GatewayClientTest, ADownloadThatDoesNotMatchItsDigestIsNotSaved) {
  Serve({});
  const std::string content = Content();
  service_->ServeContent(content, std::string(64, '0'), {{.status = grpc::Status::OK}});
  testing::TempDir dir;
  const std::string path = dir.path() + "/v.mp4";
  absl::StatusOr<Downloaded> saved =
      client_->DownloadContent("task-1", v1::RESULT_FILE_VIDEO, path);
  EXPECT_THAT(saved, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_FALSE(Exists(path));
  EXPECT_FALSE(Exists(path + ".part"));
}

TEST_F(GatewayClientTest, ADownloadTheGatewayRefusesEndsWithItsError) {
  Serve({});
  service_->ServeContent(
      Content(), "",
      {{.header = false,
        .status = WithDetails(upstream_api::WithErrorInfo(
            absl::FailedPreconditionError("the gateway could not keep the video"),
            "CONTENT_NOT_KEPT", "gateway.seedance"))}});
  testing::TempDir dir;
  absl::StatusOr<Downloaded> saved =
      client_->DownloadContent("task-1", v1::RESULT_FILE_VIDEO, dir.path() + "/v.mp4");
  EXPECT_THAT(saved, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(saved.status())->reason(),
            "CONTENT_NOT_KEPT");
  EXPECT_THAT(service_->offsets(), ElementsAre(0));
  EXPECT_FALSE(Exists(dir.path() + "/v.mp4.part"));
}

TEST_F(GatewayClientTest, ADownloadIntoAPlaceThatCannotBeWrittenFailsBeforeCalling) {
  Serve({});
  absl::StatusOr<Downloaded> saved = client_->DownloadContent(
      "task-1", v1::RESULT_FILE_VIDEO, "/nonexistent-dir/v.mp4");
  EXPECT_THAT(saved, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(service_->offsets().empty());
}

}  // namespace
}  // namespace seedance::client
