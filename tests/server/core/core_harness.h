// CoreHarness: the gateway's task engine (TaskCore) for tests, with a fake clock
// and scheduler, an in-memory (or given) store, a mock upstream whose calls
// are recorded for the test to complete, and the task loop driven on the
// test's thread. Everything is deterministic: no threads, no sleeps.
//
//   CoreHarness h;
//   absl::StatusOr<v1::VideoTask> task = h.Create(kAlice, request);
//   h.submits[0].done(SubmitResult{...});  // the upstream answers
//   h.Run();
#ifndef SEEDANCE_TESTS_SERVER_CORE_CORE_HARNESS_H_
#define SEEDANCE_TESTS_SERVER_CORE_CORE_HARNESS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/trace_context.h"
#include "gmock/gmock.h"
#include "http/curl/http_transport.h"
#include "server/callers/keyring.h"
#include "server/content/content_fetcher.h"
#include "server/content/filesystem_content_store.h"
#include "server/core/task_core.h"
#include "server/core/task_manager.h"
#include "server/store/in_memory_task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"
#include "server/upstream/upstream_driver.h"
#include "server/upstream/upstream_errors.h"
#include "server/webhooks/webhook_forwarder.h"
#include "tests/http/curl/fake_http_transport.h"
#include "tests/server/stats/recording_stats.h"
#include "tests/server/upstream/mock_upstream_client.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"
#include "tests/testing/temp_dir.h"

namespace seedance::server::core {

inline const callers::Caller kAlice{"owner-alice", "alice-upstream-token"};
inline const callers::Caller kBob{"owner-bob", "bob-upstream-token"};

struct RecordedSubmit {
  seedance::upstream::v1::VideosRequest request;
  std::string token;
  std::string traceparent;
  absl::Duration timeout;
  std::function<void(absl::StatusOr<upstream::SubmitResult>)> done;
  upstream::UpstreamClient::CallId id;
};

struct RecordedRetrieve {
  std::string upstream_task_id;
  std::string token;
  std::string traceparent;
  std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)> done;
  upstream::UpstreamClient::CallId id;
};

class CoreHarness {
 public:
  // `leases` with `lease_store`: one replica of several on a shared store.
  // `content` set: succeeded tasks' result files are kept (downloaded
  // through content_transport into content_store) with those caps.
  explicit CoreHarness(TaskManagerOptions manager_options = {},
                       upstream::UpstreamDriverOptions driver_options = DefaultDriverOptions(),
                       store::TaskStore* store = nullptr,
                       std::optional<LeaseOptions> leases = std::nullopt,
                       store::TaskLeases* lease_store = nullptr,
                       std::optional<content::TaskContentOptions> content = std::nullopt)
      : store_(store != nullptr ? *store : own_store_),
        keyring(callers::Keyring::FromMasterKey("test master key")),
        webhooks({.secret = keyring.WebhookSecret()}, webhook_transport, scheduler, clock),
        content_store(*content::FilesystemContentStore::Open(content_dir.path() + "/content")),
        fetcher({}, *content_store, content_transport, scheduler, clock),
        core({.manager = std::move(manager_options),
              .driver = driver_options,
              .content = content.value_or(content::TaskContentOptions{}),
              .leases = std::move(leases)},
             {.store = store_,
              .upstream = upstream,
              .scheduler = scheduler,
              .clock = clock,
              .keyring = keyring,
              .webhooks = &webhooks,
              .content = content.has_value() ? &fetcher : nullptr,
              .content_store = content.has_value() ? content_store.get() : nullptr,
              .leases = lease_store,
              .stats = &stats}) {
    ON_CALL(upstream, Submit)
        .WillByDefault([this](const seedance::upstream::v1::VideosRequest& request,
                              const upstream::CallContext& context, absl::Duration timeout,
                              std::function<void(absl::StatusOr<upstream::SubmitResult>)> done) {
          submits.push_back({request, context.token, context.traceparent, timeout,
                             std::move(done), next_call_id_});
          return next_call_id_++;
        });
    ON_CALL(upstream, Retrieve)
        .WillByDefault(
            [this](const std::string& id, const upstream::CallContext& context, absl::Duration,
                   std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)> done) {
              retrieves.push_back(
                  {id, context.token, context.traceparent, std::move(done), next_call_id_});
              return next_call_id_++;
            });
    ON_CALL(upstream, Cancel).WillByDefault([this](upstream::UpstreamClient::CallId id) {
      cancelled_calls.push_back(id);
    });
  }

  static upstream::UpstreamDriverOptions DefaultDriverOptions() {
    upstream::UpstreamDriverOptions o;
    o.callback_url_prefix = "http://gateway.test/v1/upstream-callbacks";
    return o;
  }

  store::TaskStore& store() { return store_; }

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

  absl::StatusOr<v1::VideoTask> Create(const callers::Caller& caller,
                                       const v1::CreateVideoTaskRequest& request,
                                       const TraceContext& trace = StartTrace()) {
    return Await<v1::VideoTask>(
        [&](auto done) { manager.Create(caller, request, trace, done); });
  }
  absl::StatusOr<v1::VideoTask> Get(const callers::Caller& caller, const std::string& id) {
    return Await<v1::VideoTask>([&](auto done) { manager.Get(caller, id, done); });
  }
  absl::StatusOr<v1::VideoTask> Cancel(const callers::Caller& caller, const std::string& id) {
    return Await<v1::VideoTask>([&](auto done) { manager.Cancel(caller, id, done); });
  }
  absl::StatusOr<v1::ListVideoTasksResponse> List(const callers::Caller& caller,
                                                  const v1::ListVideoTasksRequest& r) {
    return Await<v1::ListVideoTasksResponse>(
        [&](auto done) { manager.List(caller, r, done); });
  }
  absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> Watch(const callers::Caller& caller,
                                                      const std::string& id) {
    return Await<std::shared_ptr<tasks::TaskEventLog>>(
        [&](auto done) { manager.OpenWatch(caller, id, done); });
  }
  absl::Status Callback(const std::string& id, const std::string& secret,
                        const seedance::upstream::v1::VideosResponse& answer) {
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
  store::InMemoryTaskStore own_store_;
  store::TaskStore& store_;

 public:
  testing::FakeClock clock;
  testing::FakeScheduler scheduler{clock};
  // What the engine counted (declared before it: it reports until it goes).
  stats::RecordingStats stats;
  ::testing::NiceMock<upstream::MockUpstreamClient> upstream;
  callers::Keyring keyring;
  // Results forwarded to callers' callback_url go here.
  http::curl::FakeHttpTransport webhook_transport;
  webhooks::WebhookForwarder webhooks;
  // Result files kept (the `content` argument) go here.
  testing::TempDir content_dir;
  std::unique_ptr<content::FilesystemContentStore> content_store;
  http::curl::FakeHttpTransport content_transport;
  content::ContentFetcher fetcher;
  // The engine, wired as the gateway wires it, and its parts.
  TaskCore core;
  tasks::TaskLoop& loop = core.loop();
  tasks::TaskRegistry& registry = core.registry();
  upstream::UpstreamDriver& driver = core.driver();
  TaskManager& manager = core.manager();

  std::vector<RecordedSubmit> submits;
  std::vector<RecordedRetrieve> retrieves;
  std::vector<upstream::UpstreamClient::CallId> cancelled_calls;

 private:
  upstream::UpstreamClient::CallId next_call_id_ = 1;
};

