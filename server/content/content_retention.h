// ContentRetention: removes kept result files once the gateway's retention
// time (--content_ttl) has passed, and says so in their task: the copy
// becomes EXPIRED (its size, type, digest and times stay, for the record).
// Every sweep_interval it lists the content store (the store is the index
// of what is kept, so files fetched by another replica on a shared
// directory, or before a restart, are found too), reads once the task of
// each file it does not know yet, and expires those whose expire_time
// (else store_time + ttl) has passed: first the task is marked EXPIRED
// (durable), then the file goes. A file whose copy is no longer STORED (a
// crash between the two steps) is removed at the next sweep.
//
//   ContentRetention retention({.ttl = absl::Hours(24 * 30)}, content_store, task_store,
//                              registry, loop, scheduler, clock);
//   retention.Start();  // sweeps every sweep_interval
//   retention.Stop();   // before the scheduler goes
#ifndef SEEDANCE_SERVER_CONTENT_CONTENT_RETENTION_H_
#define SEEDANCE_SERVER_CONTENT_CONTENT_RETENTION_H_

#include <atomic>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "server/content/content_store.h"
#include "server/model/result_content.h"
#include "server/stats/gateway_stats.h"
#include "server/store/task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"

namespace seedance::server::content {

struct ContentRetentionOptions {
  // How long a file is kept after it was stored (> 0).
  absl::Duration ttl = absl::Hours(24 * 30);
  // How often the store is swept.
  absl::Duration sweep_interval = absl::Minutes(1);
};

class ContentRetention {
 public:
  // All references must outlive this.
  ContentRetention(ContentRetentionOptions options, ContentStore& content,
                   store::TaskStore& store, tasks::TaskRegistry& registry, tasks::TaskLoop& loop,
                   Scheduler& scheduler, const Clock& clock);
  ~ContentRetention();

  // Sweeps every sweep_interval from now on. Any thread, once.
  void Start();
  // No sweep starts after this returns. Any thread; idempotent.
  void Stop();

  // One sweep now; `done` (if set) gets the number of files expired or
  // removed. Loop thread.
  void Sweep(std::function<void(int removed)> done = nullptr);

  // Where expiries are counted (stats::NoStats() until set).
  void SetStats(stats::GatewayStats& stats) { stats_ = &stats; }

 private:
  void ScheduleNext();
  // Marks the copy of `key` EXPIRED (unless it already left STORED), then
  // removes the file. Loop thread.
  void Expire(const std::string& key, const std::string& task_id, model::ResultFile file);

  const ContentRetentionOptions options_;
  ContentStore& content_;
  store::TaskStore& store_;
  tasks::TaskRegistry& registry_;
  tasks::TaskLoop& loop_;
  Scheduler& scheduler_;
  const Clock& clock_;
  std::atomic<bool> stopped_{false};
  std::atomic<Scheduler::TimerId> timer_{0};
  // When each listed file is due, once its task was read. Loop thread.
  absl::flat_hash_map<std::string, absl::Time> due_;
  stats::GatewayStats* stats_ = &stats::NoStats();
};

}  // namespace seedance::server::content

#endif  // SEEDANCE_SERVER_CONTENT_CONTENT_RETENTION_H_
