// The gateway under overload, over real HTTP/2 on loopback: per-caller rate
// limits as clients see them (RESOURCE_EXHAUSTED with ErrorInfo and
// RetryInfo on the wire), and watch streams whose clients stop reading
// (gRPC's flow control is what makes a write wait): what the gateway holds
// for them stays bounded whatever happens meanwhile, a client that reads
// again catches up with a consistent sequence, and one that never does is
// closed after the stall timeout and resumes without losing anything. The
// task logic runs on its own loop thread; time, heartbeats and the stall
// check run on a fake clock and scheduler driven by the test.
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/callers/forwarding_authenticator.h"
#include "server/callers/keyring.h"
#include "server/core/task_manager.h"
#include "server/service/grpc_status.h"
#include "server/service/video_gateway_service.h"
#include "server/store/in_memory_task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"
#include "server/upstream/upstream_driver.h"
#include "tests/server/service/service_fixture.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::service {
namespace {

using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A prompt this big makes every TaskEvent of the task bigger than gRPC's
// flow-control window (64 KiB without BDP probing), so a write to a client
// that does not read cannot complete.
constexpr size_t kPromptBytes = 1 << 20;
// What one such message may take, with the rest of the task.
constexpr size_t kMessageBound = kPromptBytes + 4096;

// One watch stream and what its client has read.
struct Watcher {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::WatchVideoTaskResponse>> reader;
  std::vector<uint64_t> sequences;  // of the status messages, in order
  int heartbeats = 0;
  absl::Status status;

  // Reads one message; false at the end of the stream (status set).
  bool ReadOne() {
    v1::WatchVideoTaskResponse message;
    if (!reader->Read(&message)) {
      status = FromGrpcStatus(reader->Finish());
      return false;
    }
    if (message.has_status()) sequences.push_back(message.status().sequence());
    if (message.has_heartbeat()) ++heartbeats;
    return true;
  }
  void ReadToEnd() {
    while (ReadOne()) {
    }
  }
};

struct Limits {
  absl::Duration stall_timeout = absl::ZeroDuration();
  double caller_create_rate = 0;
  double caller_create_burst = 1;
  double caller_rpc_rate = 0;
  double caller_rpc_burst = 1;
};

class OverloadTest : public ServiceFixture {
 protected:
  void Start(Limits limits) {
    ServiceFixtureOptions options;
    options.manager.mode = gateway::v1::DELIVERY_MODE_CALLBACK;
    options.manager.limits.caller_create_rate = limits.caller_create_rate;
    options.manager.limits.caller_create_burst = limits.caller_create_burst;
    options.service.watch.heartbeat_interval = kHeartbeat;
    options.service.watch.stall_timeout = limits.stall_timeout;
    options.service.caller_rpc_rate = limits.caller_rpc_rate;
    options.service.caller_rpc_burst = limits.caller_rpc_burst;
    StartService(options);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
  }

