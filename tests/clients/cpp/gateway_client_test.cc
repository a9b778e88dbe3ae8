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

#include "absl/synchronization/mutex.h"
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
};

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

}  // namespace
}  // namespace seedance::client
