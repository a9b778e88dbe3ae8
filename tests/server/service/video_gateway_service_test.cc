// The gRPC service over an in-process channel, with the real task logic on
// its own loop thread, a fake clock and scheduler, and a recording upstream.
#include "server/service/video_gateway_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/callers/forwarding_authenticator.h"
#include "server/callers/keyring.h"
#include "server/core/task_manager.h"
#include "server/service/grpc_status.h"
#include "server/store/in_memory_task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"
#include "server/upstream/upstream_driver.h"
#include "tests/server/service/service_fixture.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::service {
namespace {

using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

class VideoGatewayServiceTest : public ServiceFixture {
 protected:
  void Start(gateway::v1::DeliveryMode mode, size_t max_streams = 1000) {
    ServiceFixtureOptions options;
    options.manager.mode = mode;
    options.service.watch.heartbeat_interval = absl::Seconds(10);
    options.service.watch.max_streams = max_streams;
    StartService(options);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::VideoGateway::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }

  static void Authorize(grpc::ClientContext& context, const std::string& token = "alice") {
    context.AddMetadata("authorization", "Bearer " + token);
  }

  v1::CreateVideoTaskRequest Request() {
    v1::CreateVideoTaskRequest r;
    r.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
    r.mutable_spec()->set_prompt("a kitten yawning");
    return r;
  }

  std::string CreateTask(const std::string& token = "alice") {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::VideoTask task;
    grpc::Status status = stub_->CreateVideoTask(&context, Request(), &task);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return task.task_id();
  }

  // Reads a whole stream: its messages and its final status.
  struct StreamResult {
    std::vector<v1::WatchVideoTaskResponse> messages;
    absl::Status status;
    std::vector<uint64_t> Sequences() const {
      std::vector<uint64_t> out;
      for (const auto& m : messages) {
        if (m.has_status()) out.push_back(m.status().sequence());
      }
      return out;
    }
  };
  static StreamResult ReadAll(grpc::ClientReader<v1::WatchVideoTaskResponse>& reader) {
    StreamResult result;
    v1::WatchVideoTaskResponse message;
    while (reader.Read(&message)) result.messages.push_back(message);
    result.status = FromGrpcStatus(reader.Finish());
    return result;
  }

  std::unique_ptr<v1::VideoGateway::Stub> stub_;
};

TEST_F(VideoGatewayServiceTest, MissingCredentialsAreUnauthenticatedWithErrorInfo) {
  Start(gateway::v1::DELIVERY_MODE_HOLD);
  grpc::ClientContext context;
  v1::VideoTask task;
  absl::Status status = FromGrpcStatus(stub_->CreateVideoTask(&context, Request(), &task));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnauthenticated,
                               HasSubstr("authorization: Bearer")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(status)->reason(), "MISSING_CREDENTIALS");
}

TEST_F(VideoGatewayServiceTest, InvalidSpecComesBackWithFieldViolations) {
  Start(gateway::v1::DELIVERY_MODE_HOLD);
  grpc::ClientContext context;
  Authorize(context);
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_duration_seconds(99);
  r.mutable_spec()->set_model("no-such-model");
  v1::VideoTask task;
  absl::Status status = FromGrpcStatus(stub_->CreateVideoTask(&context, r, &task));
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(status),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.model"),
                          Field(&upstream_api::FieldViolation::field, "spec.duration_seconds")));
}

TEST_F(VideoGatewayServiceTest, CreateGetListCancel) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  std::string id = CreateTask();
  {
    grpc::ClientContext context;
    Authorize(context);
    v1::GetVideoTaskRequest get;
    get.set_task_id(id);
    v1::VideoTask task;
    ASSERT_TRUE(stub_->GetVideoTask(&context, get, &task).ok());
    EXPECT_EQ(task.state(), v1::TASK_STATE_PENDING);
    EXPECT_EQ(task.spec().prompt(), "a kitten yawning");
  }
  {
    grpc::ClientContext context;
    Authorize(context, "bob");
    v1::GetVideoTaskRequest get;
    get.set_task_id(id);
    v1::VideoTask task;
    EXPECT_EQ(stub_->GetVideoTask(&context, get, &task).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    Authorize(context);
    v1::ListVideoTasksResponse page;
    ASSERT_TRUE(stub_->ListVideoTasks(&context, {}, &page).ok());
    ASSERT_EQ(page.tasks_size(), 1);
    EXPECT_EQ(page.tasks(0).task_id(), id);
  }
  {
    grpc::ClientContext context;
    Authorize(context);
    v1::CancelVideoTaskRequest cancel;
    cancel.set_task_id(id);
    v1::VideoTask task;
    ASSERT_TRUE(stub_->CancelVideoTask(&context, cancel, &task).ok());
    EXPECT_EQ(task.state(), v1::TASK_STATE_CANCELLED);
  }
}