  // A channel on its own connection, whose receive window stays at HTTP/2's
  // initial 64 KiB (no BDP probing) unless the application reads.
  std::unique_ptr<v1::VideoGateway::Stub> NewStub() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return v1::VideoGateway::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials(), args));
  }

  static void Authorize(grpc::ClientContext& context, const std::string& token = "alice") {
    context.AddMetadata("authorization", "Bearer " + token);
  }

  // A task whose every event is about kPromptBytes big.
  std::string CreateBigTask(v1::VideoGateway::Stub& stub) {
    v1::CreateVideoTaskRequest r;
    r.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
    r.mutable_spec()->set_prompt("a kitten yawning " + std::string(kPromptBytes, 'z'));
    grpc::ClientContext context;
    Authorize(context);
    v1::VideoTask task;
    grpc::Status status = stub.CreateVideoTask(&context, r, &task);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return task.task_id();
  }

  std::unique_ptr<Watcher> Watch(v1::VideoGateway::Stub& stub, const std::string& id,
                                 std::optional<uint64_t> after = std::nullopt) {
    auto w = std::make_unique<Watcher>();
    Authorize(w->context);
    v1::WatchVideoTaskRequest request;
    request.set_task_id(id);
    if (after.has_value()) request.set_after_sequence(*after);
    w->reader = stub.WatchVideoTask(&w->context, request);
    return w;
  }

  // Reports the upstream's `status` for the task and waits until it is
  // durable (and its event appended).
  void Report(const std::string& id, const std::string& status) {
    seedance::upstream::v1::VideosResponse answer;
    answer.set_success(true);
    seedance::upstream::v1::TaskData* data = answer.add_data();
    data->set_status(status);
    if (status == "succeeded") data->set_video_url("https://cdn/v.mp4");
    absl::Notification done;
    manager_->OnUpstreamCallback(id, store_.Get(id)->callback_secret(), answer,
                                 [&done](absl::Status) { done.Notify(); });
    done.WaitForNotification();
  }

  // Waits until the watch streams' stats satisfy `ready`: the test cannot
  // see gRPC's writes complete, so it checks the gateway's own account of
  // them until the deadline.
  bool WaitForStats(const std::function<bool(const WatchRegistry::Stats&)>& ready) {
    absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (!ready(service_->watch_stats())) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(1));
    }
    return true;
  }

  static constexpr absl::Duration kHeartbeat = absl::Seconds(1);

  int port_ = 0;
};

TEST_F(OverloadTest, WatchersThatDoNotReadHoldOneMessageEachAndCatchUpLater) {
  Start({.stall_timeout = absl::ZeroDuration()});
  std::unique_ptr<v1::VideoGateway::Stub> creator = NewStub();
  std::string id = CreateBigTask(*creator);
  constexpr int kChannels = 2;
  constexpr int kWatchersPerChannel = 4;
  constexpr size_t kWatchers = kChannels * kWatchersPerChannel;
  std::vector<std::unique_ptr<v1::VideoGateway::Stub>> stubs;
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int c = 0; c < kChannels; ++c) {
    stubs.push_back(NewStub());
    for (int i = 0; i < kWatchersPerChannel; ++i) watchers.push_back(Watch(*stubs.back(), id));
  }
  // Every stream is writing its first message (the current state), which
  // cannot leave: nobody reads.
  ASSERT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) {
    return s.open_streams == kWatchers && s.writes_in_flight == kWatchers;
  })) << service_->watch_stats().writes_in_flight;

  // Meanwhile the task moves on and hundreds of heartbeats fall due.
  upstream_.Answer(0, Accepted());  // QUEUED
  Report(id, "running");
  for (int tick = 0; tick < 500; ++tick) {
    scheduler_.AdvanceAndRunDue(kHeartbeat);
    if (tick % 100 == 0) {
      WatchRegistry::Stats stats = service_->watch_stats();
      EXPECT_EQ(stats.writes_in_flight, kWatchers);
      EXPECT_LE(stats.max_stream_bytes_in_flight, kMessageBound);
      EXPECT_LE(stats.bytes_in_flight, kWatchers * kMessageBound);
    }
  }
  Report(id, "succeeded");
  // Nothing piled up: each stream still holds exactly its one message.
  WatchRegistry::Stats stalled = service_->watch_stats();
  EXPECT_EQ(stalled.open_streams, kWatchers);
  EXPECT_EQ(stalled.writes_in_flight, kWatchers);
  EXPECT_GT(stalled.max_stream_bytes_in_flight, kPromptBytes);
  EXPECT_LE(stalled.max_stream_bytes_in_flight, kMessageBound);
  EXPECT_EQ(stalled.stalled_closed, 0u);  // no stall timeout in this test

  // The clients read at last: every change once, in order, and the end. The
  // 500 heartbeats due collapsed into at most one.
  for (auto& w : watchers) {
    w->ReadToEnd();
    EXPECT_TRUE(w->status.ok()) << w->status;
    EXPECT_THAT(w->sequences, ElementsAre(1, 2, 3, 4));
    EXPECT_LE(w->heartbeats, 1);
  }
  ASSERT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) { return s.open_streams == 0; }));
  EXPECT_EQ(service_->watch_stats().bytes_in_flight, 0u);
}

