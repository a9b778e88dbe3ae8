// CoreHarness: the gateway's task logic wired for tests, with a fake clock
// and scheduler, an in-memory (or given) store, a mock upstream whose calls
// are recorded for the test to complete, and the task loop driven on the
// test's thread. Everything is deterministic: no threads, no sleeps.
//
//   CoreHarness h;
//   absl::StatusOr<v1::VideoTask> task = h.Create(kAlice, request);
//   h.submits[0].done(SubmitResult{...});  // the upstream answers
//   h.Run();
#ifndef SEEDANCE_TESTS_SERVER_CORE_HARNESS_H_
#define SEEDANCE_TESTS_SERVER_CORE_HARNESS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "server/in_memory_task_store.h"
#include "server/keyring.h"
#include "server/task_loop.h"
#include "server/task_manager.h"
#include "server/task_registry.h"
#include "server/upstream_driver.h"
#include "server/webhook_forwarder.h"
#include "tests/server/fake_http_transport.h"
#include "tests/server/mock_upstream_client.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"

namespace seedance::server {

inline const Caller kAlice{"owner-alice", "alice-upstream-token"};
inline const Caller kBob{"owner-bob", "bob-upstream-token"};

struct RecordedSubmit {
  upstream::v1::VideosRequest request;
  std::string token;
  absl::Duration timeout;
  std::function<void(absl::StatusOr<SubmitResult>)> done;
  UpstreamClient::CallId id;
};

struct RecordedRetrieve {
  std::string upstream_task_id;
  std::string token;
  std::function<void(absl::StatusOr<upstream::v1::TaskRecord>)> done;
  UpstreamClient::CallId id;
};

class CoreHarness {
 public:
  explicit CoreHarness(TaskManagerOptions manager_options = {},
                       UpstreamDriverOptions driver_options = DefaultDriverOptions(),
                       TaskStore* store = nullptr)
      : store_(store != nullptr ? *store : own_store_),
        loop(store_),
        registry(loop, store_, clock),
        keyring(Keyring::FromMasterKey("test master key")),
        webhooks({.secret = keyring.WebhookSecret()}, webhook_transport, scheduler, clock),
        driver(driver_options, registry, loop, upstream, scheduler, clock),
        manager(WithWebhooks(manager_options, webhooks), loop, store_, registry, driver,
                clock, keyring) {
    ON_CALL(upstream, Submit)
        .WillByDefault([this](const upstream::v1::VideosRequest& request,
                              const std::string& token, absl::Duration timeout,
                              std::function<void(absl::StatusOr<SubmitResult>)> done) {
          submits.push_back({request, token, timeout, std::move(done), next_call_id_});
          return next_call_id_++;
        });
    ON_CALL(upstream, Retrieve)
        .WillByDefault(
            [this](const std::string& id, const std::string& token, absl::Duration,
                   std::function<void(absl::StatusOr<upstream::v1::TaskRecord>)> done) {
              retrieves.push_back({id, token, std::move(done), next_call_id_});
              return next_call_id_++;
            });
    ON_CALL(upstream, Cancel).WillByDefault([this](UpstreamClient::CallId id) {
      cancelled_calls.push_back(id);
    });
  }

  static TaskManagerOptions WithWebhooks(TaskManagerOptions options,
                                         WebhookForwarder& webhooks) {
    if (options.webhooks == nullptr) options.webhooks = &webhooks;
    return options;
  }

  static UpstreamDriverOptions DefaultDriverOptions() {
    UpstreamDriverOptions o;
    o.callback_url_prefix = "http://gateway.test/v1/upstream-callbacks";
    return o;
  }

  TaskStore& store() { return store_; }

  // Runs everything queued on the task loop.
  void Run() { loop.RunUntilIdle(); }

  // Advances time by `d`, fires due timers, runs the loop.
  void Advance(absl::Duration d) {
    scheduler.AdvanceAndRunDue(d);
    Run();
  }

  template <typename T>
  absl::StatusOr<T> Await(std::function<void(TaskManager::Done<T>)> start) {
    std::optional<absl::StatusOr<T>> result;
    start([&result](absl::StatusOr<T> r) { result = std::move(r); });
    Run();
    if (!result.has_value()) return absl::InternalError("no answer after the loop ran");
    return *std::move(result);
  }

  absl::StatusOr<v1::VideoTask> Create(const Caller& caller,
                                       const v1::CreateVideoTaskRequest& request) {
    return Await<v1::VideoTask>([&](auto done) { manager.Create(caller, request, done); });
  }
  absl::StatusOr<v1::VideoTask> Get(const Caller& caller, const std::string& id) {
    return Await<v1::VideoTask>([&](auto done) { manager.Get(caller, id, done); });
  }
  absl::StatusOr<v1::VideoTask> Cancel(const Caller& caller, const std::string& id) {
    return Await<v1::VideoTask>([&](auto done) { manager.Cancel(caller, id, done); });
  }
  absl::StatusOr<v1::ListVideoTasksResponse> List(const Caller& caller,
                                                  const v1::ListVideoTasksRequest& r) {
    return Await<v1::ListVideoTasksResponse>(
        [&](auto done) { manager.List(caller, r, done); });
  }
  absl::StatusOr<std::shared_ptr<TaskEventLog>> Watch(const Caller& caller,
                                                      const std::string& id) {
    return Await<std::shared_ptr<TaskEventLog>>(
        [&](auto done) { manager.OpenWatch(caller, id, done); });
  }
  absl::Status Callback(const std::string& id, const std::string& secret,
                        const upstream::v1::VideosResponse& answer) {
    std::optional<absl::Status> result;
    manager.OnUpstreamCallback(id, secret, answer,
                               [&result](absl::Status s) { result = std::move(s); });
    Run();
    return result.value_or(absl::InternalError("no answer"));
  }
  absl::StatusOr<int> Recover() {
    return Await<int>([&](auto done) { manager.Recover(done); });
  }

  // The stored events' states of a task, in order.
  std::vector<v1::TaskState> StoredStates(const std::string& id) {
    std::vector<v1::TaskState> states;
    absl::StatusOr<std::vector<v1::TaskEvent>> events = store_.Events(id, 0);
    if (!events.ok()) return states;
    for (const v1::TaskEvent& e : *events) states.push_back(e.state());
    return states;
  }

 private:
  InMemoryTaskStore own_store_;
  TaskStore& store_;

 public:
  testing::FakeClock clock;
  testing::FakeScheduler scheduler{clock};
  TaskLoop loop;
  TaskRegistry registry;
  ::testing::NiceMock<MockUpstreamClient> upstream;
  Keyring keyring;
  // Results forwarded to callers' callback_url go here.
  FakeHttpTransport webhook_transport;
  WebhookForwarder webhooks;
  UpstreamDriver driver;
  TaskManager manager;

  std::vector<RecordedSubmit> submits;
  std::vector<RecordedRetrieve> retrieves;
  std::vector<UpstreamClient::CallId> cancelled_calls;

 private:
  UpstreamClient::CallId next_call_id_ = 1;
};

}  // namespace seedance::server

#endif  // SEEDANCE_TESTS_SERVER_CORE_HARNESS_H_
