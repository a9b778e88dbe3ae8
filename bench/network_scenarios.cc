// The scenarios that run real processes: overhead, throughput, held tasks,
// fan-out and idle streams.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "bench/bare_stream.grpc.pb.h"
#include "bench/bench_stack.h"
#include "bench/curl_load.h"
#include "bench/gateway_calls.h"
#include "bench/grpc_load.h"
#include "bench/scenarios.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/json_value.h"
#include "tests/testing/temp_dir.h"

namespace seedance::bench {

void RunOverhead(const BenchConfig& config, Report& report) {
  const std::string name = "overhead";
  absl::StatusOr<Server> mock =
      StartMock(config.mock_cpus, {"--generation_ms=0", "--queue_ms=0", "--max_tasks=1000000",
                                   "--journal_limit=1000"});
  if (!mock.ok()) return report.Error(name, std::string(mock.status().message()));
  std::string url = absl::StrCat("http://", mock->address(), "/v1/seedance/videos");
  // Direct: sequential calls over one keep-alive connection.
  RunCurlLoad({.url = url, .connections = 1, .calls = 50});  // warm-up
  CurlLoadResult direct = RunCurlLoad({.url = url, .connections = 1, .calls = config.overhead_calls});
  if (direct.errors > 0) report.Error(name, absl::StrCat(direct.errors, " direct calls failed"));
  double direct_p50 = Percentile(direct.latencies_ms, 0.5);
  double direct_p99 = Percentile(direct.latencies_ms, 0.99);

  JsonObject details;
  details.Add("calls", config.overhead_calls)
      .Add("direct_p50_ms", direct_p50)
      .Add("direct_p99_ms", direct_p99);
  // The gateway in hold mode (one upstream call per task), with the store
  // at its default (fsync per batch) and with fsync left to checkpoints.
  for (bool durable : {true, false}) {
    testing::TempDir dir;
    absl::StatusOr<Server> gateway = StartGateway(
        config.server_cpus, mock->port,
        {"--delivery=hold", absl::StrCat("--data_dir=", dir.path()),
         absl::StrCat("--durable_fsync=", durable ? "true" : "false")},
        config.gateway_flags);
    if (!gateway.ok()) return report.Error(name, std::string(gateway.status().message()));
    auto stub = v1::VideoGateway::NewStub(NewChannel(gateway->address(), 0));
    for (int i = 0; i < 50; ++i) TimedCreateAndWatch(*stub);  // warm-up
    std::vector<double> latencies;
    int errors = 0;
    for (int i = 0; i < config.overhead_calls; ++i) {
      double ms = TimedCreateAndWatch(*stub);
      if (ms < 0) {
        ++errors;
      } else {
        latencies.push_back(ms);
      }
    }
    if (errors > 0) report.Error(name, absl::StrCat(errors, " gateway tasks failed"));
    double p50 = Percentile(latencies, 0.5);
    double p99 = Percentile(latencies, 0.99);
    std::string variant = durable ? "fsync per commit" : "fsync at checkpoints";
    report.AddRow({name, absl::StrCat("p50 create->done (", variant, ")"), Ms(p50),
                   Ms(direct_p50), p50 / direct_p50, "<= 2.0x", true, p50 / direct_p50 <= 2.0});
    report.AddRow({name, absl::StrCat("p99 create->done (", variant, ")"), Ms(p99),
                   Ms(direct_p99), p99 / direct_p99, "<= 3.0x", true, p99 / direct_p99 <= 3.0});
    details.Add(durable ? "gateway_durable_p50_ms" : "gateway_checkpoint_p50_ms", p50)
        .Add(durable ? "gateway_durable_p99_ms" : "gateway_checkpoint_p99_ms", p99);
  }
  report.AddDetails(name, details);
}

void RunThroughput(const BenchConfig& config, Report& report) {
  const std::string name = "throughput";
  absl::StatusOr<Server> mock =
      StartMock(config.mock_cpus, {"--generation_ms=0", "--queue_ms=0", "--max_tasks=1000000",
                                   "--journal_limit=1000"});
  if (!mock.ok()) return report.Error(name, std::string(mock.status().message()));
  pid_t mock_pid = mock->process->pid();
  std::string url = absl::StrCat("http://", mock->address(), "/v1/seedance/videos");
  double mock_cpu = CpuSeconds(mock_pid);
  CurlLoadResult direct = RunCurlLoad({.url = url,
                                       .connections = config.throughput_concurrency,
                                       .duration = absl::Seconds(config.throughput_seconds)});
  double direct_mock_cpu = 100 * (CpuSeconds(mock_pid) - mock_cpu) / direct.seconds;
  if (direct.errors > 0) report.Error(name, absl::StrCat(direct.errors, " direct calls failed"));

  testing::TempDir dir;
  absl::StatusOr<Server> gateway =
      StartGateway(config.server_cpus, mock->port,
                   {"--delivery=hold", absl::StrCat("--data_dir=", dir.path()),
                    "--max_tasks_in_flight=100000"},
                   config.gateway_flags);
  if (!gateway.ok()) return report.Error(name, std::string(gateway.status().message()));
  pid_t gateway_pid = gateway->process->pid();
  auto stub = v1::VideoGateway::NewStub(NewChannel(gateway->address(), 0));
  mock_cpu = CpuSeconds(mock_pid);
  absl::Time start = absl::Now();
  GatewayThroughput run = MeasureGatewayThroughput(
      *stub, config.throughput_concurrency, absl::Seconds(config.throughput_seconds), gateway_pid);
  double mock_cpu_percent =
      100 * (CpuSeconds(mock_pid) - mock_cpu) / absl::ToDoubleSeconds(absl::Now() - start);
  double rate = run.tasks_per_second;
  if (run.failed > 0) report.Error(name, absl::StrCat(run.failed, " gateway tasks failed"));
  report.AddRow({name,
                 absl::StrFormat("tasks/s, %d in flight", config.throughput_concurrency),
                 absl::StrFormat("%.0f/s", rate), absl::StrFormat("%.0f/s", direct.per_second()),
                 rate / direct.per_second(), ">= 0.5x", true, rate / direct.per_second() >= 0.5});
  report.AddDetails(name, JsonObject()
                              .Add("concurrency", config.throughput_concurrency)
                              .Add("gateway_tasks_per_second", rate)
                              .Add("gateway_tasks", run.done)
                              .Add("gateway_failed", run.failed)
                              .Add("gateway_cpu_percent", run.gateway_cpu_percent)
                              .Add("mock_cpu_percent_under_gateway", mock_cpu_percent)
                              .Add("direct_requests_per_second", direct.per_second())
                              .Add("direct_p50_ms", Percentile(direct.latencies_ms, 0.5))
                              .Add("direct_p99_ms", Percentile(direct.latencies_ms, 0.99))
                              .Add("mock_cpu_percent_direct", direct_mock_cpu));
}

namespace {

// Counts the caller's tasks in `state` through ListVideoTasks.
long CountTasks(v1::VideoGateway::Stub& stub, v1::TaskState state) {
  long count = 0;
  v1::ListVideoTasksRequest request;
  request.set_page_size(1000);
  request.add_states(state);
  while (true) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kToken);
    v1::ListVideoTasksResponse page;
    if (!stub.ListVideoTasks(&context, request, &page).ok()) return -1;
    count += page.tasks_size();
    if (page.next_page_token().empty()) return count;
    request.set_page_token(page.next_page_token());
  }
}

}  // namespace

