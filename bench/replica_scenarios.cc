// The replicas scenario: gateways on one PostgreSQL (started here, as the
// tests start theirs), measured against a single gateway on SQLite.
//
//   store       state changes/s of PostgresTaskStore under the real task
//               loop vs. durable SQLite (store_load.h).
//   throughput  tasks/s through a gateway on PostgreSQL vs. on SQLite.
//   watch       a change driven by replica A to a watcher on replica B
//               (LISTEN/NOTIFY hint, then a read by sequence) vs. the same
//               change to a watcher on A, p50/p99 (target B within 2x).
//   takeover    SIGKILL of the replica holding the leases to the terminal
//               state seen on the survivor, vs. the lease length (target
//               lease + 1 s).
//
// PostgreSQL runs with fsync on (as SQLite's default durability), not
// pinned: on whichever core is free.
#include <signal.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/log.h"
#include "bench/bench_stack.h"
#include "bench/gateway_calls.h"
#include "bench/grpc_load.h"
#include "bench/scenarios.h"
#include "bench/store_load.h"
#include "server/store/postgres_task_store.h"
#include "server/store/sqlite_task_store.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/temp_dir.h"

namespace seedance::bench {
namespace {

const char kName[] = "replicas";

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// What one watch stream saw: when each sequence arrived, and when the
// change was recorded (the event's time, from the driving replica's clock,
// which is this machine's).
struct StreamLog {
  absl::Time first_message = absl::InfinitePast();
  std::map<uint64_t, std::pair<absl::Time, absl::Time>> arrived;  // seq -> (changed, seen)
  v1::TaskState last_state = v1::TASK_STATE_UNSPECIFIED;
  bool done = false;
  bool ok = false;
};

// Watch streams of many tasks on several replicas, logged. Streams still
// open when it goes (a scenario that gave up early) are cancelled and
// waited for: their callbacks refer to it.
class Watchers {
 public:
  Watchers() = default;
  Watchers(const Watchers&) = delete;
  Watchers& operator=(const Watchers&) = delete;
  ~Watchers() {
    CancelAndWait();
    for (StreamCall* call : calls_) delete call;
  }

  // Starts watching `task_id` on `stub`; returns its log's index.
  int Watch(v1::VideoGateway::Stub& stub, const std::string& task_id) {
    int index;
    {
      absl::MutexLock lock(&mu_);
      index = static_cast<int>(logs_.size());
      logs_.emplace_back();
      ++open_;
    }
    v1::WatchVideoTaskRequest request;
    request.set_task_id(task_id);
    StreamCall* call = StreamCall::Watch(
        stub, request, kToken,
        [this, index](const v1::WatchVideoTaskResponse& m) {
          absl::Time now = absl::Now();
          absl::MutexLock lock(&mu_);
          StreamLog& log = logs_[index];
          if (log.first_message == absl::InfinitePast()) log.first_message = now;
          if (!m.has_status()) return;
          log.arrived.emplace(m.status().sequence(),
                              std::make_pair(TimeOf(m.status().event_time()), now));
          log.last_state = m.status().state();
        },
        [this, index](const grpc::Status& status) {
          absl::MutexLock lock(&mu_);
          logs_[index].done = true;
          logs_[index].ok = status.ok();
          --open_;
        },
        /*caller_owns=*/true);
    absl::MutexLock lock(&mu_);
    calls_.push_back(call);
    return index;
  }

  // Waits until fewer than `most` streams are open.
  void WaitOpenBelow(int most) {
    absl::MutexLock lock(&mu_);
    auto below = [this, most]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return open_ < most; };
    mu_.Await(absl::Condition(&below));
  }

  // Waits until stream `index` has seen sequence `sequence` or ended; false
  // on the deadline.
  bool WaitSeen(int index, uint64_t sequence, absl::Time deadline) {
    absl::MutexLock lock(&mu_);
    auto seen = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return logs_[index].done || logs_[index].arrived.count(sequence) > 0;
    };
    return mu_.AwaitWithDeadline(absl::Condition(&seen), deadline) &&
           logs_[index].arrived.count(sequence) > 0;
  }