TEST_F(VideoGatewayServiceTest, WatchStartsAtTheCurrentStateAndEndsAtTheTerminalOne) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  std::string id = CreateTask();
  upstream_.Answer(0, Accepted());  // -> QUEUED (sequence 2)
  grpc::ClientContext context;
  Authorize(context);
  v1::WatchVideoTaskRequest watch;
  watch.set_task_id(id);
  auto reader = stub_->WatchVideoTask(&context, watch);
  v1::WatchVideoTaskResponse first;
  ASSERT_TRUE(reader->Read(&first));
  // The first message is the current state (QUEUED once the accept landed).
  ASSERT_TRUE(first.has_status());
  uint64_t current = first.status().sequence();
  EXPECT_GE(current, 1u);
  // The upstream's callback finishes it.
  std::string secret = store_.Get(id)->callback_secret();
  seedance::upstream::v1::VideosResponse done = *Final("succeeded", "https://cdn/v.mp4").final_answer;
  manager_->OnUpstreamCallback(id, secret, done, [](absl::Status) {});
  StreamResult rest = ReadAll(*reader);
  EXPECT_TRUE(rest.status.ok()) << rest.status;
  ASSERT_FALSE(rest.messages.empty());
  const v1::TaskEvent& last = rest.messages.back().status();
  EXPECT_EQ(last.state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(last.task().result().video_url(), "https://cdn/v.mp4");
  for (uint64_t seq : rest.Sequences()) EXPECT_EQ(seq, ++current);  // no gap, no repeat
}

TEST_F(VideoGatewayServiceTest, WatchResumesAfterASequence) {
  Start(gateway::v1::DELIVERY_MODE_HOLD);
  std::string id = CreateTask();
  upstream_.Answer(0, Final("succeeded", "https://cdn/v.mp4"));
  for (uint64_t after : {0, 1, 2}) {
    SCOPED_TRACE(after);
    grpc::ClientContext context;
    Authorize(context);
    v1::WatchVideoTaskRequest watch;
    watch.set_task_id(id);
    watch.set_after_sequence(after);
    auto reader = stub_->WatchVideoTask(&context, watch);
    StreamResult result = ReadAll(*reader);
    EXPECT_TRUE(result.status.ok());
    std::vector<uint64_t> expected;
    for (uint64_t s = after + 1; s <= 2; ++s) expected.push_back(s);
    EXPECT_EQ(result.Sequences(), expected);
  }
}

TEST_F(VideoGatewayServiceTest, WatchPastTheLatestSequenceOfARunningTaskIsOutOfRange) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  std::string id = CreateTask();
  grpc::ClientContext context;
  Authorize(context);
  v1::WatchVideoTaskRequest watch;
  watch.set_task_id(id);
  watch.set_after_sequence(7);
  auto reader = stub_->WatchVideoTask(&context, watch);
  StreamResult result = ReadAll(*reader);
  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kOutOfRange,
                                      HasSubstr("latest sequence 1")));
}

TEST_F(VideoGatewayServiceTest, CreateAndWatchShowsTheWholeLifeCycle) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  grpc::ClientContext context;
  Authorize(context);
  auto reader = stub_->CreateAndWatchVideoTask(&context, Request());
  v1::WatchVideoTaskResponse first;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_EQ(first.status().sequence(), 1u);
  EXPECT_EQ(first.status().state(), v1::TASK_STATE_PENDING);
  std::string id = first.status().task_id();
  upstream_.Answer(0, Accepted());
  v1::WatchVideoTaskResponse second;
  ASSERT_TRUE(reader->Read(&second));
  EXPECT_EQ(second.status().state(), v1::TASK_STATE_QUEUED);
  std::string secret = store_.Get(id)->callback_secret();
  manager_->OnUpstreamCallback(id, secret, *Final("succeeded", "https://x/v.mp4").final_answer,
                               [](absl::Status) {});
  StreamResult rest = ReadAll(*reader);
  EXPECT_TRUE(rest.status.ok());
  EXPECT_THAT(rest.Sequences(), ElementsAre(3));
}

TEST_F(VideoGatewayServiceTest, CreateAndWatchReportsARefusedCreate) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  grpc::ClientContext context;
  Authorize(context);
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_resolution(v1::RESOLUTION_720P);
  r.mutable_spec()->set_seed(-7);
  auto reader = stub_->CreateAndWatchVideoTask(&context, r);
  StreamResult result = ReadAll(*reader);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_THAT(result.status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(result.status),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.seed")));
}