void RunHeld(const BenchConfig& config, Report& report) {
  const std::string name = "held";
  JsonObject details;
  for (const std::string mode : {"hold", "callback"}) {
    absl::StatusOr<Server> mock = StartMock(
        config.mock_cpus,
        {absl::StrCat("--generation_ms=", config.held_generation_ms), "--queue_ms=0",
         "--max_tasks=1000000", "--journal_limit=1000", "--max_connections=100000"});
    if (!mock.ok()) return report.Error(name, std::string(mock.status().message()));
    testing::TempDir dir;
    absl::StatusOr<Server> gateway = StartGateway(
        config.server_cpus, mock->port,
        {"--delivery=" + mode, absl::StrCat("--data_dir=", dir.path()),
         absl::StrCat("--max_tasks_in_flight=", config.held_tasks + 100),
         "--callback_fallback_poll=0", "--durable_fsync=false"},
        config.gateway_flags);
    if (!gateway.ok()) return report.Error(name, std::string(gateway.status().message()));
    pid_t pid = gateway->process->pid();
    auto stub = v1::VideoGateway::NewStub(NewChannel(gateway->address(), 0));
    // Warm up (first task, allocator arenas), then the baseline.
    if (TimedCreateAndWatch(*stub) < 0) report.Error(name, "warm-up task failed");
    ProcessSample baseline = SampleProcess(pid);

    // Create every task, many creates in flight.
    absl::Mutex mu;
    long created = 0, refused = 0, pending = 0;
    absl::Time start = absl::Now();
    for (int i = 0; i < config.held_tasks; ++i) {
      {
        absl::MutexLock lock(&mu);
        auto below = [&pending]() { return pending < 256; };
        mu.Await(absl::Condition(&below));
        ++pending;
      }
      struct Create {
        grpc::ClientContext context;
        v1::CreateVideoTaskRequest request = CreateRequest();
        v1::VideoTask task;
      };
      auto* call = new Create;
      call->context.AddMetadata("authorization", std::string("Bearer ") + kToken);
      stub->async()->CreateVideoTask(&call->context, &call->request, &call->task,
                                     [&, call](grpc::Status status) {
                                       absl::MutexLock lock(&mu);
                                       (status.ok() ? created : refused)++;
                                       --pending;
                                       delete call;
                                     });
    }
    {
      absl::MutexLock lock(&mu);
      auto none = [&pending]() { return pending == 0; };
      mu.Await(absl::Condition(&none));
    }
    double create_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    // Held: sample while they are in flight, until all have ended.
    ProcessSample peak;
    long finished = 0;
    absl::Time give_up = start + absl::Milliseconds(config.held_generation_ms) + absl::Minutes(3);
    while (absl::Now() < give_up) {
      ProcessSample s = SampleProcess(pid);
      peak.rss_kb = std::max(peak.rss_kb, s.rss_kb);
      peak.threads = std::max(peak.threads, s.threads);
      long succeeded = CountTasks(*stub, v1::TASK_STATE_SUCCEEDED);
      long failed = CountTasks(*stub, v1::TASK_STATE_FAILED);
      finished = succeeded + failed;
      if (finished >= created + 1) {
        if (failed > 0) report.Error(name, absl::StrCat(mode, ": ", failed, " tasks failed"));
        break;
      }
      absl::SleepFor(absl::Milliseconds(500));
    }
    double all_done_s = absl::ToDoubleSeconds(absl::Now() - start);
    if (finished < created + 1) report.Error(name, mode + ": not every task ended");
    if (refused > 0) report.Error(name, absl::StrCat(mode, ": ", refused, " creates refused"));
    double kib_per_task =
        static_cast<double>(peak.rss_kb - baseline.rss_kb) / std::max<long>(created, 1);
    report.AddRow({name, absl::StrFormat("RSS growth per held task (%s, %d tasks)", mode,
                                         config.held_tasks),
                   absl::StrFormat("%.1f KiB", kib_per_task), "", 0, "<= 16 KiB", true,
                   kib_per_task <= 16});
    report.AddRow({name, absl::StrFormat("threads idle -> %d held (%s)", config.held_tasks, mode),
                   absl::StrFormat("%ld -> %ld", baseline.threads, peak.threads), "", 0,
                   "independent of N", true, peak.threads - baseline.threads <= 2});
    details.Add(mode, JsonObject()
                          .Add("tasks", config.held_tasks)
                          .Add("generation_ms", config.held_generation_ms)
                          .Add("created", created)
                          .Add("refused", refused)
                          .Add("create_seconds", create_seconds)
                          .Add("all_done_seconds", all_done_s)
                          .Add("baseline_rss_kb", baseline.rss_kb)
                          .Add("peak_rss_kb", peak.rss_kb)
                          .Add("baseline_threads", baseline.threads)
                          .Add("peak_threads", peak.threads)
                          .Add("kib_per_task", kib_per_task));
  }
  report.AddDetails(name, details);
}