  // The logs, once every stream has ended, or at `deadline` with the
  // streams still open cancelled (they end not ok).
  std::vector<StreamLog> Finish(absl::Time deadline) {
    {
      absl::MutexLock lock(&mu_);
      auto ended = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return open_ == 0; };
      mu_.AwaitWithDeadline(absl::Condition(&ended), deadline);
    }
    CancelAndWait();
    absl::MutexLock lock(&mu_);
    return logs_;
  }

 private:
  void CancelAndWait() {
    absl::MutexLock lock(&mu_);
    for (StreamCall* call : calls_) call->Cancel();
    auto ended = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return open_ == 0; };
    mu_.Await(absl::Condition(&ended));
  }

  absl::Mutex mu_;
  std::vector<StreamCall*> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<StreamLog> logs_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

absl::StatusOr<std::string> CreateOn(v1::VideoGateway::Stub& stub) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  v1::VideoTask task;
  grpc::Status status = stub.CreateVideoTask(&context, CreateRequest(), &task);
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  return task.task_id();
}

// The flags of replica `replica` on `uri`, sharing `key_file` (the key that
// seals per-task credentials must be the same on every replica).
std::vector<std::string> ReplicaFlags(const std::string& uri, const std::string& replica,
                                      const std::string& data_dir, const std::string& key_file) {
  return {"--store=" + uri, "--replica_id=" + replica, "--data_dir=" + data_dir,
          "--master_key_file=" + key_file};
}

// Replicas A and B on a new database of `pg`, in front of the mock at
// `mock_port`, with `flags`.
absl::StatusOr<std::vector<Server>> StartTwoReplicas(const BenchConfig& config,
                                                     testing::PostgresServer& pg, int mock_port,
                                                     const std::string& dir,
                                                     const std::vector<std::string>& flags) {
  absl::StatusOr<std::string> uri = pg.CreateDatabase();
  if (!uri.ok()) return uri.status();
  std::vector<Server> replicas;
  for (const std::string replica : {"a", "b"}) {
    std::vector<std::string> all =
        ReplicaFlags(*uri, "bench-" + replica, dir + "/" + replica, dir + "/master.key");
    all.insert(all.end(), flags.begin(), flags.end());
    absl::StatusOr<Server> gateway = StartGateway(config.server_cpus, mock_port, all,
                                                  config.gateway_flags);
    if (!gateway.ok()) return gateway.status();
    replicas.push_back(*std::move(gateway));
  }
  return replicas;
}

void MeasureStore(const BenchConfig& config, testing::PostgresServer& pg, Report& report,
                  JsonObject& details) {
  absl::StatusOr<std::string> uri = pg.CreateDatabase();
  if (!uri.ok()) return report.Error(kName, std::string(uri.status().message()));
  auto postgres = server::store::PostgresTaskStore::Open({.conninfo = *uri});
  if (!postgres.ok()) return report.Error(kName, std::string(postgres.status().message()));
  TransitionFigures on_postgres = MeasureTransitions(**postgres, config.persistence_tasks);
  testing::TempDir dir;
  auto sqlite = server::store::SqliteTaskStore::Open({.path = dir.path() + "/tasks.db"});
  if (!sqlite.ok()) return report.Error(kName, std::string(sqlite.status().message()));
  TransitionFigures on_sqlite = MeasureTransitions(**sqlite, config.persistence_tasks);
  if (on_postgres.failed + on_sqlite.failed > 0) report.Error(kName, "some store writes failed");
  report.AddRow({kName,
                 absl::StrFormat("store: state changes/s, %d tasks in flight",
                                 config.persistence_tasks),
                 absl::StrFormat("%.0f/s PostgreSQL", on_postgres.batched_per_second),
                 absl::StrFormat("%.0f/s SQLite", on_sqlite.batched_per_second),
                 on_postgres.batched_per_second / on_sqlite.batched_per_second, "", false, true});
  report.AddRow({kName, "store: one change at a time (a commit each)",
                 Ms(on_postgres.sequential_ms), Ms(on_sqlite.sequential_ms),
                 on_postgres.sequential_ms / on_sqlite.sequential_ms, "", false, true});
  details.Add("store_tasks", config.persistence_tasks)
      .Add("postgres_changes_per_second", on_postgres.batched_per_second)
      .Add("sqlite_changes_per_second", on_sqlite.batched_per_second)
      .Add("postgres_sequential_ms", on_postgres.sequential_ms)
      .Add("sqlite_sequential_ms", on_sqlite.sequential_ms);
}