TEST_F(VideoGatewayServiceTest, IdleStreamsGetHeartbeats) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  std::string id = CreateTask();
  grpc::ClientContext context;
  Authorize(context);
  v1::WatchVideoTaskRequest watch;
  watch.set_task_id(id);
  auto reader = stub_->WatchVideoTask(&context, watch);
  v1::WatchVideoTaskResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_status());
  scheduler_.AdvanceAndRunDue(absl::Seconds(10));
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_heartbeat());
  EXPECT_EQ(message.heartbeat().task_id(), id);
  EXPECT_EQ(message.heartbeat().state(), v1::TASK_STATE_PENDING);
  EXPECT_EQ(message.heartbeat().sequence(), 1u);
  EXPECT_EQ(message.heartbeat().elapsed().seconds(), 10);
  context.TryCancel();
}

TEST_F(VideoGatewayServiceTest, ManyWatchersOverManyChannelsSeeEveryChangeOnce) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  std::string id = CreateTask();
  constexpr int kChannels = 4;
  constexpr int kWatchersPerChannel = 50;
  std::vector<std::unique_ptr<v1::VideoGateway::Stub>> stubs;
  for (int c = 0; c < kChannels; ++c) {
    stubs.push_back(
        v1::VideoGateway::NewStub(server_->InProcessChannel(grpc::ChannelArguments())));
  }
  struct Watcher {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<v1::WatchVideoTaskResponse>> reader;
  };
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < kChannels * kWatchersPerChannel; ++i) {
    auto w = std::make_unique<Watcher>();
    Authorize(w->context);
    v1::WatchVideoTaskRequest watch;
    watch.set_task_id(id);
    watch.set_after_sequence(0);
    w->reader = stubs[i % kChannels]->WatchVideoTask(&w->context, watch);
    v1::WatchVideoTaskResponse first;
    ASSERT_TRUE(w->reader->Read(&first));  // subscribed and caught up
    ASSERT_EQ(first.status().sequence(), 1u);
    watchers.push_back(std::move(w));
  }
  EXPECT_EQ(service_->open_streams(), watchers.size());
  upstream_.Answer(0, Accepted());
  std::string secret = store_.Get(id)->callback_secret();
  manager_->OnUpstreamCallback(id, secret, *Final("running", "").final_answer,
                               [](absl::Status) {});
  manager_->OnUpstreamCallback(id, secret, *Final("succeeded", "https://x/v.mp4").final_answer,
                               [](absl::Status) {});
  for (auto& w : watchers) {
    StreamResult rest = ReadAll(*w->reader);
    EXPECT_TRUE(rest.status.ok());
    EXPECT_THAT(rest.Sequences(), ElementsAre(2, 3, 4));
  }
}

TEST_F(VideoGatewayServiceTest, TooManyStreamsAreRefusedWithRetryInfo) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK, /*max_streams=*/1);
  std::string id = CreateTask();
  grpc::ClientContext first_context;
  Authorize(first_context);
  v1::WatchVideoTaskRequest watch;
  watch.set_task_id(id);
  auto first = stub_->WatchVideoTask(&first_context, watch);
  v1::WatchVideoTaskResponse message;
  ASSERT_TRUE(first->Read(&message));
  grpc::ClientContext second_context;
  Authorize(second_context);
  auto second = stub_->WatchVideoTask(&second_context, watch);
  StreamResult refused = ReadAll(*second);
  EXPECT_THAT(refused.status, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(upstream_api::RetryDelayOf(refused.status), absl::Seconds(5));
  first_context.TryCancel();
}

TEST_F(VideoGatewayServiceTest, ShutdownEndsStreamsWithAResumeHint) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  std::string id = CreateTask();
  grpc::ClientContext context;
  Authorize(context);
  v1::WatchVideoTaskRequest watch;
  watch.set_task_id(id);
  auto reader = stub_->WatchVideoTask(&context, watch);
  v1::WatchVideoTaskResponse message;
  ASSERT_TRUE(reader->Read(&message));
  service_->EndStreams();
  StreamResult rest = ReadAll(*reader);
  EXPECT_THAT(rest.status, StatusIs(absl::StatusCode::kUnavailable,
                                    HasSubstr("resume with after_sequence=1")));
}

TEST_F(VideoGatewayServiceTest, ListModelsListsTheKnownModels) {
  Start(gateway::v1::DELIVERY_MODE_HOLD);
  grpc::ClientContext context;
  Authorize(context);
  v1::ListModelsResponse models;
  ASSERT_TRUE(stub_->ListModels(&context, {}, &models).ok());
  ASSERT_EQ(models.models_size(), 5);
  EXPECT_EQ(models.models(0).model(), "doubao-seedance-1-0-pro-250528");
  EXPECT_TRUE(models.models(2).audio());
  EXPECT_TRUE(models.models(4).requires_image());
}

}  // namespace
}  // namespace seedance::server::service