// Shutdown: a watcher that does not read cannot take the UNAVAILABLE that
// ends its stream (it waits behind the unread message); CancelStreams,
// which shutdown uses after half its grace, delivers it at once.
TEST_F(OverloadTest, WatchersThatDoNotReadAreCancelledOnShutdownWithAResumeHint) {
  Start({.stall_timeout = absl::ZeroDuration()});
  std::unique_ptr<v1::VideoGateway::Stub> creator = NewStub();
  std::string id = CreateBigTask(*creator);
  constexpr size_t kStalled = 3;
  std::unique_ptr<v1::VideoGateway::Stub> stub = NewStub();
  std::vector<std::unique_ptr<Watcher>> stalled;
  for (size_t i = 0; i < kStalled; ++i) stalled.push_back(Watch(*stub, id));
  ASSERT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) {
    return s.open_streams == kStalled && s.writes_in_flight == kStalled;
  }));
  service_->EndStreams();
  service_->CancelStreams();
  ASSERT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) { return s.open_streams == 0; }))
      << service_->watch_stats().open_streams;
  for (auto& w : stalled) {
    w->ReadToEnd();
    EXPECT_THAT(w->sequences, ::testing::IsEmpty());
    EXPECT_THAT(w->status, StatusIs(absl::StatusCode::kUnavailable,
                                    HasSubstr("the gateway is shutting down; resume with "
                                              "after_sequence = the last sequence you "
                                              "received")));
  }
}

TEST_F(OverloadTest, WatchersThatNeverReadAreClosedAndResumeWithoutLoss) {
  constexpr absl::Duration kStallTimeout = absl::Seconds(30);
  Start({.stall_timeout = kStallTimeout});
  std::unique_ptr<v1::VideoGateway::Stub> creator = NewStub();
  std::string id = CreateBigTask(*creator);
  // Four watchers that never read, on one connection...
  constexpr size_t kStalled = 4;
  std::unique_ptr<v1::VideoGateway::Stub> stalled_stub = NewStub();
  std::vector<std::unique_ptr<Watcher>> stalled;
  for (size_t i = 0; i < kStalled; ++i) stalled.push_back(Watch(*stalled_stub, id));
  // ... and a slow one on another, which reads the first message and then
  // nothing for a while: its small heartbeats fit in the window, so its
  // writes complete and it is not cut off.
  std::unique_ptr<v1::VideoGateway::Stub> slow_stub = NewStub();
  std::unique_ptr<Watcher> slow = Watch(*slow_stub, id);
  ASSERT_TRUE(slow->ReadOne());
  EXPECT_THAT(slow->sequences, ElementsAre(1));
  ASSERT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) {
    return s.open_streams == kStalled + 1 && s.writes_in_flight == kStalled;
  }));

  // Up to the stall timeout nothing is closed; each tick's heartbeat to the
  // slow watcher completes before the next tick.
  for (absl::Duration waited; waited + kHeartbeat < kStallTimeout; waited += kHeartbeat) {
    scheduler_.AdvanceAndRunDue(kHeartbeat);
    ASSERT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) {
      return s.writes_in_flight == kStalled;
    }));
  }
  EXPECT_EQ(service_->watch_stats().stalled_closed, 0u);
  EXPECT_EQ(service_->watch_stats().open_streams, kStalled + 1);
  // Past it, the four streams whose write has waited that long are closed,
  // and what they held is freed.
  scheduler_.AdvanceAndRunDue(kHeartbeat);
  ASSERT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) {
    return s.stalled_closed == kStalled && s.open_streams == 1 && s.writes_in_flight == 0;
  })) << service_->watch_stats().open_streams;

  // A stalled client learns why as soon as it looks (the status did not
  // wait behind the unread message), having received no whole message.
  for (auto& w : stalled) {
    w->ReadToEnd();
    EXPECT_THAT(w->sequences, ::testing::IsEmpty());
    EXPECT_THAT(w->status, StatusIs(absl::StatusCode::kUnavailable,
                                    HasSubstr("the client took no message for 30s")));
    EXPECT_THAT(std::string(w->status.message()),
                HasSubstr("resume with WatchVideoTask after_sequence"));
  }

  // The task goes on; the clients resume (nothing received: from the
  // start) and the slow one reads again. Everyone sees each change once.
  upstream_.Answer(0, Accepted());
  Report(id, "running");
  Report(id, "succeeded");
  for (size_t i = 0; i < kStalled; ++i) {
    std::unique_ptr<Watcher> resumed = Watch(*stalled_stub, id, /*after=*/0);
    resumed->ReadToEnd();
    EXPECT_TRUE(resumed->status.ok()) << resumed->status;
    EXPECT_THAT(resumed->sequences, ElementsAre(1, 2, 3, 4));
  }
  slow->ReadToEnd();
  EXPECT_TRUE(slow->status.ok()) << slow->status;
  EXPECT_THAT(slow->sequences, ElementsAre(1, 2, 3, 4));
  EXPECT_GE(slow->heartbeats, 1);
  EXPECT_EQ(service_->watch_stats().stalled_closed, kStalled);
}