void MeasureThroughput(const BenchConfig& config, testing::PostgresServer& pg, Report& report,
                       JsonObject& details) {
  absl::StatusOr<Server> mock =
      StartMock(config.mock_cpus, {"--generation_ms=0", "--queue_ms=0", "--max_tasks=1000000",
                                   "--journal_limit=1000"});
  if (!mock.ok()) return report.Error(kName, std::string(mock.status().message()));
  GatewayThroughput figures[2];
  for (int on_postgres = 0; on_postgres < 2; ++on_postgres) {
    testing::TempDir dir;
    std::vector<std::string> flags = {"--delivery=hold", "--max_tasks_in_flight=100000",
                                      "--data_dir=" + dir.path()};
    if (on_postgres == 1) {
      absl::StatusOr<std::string> uri = pg.CreateDatabase();
      if (!uri.ok()) return report.Error(kName, std::string(uri.status().message()));
      flags = ReplicaFlags(*uri, "bench-throughput", dir.path(), dir.path() + "/master.key");
      flags.insert(flags.begin(), {"--delivery=hold", "--max_tasks_in_flight=100000"});
    }
    absl::StatusOr<Server> gateway =
        StartGateway(config.server_cpus, mock->port, flags, config.gateway_flags);
    if (!gateway.ok()) return report.Error(kName, std::string(gateway.status().message()));
    auto stub = v1::VideoGateway::NewStub(NewChannel(gateway->address(), 0));
    if (TimedCreateAndWatch(*stub) < 0) report.Error(kName, "warm-up task failed");
    figures[on_postgres] =
        MeasureGatewayThroughput(*stub, config.throughput_concurrency,
                                 absl::Seconds(config.throughput_seconds), gateway->process->pid());
    if (figures[on_postgres].failed > 0) {
      report.Error(kName, absl::StrCat(figures[on_postgres].failed, " gateway tasks failed"));
    }
  }
  const GatewayThroughput& sqlite = figures[0];
  const GatewayThroughput& postgres = figures[1];
  report.AddRow({kName,
                 absl::StrFormat("gateway: tasks/s, %d in flight", config.throughput_concurrency),
                 absl::StrFormat("%.0f/s PostgreSQL", postgres.tasks_per_second),
                 absl::StrFormat("%.0f/s SQLite", sqlite.tasks_per_second),
                 postgres.tasks_per_second / sqlite.tasks_per_second, "", false, true});
  details.Add("postgres_gateway_tasks_per_second", postgres.tasks_per_second)
      .Add("sqlite_gateway_tasks_per_second", sqlite.tasks_per_second)
      .Add("postgres_gateway_cpu_percent", postgres.gateway_cpu_percent)
      .Add("sqlite_gateway_cpu_percent", sqlite.gateway_cpu_percent);
}