namespace {

// W watch streams over K channels; counts the messages each received.
class Watchers {
 public:
  explicit Watchers(int count) : received_(count) {}

  // Opens stream `i` on `stub` for `task_id`.
  void Open(int i, v1::VideoGateway::Stub& stub, const std::string& task_id) {
    v1::WatchVideoTaskRequest request;
    request.set_task_id(task_id);
    calls_.push_back(StreamCall::Watch(
        stub, request, kToken,
        [this, i](const v1::WatchVideoTaskResponse&) {
          int n = ++received_[i];
          if (n > 2) return;
          absl::MutexLock lock(&mu_);
          if (n == 1) ++first_;
          if (n == 2) {
            ++second_;
            last_second_ = absl::Now();
          }
        },
        [this](const grpc::Status&) {
          absl::MutexLock lock(&mu_);
          ++ended_;
        },
        /*caller_owns=*/true));
  }

  bool WaitFirst(int n, absl::Duration timeout) { return WaitFor(&first_, n, timeout); }
  bool WaitSecond(int n, absl::Duration timeout) { return WaitFor(&second_, n, timeout); }
  absl::Time last_second() {
    absl::MutexLock lock(&mu_);
    return last_second_;
  }
  // Ends every stream (some may have ended already: the calls are owned
  // here, so cancelling them is safe) and waits for them to be gone (after
  // a timeout they are leaked, not deleted under gRPC's feet).
  void CloseAll() {
    for (StreamCall* c : calls_) c->Cancel();
    if (WaitFor(&ended_, static_cast<int>(calls_.size()), absl::Seconds(60))) {
      for (StreamCall* c : calls_) delete c;
    }
    calls_.clear();
  }

