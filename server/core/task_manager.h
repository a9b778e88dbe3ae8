// TaskManager: the gateway's operations on video tasks, independent of gRPC:
// create (validated, idempotent by request_id, capped), get, list, cancel,
// open a watch, take an upstream callback, and recover after a restart. The
// gRPC service (video_gateway_service.h) is a thin layer over it.
//
//   manager.Create(caller, request, trace, [](absl::StatusOr<v1::VideoTask> task) {
//     // runs once the task is durably stored (or the request was refused)
//   });
//
// Every method is thread-safe and returns at once: the work runs on the
// TaskLoop, and `done` runs there too, so it must not block.
#ifndef SEEDANCE_SERVER_CORE_TASK_MANAGER_H_
#define SEEDANCE_SERVER_CORE_TASK_MANAGER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/trace_context.h"
#include "seedance/gateway/v1/stored_task.pb.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/admission/create_limits.h"
#include "server/admission/spec_conversion.h"
#include "server/admission/url_guard.h"
#include "server/callers/authenticator.h"
#include "server/callers/keyring.h"
#include "server/content/task_content.h"
#include "server/core/lease_keeper.h"
#include "server/core/request_ids.h"
#include "server/core/store_follower.h"
#include "server/stats/gateway_stats.h"
#include "server/store/task_store.h"
#include "server/tasks/task_event_log.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"
#include "server/upstream/upstream_driver.h"
#include "server/webhooks/task_webhooks.h"

namespace seedance::server::core {

struct TaskManagerOptions {
  // How new tasks learn their fate.
  gateway::v1::DeliveryMode mode = gateway::v1::DELIVERY_MODE_HOLD;
  // Tasks in flight, the callers' create rates (a token bucket keyed by
  // Caller::owner; refused, invalid and idempotently repeated creates take
  // no token) and their creates waiting for DNS.
  admission::CreateLimitsOptions limits;
  // The upstream's default execution_expires_after (48 h).
  absl::Duration default_expires_after = absl::Seconds(172800);
  // Keep each task's upstream token, sealed, so that a restarted gateway can
  // poll for it (callers' own tokens). When empty `recovery_token` is used.
  bool seal_credentials = true;
  // The upstream token for recovered tasks when credentials are not sealed
  // (the gateway's own upstream key).
  std::string recovery_token;
  // Checks the caller's image URLs and callback_url (schemes, data URL
  // size, no private hosts) before a task is created; null: syntax checks
  // only (tests of other things). Must outlive the manager.
  const admission::UrlGuard* url_guard = nullptr;
};

class TaskManager {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // All references must outlive the manager. Build it through TaskCore
  // (task_core.h), which also connects it to the registry.
  TaskManager(TaskManagerOptions options, tasks::TaskLoop& loop, store::TaskStore& store,
              tasks::TaskRegistry& registry, upstream::UpstreamDriver& driver,
              webhooks::TaskWebhooks& webhooks, content::TaskContent& content,
              const Clock& clock, const callers::Keyring& keyring);

  // Validates and stores a new task, then starts it upstream. `done` gets
  // the task (PENDING) once it is durable, or INVALID_ARGUMENT (with
  // BadRequest), ALREADY_EXISTS (request_id reused with another spec),
  // RESOURCE_EXHAUSTED (capacity, the caller's create rate, or too many of
  // its creates waiting for DNS) or UNAVAILABLE (store, shutdown, a host
  // name that could not be resolved for now). `done` runs on the calling
  // thread (validation), the loop, or a resolver thread (the URL guard).
  // `trace` goes with the task: every upstream call, webhook and log line
  // of it carries it.
  void Create(const callers::Caller& caller, const v1::CreateVideoTaskRequest& request,
              const TraceContext& trace, Done<v1::VideoTask> done);

  // The caller's task, or NOT_FOUND (also for other callers' tasks).
  void Get(const callers::Caller& caller, const std::string& task_id, Done<v1::VideoTask> done);

  // A page of the caller's tasks, newest first.
  void List(const callers::Caller& caller, const v1::ListVideoTasksRequest& request,
            Done<v1::ListVideoTasksResponse> done);

  // Cancels a task in progress; FAILED_PRECONDITION if it already ended.
  void Cancel(const callers::Caller& caller, const std::string& task_id, Done<v1::VideoTask> done);

  // The event log of the caller's task, for a watch stream.
  void OpenWatch(const callers::Caller& caller, const std::string& task_id,
                 Done<std::shared_ptr<tasks::TaskEventLog>> done);

  // An upstream callback for `task_id` carrying `secret`. `done` gets OK
  // once the report is durable (or was a harmless duplicate), NOT_FOUND for
  // an unknown task, PERMISSION_DENIED for a wrong secret.
  void OnUpstreamCallback(const std::string& task_id, const std::string& secret,
                          seedance::upstream::v1::VideosResponse answer,
                          std::function<void(absl::Status)> done);

  // Loads every unfinished task from the store and resumes it; `done` gets
  // how many.
  void Recover(Done<int> done);

  // Refuses new tasks from now on (shutdown). Thread-safe.
  void StopAccepting();

  // With several replicas: watches of tasks another replica drives are
  // followed through the store. Set before the loop starts.
  void SetFollower(StoreFollower* follower) { follower_ = follower; }
  // Where callbacks are counted (stats::NoStats() until set).
  void SetStats(stats::GatewayStats& stats) { stats_ = &stats; }
  // With several replicas: a callback or cancel for a task another replica
  // drives takes the task over here. Set before the loop starts.
  void SetLeaseKeeper(LeaseKeeper* keeper) { keeper_ = keeper; }

 private:
  // A create past validation, with its record built (new_task.h).
  struct NewTask {
    callers::Caller caller;
    StoredTask record;
    Done<v1::VideoTask> done;
  };
  // The checks that need task state (idempotency, capacity, the caller's
  // create rate), then the creation. Loop thread.
  void CreateOnLoop(NewTask create);
  // Runs the URL guard over `urls` (at most max_url_checks_per_caller at
  // once per owner); `done` gets OK at once without a guard or URLs.
  void CheckUrls(const std::string& owner, std::vector<admission::UntrustedUrl> urls,
                 std::function<void(absl::Status)> done);
  // The caller's task as stored or live; NOT_FOUND when absent or not theirs.
  absl::StatusOr<StoredTask> FindOwned(const callers::Caller& caller, const std::string& task_id);

  const TaskManagerOptions options_;
  tasks::TaskLoop& loop_;
  store::TaskStore& store_;
  tasks::TaskRegistry& registry_;
  upstream::UpstreamDriver& driver_;
  webhooks::TaskWebhooks& webhooks_;
  content::TaskContent& content_;
  const Clock& clock_;
  const callers::Keyring& keyring_;
  std::atomic<bool> accepting_{true};
  // Tasks in flight, the callers' create rates and URL checks.
  admission::CreateLimits limits_;
  // Idempotency by request_id. Loop thread only.
  RequestIds request_ids_;
  StoreFollower* follower_ = nullptr;
  stats::GatewayStats* stats_ = &stats::NoStats();
  LeaseKeeper* keeper_ = nullptr;
};

}  // namespace seedance::server::core

#endif  // SEEDANCE_SERVER_CORE_TASK_MANAGER_H_
