// The gRPC service over an in-process channel, with the real task logic on
// its own loop thread, a fake clock and scheduler, and a recording upstream.
#include "server/service/video_gateway_service.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "base/trace_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/service/grpc_status.h"
#include "tests/server/service/service_fixture.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::service {
namespace {

using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

class VideoGatewayServiceTest : public InProcessServiceTest {};

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

// The traceparent in the answer's initial metadata, "" if none.
std::string AnsweredTraceparent(const grpc::ClientContext& context) {
  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find("traceparent");
  return it == metadata.end() ? "" : std::string(it->second.data(), it->second.size());
}

TEST_F(VideoGatewayServiceTest, TheCallersTraceGoesWithTheTaskAndComesBack) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  grpc::ClientContext context;
  Authorize(context);
  context.AddMetadata("traceparent", traceparent);
  v1::VideoTask task;
  ASSERT_TRUE(stub_->CreateVideoTask(&context, Request(), &task).ok());
  EXPECT_EQ(task.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(AnsweredTraceparent(context), traceparent);
  EXPECT_EQ(store_.Get(task.task_id())->traceparent(), traceparent);
}

TEST_F(VideoGatewayServiceTest, ACallWithoutAValidTraceGetsANewOne) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  for (const char* sent : {"", "00-not-a-trace-01"}) {
    grpc::ClientContext context;
    Authorize(context);
    if (*sent != '\0') context.AddMetadata("traceparent", sent);
    v1::VideoTask task;
    ASSERT_TRUE(stub_->CreateVideoTask(&context, Request(), &task).ok());
    std::optional<TraceContext> answered = ParseTraceparent(AnsweredTraceparent(context));
    ASSERT_TRUE(answered.has_value()) << AnsweredTraceparent(context);
    EXPECT_EQ(task.trace_id(), answered->trace_id);
  }
  // Refused calls carry one too, for the caller's log.
  grpc::ClientContext refused;
  v1::VideoTask task;
  EXPECT_FALSE(stub_->CreateVideoTask(&refused, Request(), &task).ok());
  EXPECT_TRUE(ParseTraceparent(AnsweredTraceparent(refused)).has_value());
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

TEST_F(VideoGatewayServiceTest, CreateAndWatchShowsTheWholeLifeCycle) {
  Start(gateway::v1::DELIVERY_MODE_CALLBACK);
  grpc::ClientContext context;
  Authorize(context);
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  context.AddMetadata("traceparent", traceparent);
  auto reader = stub_->CreateAndWatchVideoTask(&context, Request());
  v1::WatchVideoTaskResponse first;
  ASSERT_TRUE(reader->Read(&first));
  EXPECT_EQ(AnsweredTraceparent(context), traceparent);
  EXPECT_EQ(first.status().task().trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
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
