// TaskCore: the gateway's task engine, wired in one place: the task loop, the
// registry of live tasks, the upstream driver, the webhooks of ended tasks,
// the keeping of their result files and the TaskManager over them, with the
// registry's "task ended" hook connected to the driver (stop its calls and
// timers), the webhooks (forward the result to the caller's callback_url)
// and the content (fetch the result files into the content store). The binary (gateway_server.cc), the core and service tests and
// the benchmarks all build it here, so they all run the same engine.
//
//   core::TaskCore core({.manager = manager_options, .driver = driver_options},
//                       {.store = store, .upstream = client, .scheduler = scheduler,
//                        .clock = clock, .keyring = keyring});
//   core.loop().Start();   // or core.loop().RunUntilIdle() in a test
//   core.manager().Create(caller, request, trace, done);
//
// The engine's parts are reached through the accessors; they live as long
// as the TaskCore, whose destructor stops the loop first.
#ifndef SEEDANCE_SERVER_CORE_TASK_CORE_H_
#define SEEDANCE_SERVER_CORE_TASK_CORE_H_

#include <memory>
#include <optional>

#include "base/clock.h"
#include "base/scheduler.h"
#include "server/callers/keyring.h"
#include "server/content/content_fetcher.h"
#include "server/content/content_retention.h"
#include "server/content/task_content.h"
#include "server/core/lease_keeper.h"
#include "server/core/store_follower.h"
#include "server/core/task_manager.h"
#include "server/store/task_leases.h"
#include "server/store/task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"
#include "server/upstream/upstream_client.h"
#include "server/upstream/upstream_driver.h"
#include "server/webhooks/task_webhooks.h"
#include "server/webhooks/webhook_forwarder.h"

namespace seedance::server::core {

struct TaskCoreOptions {
  TaskManagerOptions manager;
  upstream::UpstreamDriverOptions driver;
  // Size caps and retention of the result files kept (TaskCoreDeps::content
  // set), and how often files past their retention are looked for.
  content::TaskContentOptions content;
  absl::Duration content_sweep_interval = absl::Minutes(1);
  // Several replicas on one store (TaskCoreDeps::leases set): this
  // replica's id and lease time.
  std::optional<LeaseOptions> leases;
};

// What the engine runs on, chosen by whoever builds it (real or fake); each
// must outlive the TaskCore.
struct TaskCoreDeps {
  store::TaskStore& store;
  upstream::UpstreamClient& upstream;
  Scheduler& scheduler;
  const Clock& clock;
  const callers::Keyring& keyring;
  // Delivers ended tasks to their spec.callback_url; null: not forwarded
  // (tests of other things).
  webhooks::WebhookForwarder* webhooks = nullptr;
  // Keeps succeeded tasks' result files (the driver then marks them
  // PENDING on success); null: no content is kept.
  content::ContentFetcher* content = nullptr;
  // Where the fetched files are: with TaskCoreOptions::content.ttl set,
  // files past it are removed (ContentRetention); null: none are.
  content::ContentStore* content_store = nullptr;
  // The store's leases, with several replicas (TaskCoreOptions::leases);
  // null: this gateway drives every task of the store.
  store::TaskLeases* leases = nullptr;
  // With leases: the store's word that another replica committed events.
  store::EventHints* hints = nullptr;
  // Where the engine's parts count what happens; null: nowhere.
  stats::GatewayStats* stats = nullptr;
};

class TaskCore {
 public:
  TaskCore(TaskCoreOptions options, TaskCoreDeps deps);
  ~TaskCore();
  TaskCore(const TaskCore&) = delete;
  TaskCore& operator=(const TaskCore&) = delete;

  tasks::TaskLoop& loop() { return loop_; }
  tasks::TaskRegistry& registry() { return registry_; }
  upstream::UpstreamDriver& driver() { return driver_; }
  webhooks::TaskWebhooks& webhooks() { return webhooks_; }
  content::TaskContent& content() { return content_; }
  TaskManager& manager() { return manager_; }
  // Null unless leases are on.
  LeaseKeeper* leases() { return keeper_.get(); }
  // Null unless kept files expire (content.ttl and a content store).
  content::ContentRetention* retention() { return retention_.get(); }

  // Stops the periodic work (a clean stop; before the scheduler goes): the
  // sweeps of kept files, and with leases the rounds and the following of
  // other replicas' tasks, releasing this replica's leases. Loop thread.
  void StopReplicaWork();

 private:
  tasks::TaskLoop loop_;
  tasks::TaskRegistry registry_;
  upstream::UpstreamDriver driver_;
  webhooks::TaskWebhooks webhooks_;
  content::TaskContent content_;
  TaskManager manager_;
  std::unique_ptr<LeaseKeeper> keeper_;
  std::unique_ptr<StoreFollower> follower_;
  std::unique_ptr<content::ContentRetention> retention_;
};

}  // namespace seedance::server::core

#endif  // SEEDANCE_SERVER_CORE_TASK_CORE_H_
