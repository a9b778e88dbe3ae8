// ServiceFixture: the gRPC service over the real task logic (its own loop
// thread, an in-memory store, a fake clock and scheduler) with a recording
// upstream that the test answers from its own thread. Tests derive from it,
// call StartService() with their options, then serve service_ however they
// need (in process, or on a loopback port).
//
//   class MyTest : public ServiceFixture {};
//   TEST_F(MyTest, X) {
//     StartService(ServiceFixtureOptions{});
//     ... create a task through service_ ...
//     upstream_.Answer(0, Accepted());
//   }
#ifndef SEEDANCE_TESTS_SERVER_SERVICE_SERVICE_FIXTURE_H_
#define SEEDANCE_TESTS_SERVER_SERVICE_SERVICE_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/callers/forwarding_authenticator.h"
#include "server/callers/keyring.h"
#include "server/core/task_core.h"
#include "server/core/task_manager.h"
#include "server/service/grpc_status.h"
#include "server/service/video_gateway_service.h"
#include "server/store/in_memory_task_store.h"
#include "server/upstream/upstream_driver.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"

namespace seedance::server::service {

// An UpstreamClient that records submissions; the test answers them from
// any thread.
class RecordingUpstream : public upstream::UpstreamClient {
 public:
  CallId Submit(const seedance::upstream::v1::VideosRequest&, const upstream::CallContext&,
                absl::Duration,
                std::function<void(absl::StatusOr<upstream::SubmitResult>)> done) override {
    absl::MutexLock lock(&mu_);
    submits_.push_back(std::move(done));
    return submits_.size();
  }
  CallId Retrieve(const std::string&, const upstream::CallContext&, absl::Duration,
                  std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)>) override {
    return 0;
  }
  void Cancel(CallId) override {}

  // Waits for submission `index` and answers it with `result`.
  void Answer(size_t index, absl::StatusOr<upstream::SubmitResult> result) {
    std::function<void(absl::StatusOr<upstream::SubmitResult>)> done;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this, index]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return submits_.size() > index;
      };
      mu_.Await(absl::Condition(&ready));
      done = std::move(submits_[index]);
    }
    done(std::move(result));
  }

 private:
  absl::Mutex mu_;
  std::vector<std::function<void(absl::StatusOr<upstream::SubmitResult>)>> submits_
      ABSL_GUARDED_BY(mu_);
};

// The upstream took the task (it runs, a callback will tell its end).
inline upstream::SubmitResult Accepted() {
  upstream::SubmitResult r;
  r.accepted.emplace();
  r.accepted->set_task_id("up-1");
  return r;
}

// The held call's final answer.
inline upstream::SubmitResult Final(const std::string& status, const std::string& url) {
  upstream::SubmitResult r;
  r.final_answer.emplace();
  r.final_answer->set_success(true);
  seedance::upstream::v1::TaskData* d = r.final_answer->add_data();
  d->set_status(status);
  d->set_video_url(url);
  return r;
}

struct ServiceFixtureOptions {
  core::TaskManagerOptions manager;
  VideoGatewayService::Options service;
};

class ServiceFixture : public ::testing::Test {
 protected:
  // Builds the task logic and service_ (callbacks go to a URL nobody calls;
  // the test answers for the upstream) and starts the loop thread.
  void StartService(const ServiceFixtureOptions& options) {
    upstream::UpstreamDriverOptions driver_options;
    driver_options.callback_url_prefix = "http://gw.test/cb";
    driver_options.callback_fallback_poll = absl::ZeroDuration();
    core_ = std::make_unique<core::TaskCore>(
        core::TaskCoreOptions{.manager = options.manager, .driver = driver_options},
        core::TaskCoreDeps{.store = store_,
                           .upstream = upstream_,
                           .scheduler = scheduler_,
                           .clock = clock_,
                           .keyring = keyring_});
    manager_ = &core_->manager();
    service_ = std::make_unique<VideoGatewayService>(*manager_, auth_, scheduler_, clock_,
                                                     options.service);
    core_->loop().Start();
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    if (core_ != nullptr) core_->loop().Stop();
  }

  testing::FakeClock clock_;
  testing::FakeScheduler scheduler_{clock_};
  store::InMemoryTaskStore store_;
  RecordingUpstream upstream_;
  callers::Keyring keyring_ = callers::Keyring::FromMasterKey("service fixture");
  callers::ForwardingAuthenticator auth_{keyring_};
  // The engine, wired as the gateway wires it (task_core.h).
  std::unique_ptr<core::TaskCore> core_;
  core::TaskManager* manager_ = nullptr;
  std::unique_ptr<VideoGatewayService> service_;
  // Set by the test when it serves service_.
  std::unique_ptr<grpc::Server> server_;
};

// ServiceFixture served over an in-process channel, with a client stub and
// the helpers every service test uses.
class InProcessServiceTest : public ServiceFixture {
 protected:
  void Start(gateway::v1::DeliveryMode mode, size_t max_streams = 1000) {
    ServiceFixtureOptions options;
    options.manager.mode = mode;
    options.service.watch.heartbeat_interval = absl::Seconds(10);
    options.service.watch.max_streams = max_streams;
    Serve(options);
  }

  // Serves service_ built with `options` over the in-process channel.
  void Serve(const ServiceFixtureOptions& options) {
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

}  // namespace seedance::server::service

#endif  // SEEDANCE_TESTS_SERVER_SERVICE_SERVICE_FIXTURE_H_
