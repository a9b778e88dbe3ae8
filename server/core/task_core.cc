#include "server/core/task_core.h"

#include <utility>

namespace seedance::server::core {
namespace {

// Content is expected of a succeeded task exactly when there is a fetcher.
upstream::UpstreamDriverOptions DriverOptions(upstream::UpstreamDriverOptions options,
                                              const TaskCoreDeps& deps) {
  options.keep_content = deps.content != nullptr;
  return options;
}

}  // namespace

TaskCore::TaskCore(TaskCoreOptions options, TaskCoreDeps deps)
    : loop_(deps.store, {.clock = &deps.clock, .stats = deps.stats}),
      registry_(loop_, deps.store, deps.clock),
      driver_(DriverOptions(std::move(options.driver), deps), registry_, loop_, deps.upstream,
              deps.scheduler, deps.clock),
      webhooks_(deps.webhooks, registry_, loop_, deps.clock),
      content_(deps.content, options.content, registry_, loop_, deps.scheduler, deps.clock),
      manager_(options.manager, loop_, deps.store, registry_, driver_, webhooks_, content_,
               deps.clock, deps.keyring) {
  // The one place where an ended task reaches back up: once its terminal
  // state is committed, the driver stops what it has in flight for it and
  // the webhooks forward it to the caller's callback_url, and its result
  // files are fetched.
  if (deps.stats != nullptr) {
    registry_.SetStats(*deps.stats);
    driver_.SetStats(*deps.stats);
    content_.SetStats(*deps.stats);
    manager_.SetStats(*deps.stats);
  }
  registry_.SetTerminalHook([this](tasks::LiveTask& task) {
    driver_.Stop(task.record.task().task_id());
    webhooks_.OnTaskEnded(task.record);
    content_.OnTaskEnded(task.record);
  });
  if (options.content.ttl > absl::ZeroDuration() && deps.content_store != nullptr) {
    retention_ = std::make_unique<content::ContentRetention>(
        content::ContentRetentionOptions{.ttl = options.content.ttl,
                                         .sweep_interval = options.content_sweep_interval},
        *deps.content_store, deps.store, registry_, loop_, deps.scheduler, deps.clock);
    if (deps.stats != nullptr) retention_->SetStats(*deps.stats);
    retention_->Start();
  }
  if (options.leases.has_value() && deps.leases != nullptr) {
    registry_.EnableLeases(options.leases->replica, options.leases->ttl);
    // A task another replica took over: its calls and timers stop here, and
    // its watchers here follow it through the store.
    registry_.SetLostHook([this](tasks::LiveTask& task) {
      driver_.Stop(task.record.task().task_id());
      follower_->Track(task.log);
    });
    keeper_ = std::make_unique<LeaseKeeper>(
        *options.leases, *deps.leases,
        RecoveryParts{.store = deps.store,
                      .registry = registry_,
                      .driver = driver_,
                      .webhooks = webhooks_,
                      .content = content_,
                      .keyring = deps.keyring},
        options.manager.recovery_token, loop_, deps.scheduler, deps.clock);
    follower_ = std::make_unique<StoreFollower>(deps.store, loop_, deps.scheduler, deps.clock,
                                                options.leases->follow_interval,
                                                options.leases->follow_hint_gap, deps.hints);
    manager_.SetFollower(follower_.get());
    manager_.SetLeaseKeeper(keeper_.get());
  }
}

void TaskCore::StopReplicaWork() {
  if (retention_ != nullptr) retention_->Stop();
  if (follower_ != nullptr) follower_->Stop();
  if (keeper_ != nullptr) keeper_->Stop();
}

// The loop's thread runs the other parts' work: stop it before they go.
TaskCore::~TaskCore() { loop_.Stop(); }

}  // namespace seedance::server::core