void MeasureWatchLatency(const BenchConfig& config, testing::PostgresServer& pg, Report& report,
                         JsonObject& details) {
  // Each task changes twice while it is watched (RUNNING at the first poll
  // after the queue time, SUCCEEDED after the generation time), driven by
  // replica A, which created it and holds its lease.
  absl::StatusOr<Server> mock = StartMock(config.mock_cpus, {"--queue_ms=150",
                                                             "--generation_ms=400",
                                                             "--max_tasks=1000000"});
  if (!mock.ok()) return report.Error(kName, std::string(mock.status().message()));
  testing::TempDir dir;
  absl::StatusOr<std::vector<Server>> replicas =
      StartTwoReplicas(config, pg, mock->port, dir.path(),
                       {"--delivery=poll", "--poll_initial=50ms", "--poll_max=50ms"});
  if (!replicas.ok()) return report.Error(kName, std::string(replicas.status().message()));
  auto a = v1::VideoGateway::NewStub(NewChannel((*replicas)[0].address(), 1));
  auto b = v1::VideoGateway::NewStub(NewChannel((*replicas)[1].address(), 2));
  Watchers watchers;
  std::vector<std::pair<int, int>> pairs;  // (stream on A, stream on B) per task
  constexpr int kInFlight = 16;
  for (int i = 0; i < config.replica_watch_tasks; ++i) {
    watchers.WaitOpenBelow(2 * kInFlight);
    absl::StatusOr<std::string> id = CreateOn(*a);
    if (!id.ok()) return report.Error(kName, std::string(id.status().message()));
    pairs.emplace_back(watchers.Watch(*a, *id), watchers.Watch(*b, *id));
  }
  std::vector<StreamLog> logs = watchers.Finish(absl::Now() + absl::Minutes(2));
  std::vector<double> on_a, on_b;
  int failed = 0;
  for (auto [ia, ib] : pairs) {
    const StreamLog& la = logs[ia];
    const StreamLog& lb = logs[ib];
    if (!la.ok || !lb.ok || la.last_state != v1::TASK_STATE_SUCCEEDED ||
        lb.last_state != v1::TASK_STATE_SUCCEEDED) {
      ++failed;
      continue;
    }
    // Only changes made after both streams were open: earlier ones are a
    // replay, not a hint.
    absl::Time open = std::max(la.first_message, lb.first_message);
    for (const auto& [sequence, times] : la.arrived) {
      auto other = lb.arrived.find(sequence);
      if (times.first <= open || other == lb.arrived.end()) continue;
      on_a.push_back(absl::ToDoubleMilliseconds(times.second - times.first));
      on_b.push_back(absl::ToDoubleMilliseconds(other->second.second - times.first));
    }
  }
  if (failed > 0) report.Error(kName, absl::StrCat(failed, " watched tasks did not succeed"));
  if (on_a.empty()) return report.Error(kName, "no change was seen live on both replicas");
  double a50 = Percentile(on_a, 0.5), a99 = Percentile(on_a, 0.99);
  double b50 = Percentile(on_b, 0.5), b99 = Percentile(on_b, 0.99);
  report.AddRow({kName, "watch: p50 change on A -> watcher on B (vs watcher on A)",
                 absl::StrCat(Ms(b50), " on B"), absl::StrCat(Ms(a50), " on A"), b50 / a50,
                 "<= 2.0x", true, b50 / a50 <= 2.0});
  report.AddRow({kName, "watch: p99 change on A -> watcher on B (vs watcher on A)",
                 absl::StrCat(Ms(b99), " on B"), absl::StrCat(Ms(a99), " on A"), b99 / a99,
                 "<= 2.0x", true, b99 / a99 <= 2.0});
  details.Add("watch_tasks", config.replica_watch_tasks)
      .Add("watch_changes", static_cast<long>(on_a.size()))
      .Add("watch_on_a_p50_ms", a50)
      .Add("watch_on_a_p99_ms", a99)
      .Add("watch_on_b_p50_ms", b50)
      .Add("watch_on_b_p99_ms", b99);
}