// ---- per-caller rates ---------------------------------------------------------

// A small valid create request.
v1::CreateVideoTaskRequest SmallRequest() {
  v1::CreateVideoTaskRequest r;
  r.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
  r.mutable_spec()->set_prompt("a kitten yawning");
  return r;
}

TEST_F(OverloadTest, CallerCreateRateReachesTheClientWithRetryInfo) {
  Start({.caller_create_rate = 1, .caller_create_burst = 2});
  std::unique_ptr<v1::VideoGateway::Stub> stub = NewStub();
  auto create = [&](const std::string& token) {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::VideoTask task;
    return FromGrpcStatus(stub->CreateVideoTask(&context, SmallRequest(), &task));
  };
  EXPECT_TRUE(create("alice").ok());
  EXPECT_TRUE(create("alice").ok());
  absl::Status limited = create("alice");
  EXPECT_THAT(limited, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("too many task creations from this caller")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(limited)->reason(),
            "CALLER_CREATE_RATE_LIMITED");
  EXPECT_EQ(upstream_api::RetryDelayOf(limited), absl::Seconds(1));
  EXPECT_TRUE(create("bob").ok());  // callers are limited separately
  // Only the two accepted creates of alice (and bob's) exist.
  grpc::ClientContext context;
  Authorize(context);
  v1::ListVideoTasksResponse page;
  ASSERT_TRUE(stub->ListVideoTasks(&context, {}, &page).ok());
  EXPECT_EQ(page.tasks_size(), 2);
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(create("alice").ok());
}

TEST_F(OverloadTest, CallerRpcRateCoversEveryRpcAfterAuthentication) {
  Start({.caller_rpc_rate = 10, .caller_rpc_burst = 3});
  std::unique_ptr<v1::VideoGateway::Stub> stub = NewStub();
  auto list_models = [&](const std::string& token) {
    grpc::ClientContext context;
    if (!token.empty()) Authorize(context, token);
    v1::ListModelsResponse models;
    return FromGrpcStatus(stub->ListModels(&context, {}, &models));
  };
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(list_models("alice").ok());
  absl::Status limited = list_models("alice");
  EXPECT_THAT(limited, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("10 per second (bursts of 3)")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(limited)->reason(),
            "CALLER_RPC_RATE_LIMITED");
  EXPECT_EQ(upstream_api::RetryDelayOf(limited), absl::Milliseconds(100));
  // A watch stream counts too, and is refused before it opens.
  std::unique_ptr<Watcher> watch = Watch(*stub, "any-task");
  watch->ReadToEnd();
  EXPECT_THAT(watch->status, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(WaitForStats([](const WatchRegistry::Stats& s) { return s.open_streams == 0; }));
  // Unauthenticated calls are refused as such (they have no caller), and
  // other callers are unaffected.
  EXPECT_THAT(list_models(""), StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_TRUE(list_models("bob").ok());
  clock_.Advance(absl::Milliseconds(100));
  EXPECT_TRUE(list_models("alice").ok());
}

}  // namespace
}  // namespace seedance::server::service
