// The in-process scenario: the task store under the real task loop and
// registry, durable SQLite against memory, and recovery after a restart.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "base/log.h"
#include "bench/scenarios.h"
#include "bench/store_load.h"
#include "server/callers/keyring.h"
#include "server/core/task_core.h"
#include "server/core/task_manager.h"
#include "server/store/in_memory_task_store.h"
#include "server/store/sqlite_task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"
#include "tests/testing/temp_dir.h"

namespace seedance::bench {
namespace {

using server::StoredTask;
using server::store::TaskStore;

// An upstream that is never answered and a scheduler that never fires:
// recovery is measured up to the point where every task is resumed.
class SilentUpstream : public server::upstream::UpstreamClient {
 public:
  CallId Submit(const upstream::v1::VideosRequest&, const server::upstream::CallContext&,
                absl::Duration,
                std::function<void(absl::StatusOr<server::upstream::SubmitResult>)>) override {
    return ++calls;
  }
  CallId Retrieve(const std::string&, const server::upstream::CallContext&, absl::Duration,
                  std::function<void(absl::StatusOr<upstream::v1::TaskRecord>)>) override {
    return ++calls;
  }
  void Cancel(CallId) override {}
  std::atomic<uint64_t> calls{0};
};

class IdleScheduler : public Scheduler {
 public:
  TimerId RunAt(absl::Time, std::function<void()>) override { return ++next_; }
  void Cancel(TimerId) override {}
  void CancelAll() override {}

 private:
  std::atomic<TimerId> next_{0};
};

// Fills a database with `tasks` unfinished (QUEUED, poll mode) tasks.
absl::Status Fill(const std::string& path, int tasks) {
  auto store = server::store::SqliteTaskStore::Open(
      {.path = path, .durability = server::store::SqliteTaskStore::Durability::kProcessCrash});
  if (!store.ok()) return store.status();
  constexpr int kBatch = 2000;
  for (int first = 0; first < tasks; first += kBatch) {
    std::vector<TaskStore::Write> writes;
    for (int i = first; i < std::min(tasks, first + kBatch); ++i) {
      StoredTask r = NewRecord(i);
      r.set_submitted(true);
      v1::TaskEvent created;
      created.set_task_id(r.task().task_id());
      created.set_sequence(1);
      created.set_state(v1::TASK_STATE_PENDING);
      *created.mutable_task() = r.task();
      writes.push_back({r, 0, created});
      r.set_revision(2);
      r.mutable_task()->set_sequence(2);
      r.mutable_task()->set_state(v1::TASK_STATE_QUEUED);
      r.mutable_task()->mutable_upstream()->set_task_id(absl::StrCat("up-", i));
      v1::TaskEvent queued = created;
      queued.set_sequence(2);
      queued.set_state(v1::TASK_STATE_QUEUED);
      *queued.mutable_task() = r.task();
      writes.push_back({r, 1, queued});
    }
    if (absl::Status s = (*store)->Commit(writes); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

void RunPersistence(const BenchConfig& config, Report& report) {
  const std::string name = "persistence";
  SetMinLogLevel(LogLevel::kError);
  JsonObject details;
  server::store::InMemoryTaskStore memory;
  TransitionFigures in_memory = MeasureTransitions(memory, config.persistence_tasks);
  testing::TempDir dir;
  auto sqlite = server::store::SqliteTaskStore::Open({.path = dir.path() + "/tasks.db"});
  if (!sqlite.ok()) return report.Error(name, std::string(sqlite.status().message()));
  TransitionFigures durable = MeasureTransitions(**sqlite, config.persistence_tasks);
  if (in_memory.failed + durable.failed > 0) report.Error(name, "some writes failed");
  report.AddRow({name,
                 absl::StrFormat("state changes/s, %d tasks in flight", config.persistence_tasks),
                 absl::StrFormat("%.0f/s", durable.batched_per_second),
                 absl::StrFormat("%.0f/s", in_memory.batched_per_second),
                 durable.batched_per_second / in_memory.batched_per_second, "", false, true});
  report.AddRow({name, "one change at a time (a commit each)",
                 absl::StrFormat("%.3f ms", durable.sequential_ms),
                 absl::StrFormat("%.3f ms", in_memory.sequential_ms), 0, "", false, true});
  details.Add("tasks", config.persistence_tasks)
      .Add("sqlite_changes_per_second", durable.batched_per_second)
      .Add("memory_changes_per_second", in_memory.batched_per_second)
      .Add("sqlite_sequential_ms", durable.sequential_ms)
      .Add("memory_sequential_ms", in_memory.sequential_ms);

  // Recovery: a gateway starting on a store of unfinished tasks.
  testing::TempDir recovery_dir;
  std::string path = recovery_dir.path() + "/tasks.db";
  if (absl::Status s = Fill(path, config.recovery_tasks); !s.ok()) {
    return report.Error(name, std::string(s.message()));
  }
  absl::Time start = absl::Now();
  auto store = server::store::SqliteTaskStore::Open({.path = path});
  if (!store.ok()) return report.Error(name, std::string(store.status().message()));
  SilentUpstream upstream;
  IdleScheduler scheduler;
  server::callers::Keyring keyring = server::callers::Keyring::FromMasterKey("bench");
  server::core::TaskManagerOptions options;
  options.mode = gateway::v1::DELIVERY_MODE_POLL;
  options.seal_credentials = false;
  // The gateway's own engine (task_core.h), on the silent upstream.
  server::core::TaskCore core({.manager = options},
                              {.store = **store,
                               .upstream = upstream,
                               .scheduler = scheduler,
                               .clock = SystemClock::Get(),
                               .keyring = keyring});
  core.loop().Start();
  absl::Notification recovered;
  absl::StatusOr<int> count;
  core.manager().Recover([&](absl::StatusOr<int> n) {
    count = n;
    recovered.Notify();
  });
  recovered.WaitForNotification();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  core.loop().Stop();
  if (!count.ok() || *count != config.recovery_tasks) {
    report.Error(name, "recovery did not resume every task");
  }
  report.AddRow({name, absl::StrFormat("restart recovery of %d tasks", config.recovery_tasks),
                 absl::StrFormat("%.2f s", seconds), "", 0, "< 2 s", true, seconds < 2.0});
  details.Add("recovery_tasks", config.recovery_tasks)
      .Add("recovery_seconds", seconds)
      .Add("polls_started", static_cast<long>(upstream.calls.load()));
  report.AddDetails(name, details);
}

}  // namespace seedance::bench