void MeasureTakeover(const BenchConfig& config, testing::PostgresServer& pg, Report& report,
                     JsonObject& details) {
  // Tasks finish upstream soon after they are submitted; replica A never
  // polls them (a long poll delay), so they end only when B, having taken
  // the leases over, resumes them (a poll at once, as after a restart).
  constexpr int kQueueMs = 100, kGenerationMs = 300;
  absl::StatusOr<Server> mock = StartMock(
      config.mock_cpus, {absl::StrCat("--queue_ms=", kQueueMs),
                         absl::StrCat("--generation_ms=", kGenerationMs), "--max_tasks=1000000"});
  if (!mock.ok()) return report.Error(kName, std::string(mock.status().message()));
  const absl::Duration ttl = absl::Seconds(config.replica_lease_seconds);
  testing::TempDir dir;
  absl::StatusOr<std::vector<Server>> replicas =
      StartTwoReplicas(config, pg, mock->port, dir.path(),
                       {"--delivery=poll", "--poll_initial=1h", "--poll_max=1h",
                        "--lease_ttl=" + absl::FormatDuration(ttl)});
  if (!replicas.ok()) return report.Error(kName, std::string(replicas.status().message()));
  auto a = v1::VideoGateway::NewStub(NewChannel((*replicas)[0].address(), 3));
  auto b = v1::VideoGateway::NewStub(NewChannel((*replicas)[1].address(), 4));
  Watchers watchers;
  std::vector<int> streams;
  for (int i = 0; i < config.replica_takeover_tasks; ++i) {
    absl::StatusOr<std::string> id = CreateOn(*a);
    if (!id.ok()) return report.Error(kName, std::string(id.status().message()));
    streams.push_back(watchers.Watch(*b, *id));
  }
  // Sequence 2 is QUEUED with the upstream's id stored: submitted once, so
  // the takeover polls it instead of leaving its outcome unknown.
  for (int s : streams) {
    if (!watchers.WaitSeen(s, 2, absl::Now() + absl::Seconds(30))) {
      return report.Error(kName, "a task was not submitted in time");
    }
  }
  // The mock's clock: by now every task has finished upstream.
  absl::SleepFor(absl::Milliseconds(kQueueMs + kGenerationMs + 100));
  absl::Time killed = absl::Now();
  (*replicas)[0].process->Signal(SIGKILL);
  std::vector<StreamLog> logs = watchers.Finish(killed + absl::Minutes(1));
  std::vector<double> seconds;
  int failed = 0;
  for (const StreamLog& log : logs) {
    if (!log.ok || log.last_state != v1::TASK_STATE_SUCCEEDED) {
      ++failed;
      continue;
    }
    seconds.push_back(absl::ToDoubleSeconds(log.arrived.rbegin()->second.second - killed));
  }
  if (failed > 0) report.Error(kName, absl::StrCat(failed, " tasks did not end after the kill"));
  if (seconds.empty()) return report.Error(kName, "no task was taken over");
  double p50 = Percentile(seconds, 0.5), max = Percentile(seconds, 1.0);
  double limit = absl::ToDoubleSeconds(ttl) + 1;
  report.AddRow({kName,
                 absl::StrFormat("takeover: SIGKILL -> terminal seen on B, slowest of %d tasks",
                                 config.replica_takeover_tasks),
                 absl::StrFormat("%.2f s (p50 %.2f s)", max, p50),
                 absl::StrFormat("%.0f s lease", absl::ToDoubleSeconds(ttl)),
                 max / absl::ToDoubleSeconds(ttl), "<= lease + 1 s", true, max <= limit});
  details.Add("takeover_tasks", config.replica_takeover_tasks)
      .Add("lease_seconds", absl::ToDoubleSeconds(ttl))
      .Add("takeover_p50_seconds", p50)
      .Add("takeover_max_seconds", max);
}

}  // namespace

void RunReplicas(const BenchConfig& config, Report& report) {
  SetMinLogLevel(LogLevel::kError);
  absl::StatusOr<std::unique_ptr<testing::PostgresServer>> pg = testing::PostgresServer::Start({.durable = true});
  if (!pg.ok()) return report.Error(kName, std::string(pg.status().message()));
  JsonObject details;
  MeasureStore(config, **pg, report, details);
  MeasureThroughput(config, **pg, report, details);
  MeasureWatchLatency(config, **pg, report, details);
  MeasureTakeover(config, **pg, report, details);
  report.AddDetails(kName, details);
}

}  // namespace seedance::bench