 private:
  bool WaitFor(int* counter, int n, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [counter, n]() { return *counter >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  std::vector<std::atomic<int>> received_;
  std::vector<StreamCall*> calls_;
  absl::Mutex mu_;
  int first_ = 0;
  int second_ = 0;
  int ended_ = 0;
  absl::Time last_second_;
};

// A terminal event the size of the gateway's.
v1::WatchVideoTaskResponse TerminalEvent() {
  v1::WatchVideoTaskResponse m;
  v1::TaskEvent* e = m.mutable_status();
  e->set_task_id("6f1c7f0e-2a4b-4d6e-9f3a-1b2c3d4e5f60");
  e->set_sequence(3);
  e->set_state(v1::TASK_STATE_SUCCEEDED);
  v1::VideoTask* t = e->mutable_task();
  t->set_task_id(e->task_id());
  *t->mutable_spec() = CreateRequest().spec();
  t->set_state(v1::TASK_STATE_SUCCEEDED);
  t->set_sequence(3);
  t->mutable_result()->set_video_url(
      "http://127.0.0.1:40000/seedance/0d0a0b0c-0000-4000-8000-000000000000.mp4");
  t->mutable_result()->set_model("doubao-seedance-1-0-pro-250528");
  t->mutable_upstream()->set_task_id("0d0a0b0c-0000-4000-8000-000000000001");
  t->mutable_upstream()->set_provider_task_id("cgt-20251222005129-62fhb");
  t->mutable_upstream()->set_trace_id("0d0a0b0c-0000-4000-8000-000000000002");
  return m;
}

struct FanoutResult {
  bool ok = false;
  double delivery_ms = 0;
  double idle_kib_per_stream = 0;
};

// Opens the watchers on `address`, measures the idle cost, then calls
// `trigger` and measures until every watcher has the second message.
FanoutResult MeasureFanout(const BenchConfig& config, const std::string& address, pid_t pid,
                           const std::string& task_id, const std::function<bool()>& trigger,
                           const std::string& what, Report& report) {
  FanoutResult result;
  std::vector<std::unique_ptr<v1::VideoGateway::Stub>> stubs;
  for (int c = 0; c < config.fanout_channels; ++c) {
    stubs.push_back(v1::VideoGateway::NewStub(NewChannel(address, c)));
  }
  ProcessSample before = SampleProcess(pid);
  Watchers watchers(config.fanout_watchers);
  for (int i = 0; i < config.fanout_watchers; ++i) {
    watchers.Open(i, *stubs[i % config.fanout_channels], task_id);
  }
  if (!watchers.WaitFirst(config.fanout_watchers, absl::Minutes(2))) {
    report.Error("fanout", what + ": not every watcher got its first message");
    watchers.CloseAll();
    return result;
  }
  // Sampled after the streams are open and idle (not a synchronisation).
  absl::SleepFor(absl::Milliseconds(500));
  ProcessSample idle = SampleProcess(pid);
  result.idle_kib_per_stream =
      static_cast<double>(idle.rss_kb - before.rss_kb) / config.fanout_watchers;
  absl::Time start = absl::Now();
  if (!trigger()) {
    report.Error("fanout", what + ": the trigger failed");
  } else if (!watchers.WaitSecond(config.fanout_watchers, absl::Minutes(2))) {
    report.Error("fanout", what + ": not every watcher got the change");
  } else {
    result.delivery_ms = absl::ToDoubleMilliseconds(watchers.last_second() - start);
    result.ok = true;
  }
  watchers.CloseAll();
  return result;
}

}  // namespace

void RunFanout(const BenchConfig& config, Report& report) {
  const std::string name = "fanout";
  // The baseline: the bare server.
  absl::StatusOr<Server> bare = StartBareServer(config.server_cpus);
  if (!bare.ok()) return report.Error(name, std::string(bare.status().message()));
  auto broadcast = BareBroadcast::NewStub(NewChannel(bare->address(), 1000000));
  FanoutResult base = MeasureFanout(
      config, bare->address(), bare->process->pid(), "bare",
      [&] {
        grpc::ClientContext context;
        BroadcastRequest request;
        *request.mutable_message() = TerminalEvent();
        BroadcastResponse response;
        return broadcast->Broadcast(&context, request, &response).ok();
      },
      "bare server", report);
  bare->process->Signal(SIGTERM);

  // The gateway: one task held upstream, its watchers, then its callback.
  absl::StatusOr<Server> mock = StartMock(
      config.mock_cpus, {"--generation_ms=600000", "--queue_ms=0", "--journal_limit=1000"});
  if (!mock.ok()) return report.Error(name, std::string(mock.status().message()));
  testing::TempDir dir;
  absl::StatusOr<Server> gateway = StartGateway(
      config.server_cpus, mock->port,
      {"--delivery=callback", absl::StrCat("--data_dir=", dir.path()),
       "--callback_fallback_poll=0", "--heartbeat_interval=0",
       absl::StrCat("--max_watch_streams=", config.fanout_watchers + 10)},
      config.gateway_flags);
  if (!gateway.ok()) return report.Error(name, std::string(gateway.status().message()));
  auto stub = v1::VideoGateway::NewStub(NewChannel(gateway->address(), 1000000));
  grpc::ClientContext context;
  context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  v1::VideoTask task;
  if (!stub->CreateVideoTask(&context, CreateRequest(), &task).ok()) {
    return report.Error(name, "create failed");
  }
  // Watchers start on QUEUED, so that the only change they see is the one
  // the benchmark triggers.
  for (int i = 0; i < 1000 && task.state() != v1::TASK_STATE_QUEUED; ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    grpc::ClientContext get_context;
    get_context.AddMetadata("authorization", std::string("Bearer ") + kToken);
    v1::GetVideoTaskRequest get;
    get.set_task_id(task.task_id());
    (void)stub->GetVideoTask(&get_context, get, &task);
  }
  if (task.state() != v1::TASK_STATE_QUEUED) return report.Error(name, "task never queued");
  // The upstream's callback URL (with the task's secret) from the mock's
  // journal; the benchmark plays the upstream's final callback itself.
  std::string callback_url;
  for (int attempt = 0; attempt < 100 && callback_url.empty(); ++attempt) {
    testing::HttpResult r = testing::PerformHttp(
        {.url = absl::StrCat("http://", mock->address(),
                             "/__mock/journal/wait?kind=request&path=/v1/seedance/videos"
                             "&timeout_ms=10000")});
    auto value = testing::ParseJsonValue(r.body);
    if (!value.ok()) continue;
    auto body = testing::ParseJsonValue(testing::JsonString(*value, "entries.0.body"));
    if (!body.ok()) continue;
    callback_url = testing::JsonString(*body, "callback_url");
  }
  if (callback_url.empty()) return report.Error(name, "no callback URL in the mock's journal");
  FanoutResult gw = MeasureFanout(
      config, gateway->address(), gateway->process->pid(), task.task_id(),
      [&] {
        testing::HttpResult r = testing::PerformHttp(
            {.method = "POST",
             .url = callback_url,
             .headers = {"Content-Type: application/json"},
             // No top-level task_id: the gateway refuses a body that names
             // another upstream task than the one it knows.
             .body = R"({"success":true,"trace_id":"bench",)"
                     R"("data":{"task_id":"cgt-bench","status":"succeeded",)"
                     R"("video_url":"http://127.0.0.1:1/v.mp4",)"
                     R"("model":"doubao-seedance-1-0-pro-250528"}})"});
        return r.status == 200;
      },
      "gateway", report);
  if (base.ok && gw.ok) {
    double ratio = gw.delivery_ms / base.delivery_ms;
    report.AddRow({name,
                   absl::StrFormat("last of %d watchers (%d channels) has the change",
                                   config.fanout_watchers, config.fanout_channels),
                   Ms(gw.delivery_ms), Ms(base.delivery_ms), ratio, "<= 1.5x", true,
                   ratio <= 1.5});
  }
  double idle_ratio = base.idle_kib_per_stream > 0
                          ? gw.idle_kib_per_stream / base.idle_kib_per_stream
                          : 0;
  report.AddRow({"idle", absl::StrFormat("memory per idle watch stream (%d streams)",
                                         config.fanout_watchers),
                 absl::StrFormat("%.2f KiB", gw.idle_kib_per_stream),
                 absl::StrFormat("%.2f KiB", base.idle_kib_per_stream), idle_ratio, "<= 1.5x",
                 true, idle_ratio > 0 && idle_ratio <= 1.5});
  report.AddDetails(name, JsonObject()
                              .Add("watchers", config.fanout_watchers)
                              .Add("channels", config.fanout_channels)
                              .Add("gateway_delivery_ms", gw.delivery_ms)
                              .Add("bare_delivery_ms", base.delivery_ms)
                              .Add("gateway_idle_kib_per_stream", gw.idle_kib_per_stream)
                              .Add("bare_idle_kib_per_stream", base.idle_kib_per_stream));
}

// Where the time of one create-and-watch goes, step by step (`--only=probe`,
// printed, not reported): the breakdown behind the overhead figures.
void RunProbe(const BenchConfig& config, Report& report) {
  absl::StatusOr<Server> mock = StartMock(
      config.mock_cpus, {"--generation_ms=0", "--queue_ms=0", "--max_tasks=1000000", "--max_connections=100000"});
  if (!mock.ok()) return report.Error("probe", "mock");
  testing::TempDir dir;
  absl::StatusOr<Server> gateway = StartGateway(
      config.server_cpus, mock->port, {"--delivery=hold", "--data_dir=" + dir.path()},
      config.gateway_flags);
  if (!gateway.ok()) return report.Error("probe", "gateway");
  auto stub = v1::VideoGateway::NewStub(NewChannel(gateway->address(), 0));
  auto timed = [&](const std::string& what, const std::function<void()>& fn) {
    for (int i = 0; i < 50; ++i) fn();
    std::vector<double> ms;
    for (int i = 0; i < 300; ++i) {
      absl::Time t = absl::Now();
      fn();
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t));
    }
    std::printf("probe %-40s p50 %.3f ms  p99 %.3f ms\n", what.c_str(), Percentile(ms, 0.5),
                Percentile(ms, 0.99));
    std::fflush(stdout);
  };
  timed("ListModels (unary round trip)", [&] {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer t");
    v1::ListModelsResponse r;
    (void)stub->ListModels(&c, {}, &r);
  });
  timed("CreateVideoTask validate_only (no loop)", [&] {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer t");
    v1::VideoTask t;
    v1::CreateVideoTaskRequest r = CreateRequest();
    r.set_validate_only(true);
    (void)stub->CreateVideoTask(&c, r, &t);
  });
  timed("GetVideoTask (unary, via the loop)", [&] {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer t");
    v1::GetVideoTaskRequest g;
    g.set_task_id("none");
    v1::VideoTask t;
    (void)stub->GetVideoTask(&c, g, &t);
  });
  timed("CreateVideoTask (unary, stored)", [&] {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer t");
    v1::VideoTask t;
    (void)stub->CreateVideoTask(&c, CreateRequest(), &t);
  });
  timed("CreateAndWatch to first event", [&] {
    grpc::ClientContext c;
    c.AddMetadata("authorization", "Bearer t");
    auto reader = stub->CreateAndWatchVideoTask(&c, CreateRequest());
    v1::WatchVideoTaskResponse m;
    reader->Read(&m);
    c.TryCancel();
    (void)reader->Finish();
  });
  timed("CreateAndWatch to terminal event", [&] { TimedCreateAndWatch(*stub); });
}

}  // namespace seedance::bench
