// WatchReactor, one per watch stream: it starts at the current state (or
// after a sequence), pulls the next event only when its write is done,
// sends heartbeats while nothing changes, refuses past max_streams and ends
// with a resume hint on shutdown. Over an in-process channel with the real
// engine, a fake clock and scheduler, and a recording upstream.
#include "server/service/watch_reactor.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
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

class WatchReactorTest : public InProcessServiceTest {};

TEST_F(WatchReactorTest, WatchStartsAtTheCurrentStateAndEndsAtTheTerminalOne) {
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

TEST_F(WatchReactorTest, WatchResumesAfterASequence) {
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

TEST_F(WatchReactorTest, WatchPastTheLatestSequenceOfARunningTaskIsOutOfRange) {
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

TEST_F(WatchReactorTest, IdleStreamsGetHeartbeats) {
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

TEST_F(WatchReactorTest, ManyWatchersOverManyChannelsSeeEveryChangeOnce) {
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

TEST_F(WatchReactorTest, TooManyStreamsAreRefusedWithRetryInfo) {
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

TEST_F(WatchReactorTest, ShutdownEndsStreamsWithAResumeHint) {
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
  // Shutdown waits for this before gRPC's own, which would cancel streams.
  EXPECT_TRUE(service_->AwaitStreamsEnded(absl::Seconds(10)));
  EXPECT_EQ(service_->open_streams(), 0u);

  // A watch opened meanwhile (a client resuming at once) is told the same,
  // UNAVAILABLE, never a capacity refusal or a CANCELLED it would not retry.
  for (std::optional<uint64_t> after : {std::optional<uint64_t>(), std::optional<uint64_t>(1)}) {
    SCOPED_TRACE(after.has_value() ? "after 1" : "from the current state");
    grpc::ClientContext again_context;
    Authorize(again_context);
    v1::WatchVideoTaskRequest again = watch;
    if (after.has_value()) again.set_after_sequence(*after);
    auto again_reader = stub_->WatchVideoTask(&again_context, again);
    StreamResult refused = ReadAll(*again_reader);
    EXPECT_TRUE(refused.messages.empty());
    EXPECT_THAT(refused.status, StatusIs(absl::StatusCode::kUnavailable,
                                         HasSubstr("the gateway is shutting down")));
    std::optional<google::rpc::ErrorInfo> info =
        upstream_api::GetDetail<google::rpc::ErrorInfo>(refused.status);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->reason(), "SHUTTING_DOWN");
    if (after.has_value()) {
      EXPECT_THAT(refused.status.message(), HasSubstr("resume with after_sequence=1"));
    }
  }
}

}  // namespace
}  // namespace seedance::server::service