// ---- requests and upstream answers, as the tests of the core and the
// driver build them -----------------------------------------------------------

inline constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";

inline v1::CreateVideoTaskRequest Request(const std::string& request_id = "") {
  v1::CreateVideoTaskRequest r;
  r.set_request_id(request_id);
  r.mutable_spec()->set_model(kModel);
  r.mutable_spec()->set_prompt("A kitten yawning at the camera. --dur 5");
  r.mutable_spec()->set_resolution(v1::RESOLUTION_720P);
  return r;
}

inline TaskManagerOptions Mode(gateway::v1::DeliveryMode mode) {
  TaskManagerOptions o;
  o.mode = mode;
  return o;
}

inline seedance::upstream::v1::VideosResponse Answer(const std::string& status,
                                           const std::string& video_url = "") {
  seedance::upstream::v1::VideosResponse a;
  a.set_success(status != "failed");
  a.set_task_id("up-1");
  a.set_trace_id("trace-1");
  seedance::upstream::v1::TaskData* d = a.add_data();
  d->set_task_id("cgt-1");
  d->set_status(status);
  d->set_video_url(video_url);
  d->set_model(kModel);
  return a;
}

inline upstream::SubmitResult Final(const seedance::upstream::v1::VideosResponse& answer) {
  upstream::SubmitResult r;
  r.final_answer = answer;
  return r;
}

inline upstream::SubmitResult Accepted(const std::string& id) {
  upstream::SubmitResult r;
  r.accepted.emplace();
  r.accepted->set_task_id(id);
  return r;
}

inline absl::Status UpstreamError(int http, const std::string& code,
                           const std::string& retry_after = "") {
  http::curl::HttpReply reply;
  reply.status = http;
  reply.body = R"({"success": false, "error": {"code": ")" + code +
               R"(", "message": "m"}, "trace_id": "t-err"})";
  if (!retry_after.empty()) reply.headers.push_back({"retry-after", retry_after});
  return upstream::MapUpstreamHttpError(reply, upstream::CallKind::kSubmit, absl::UnixEpoch());
}

}  // namespace seedance::server::core

#endif  // SEEDANCE_TESTS_SERVER_CORE_CORE_HARNESS_H_
