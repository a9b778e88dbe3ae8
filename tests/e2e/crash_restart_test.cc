// Crash-restart: the gateway is SIGKILLed at random moments while client
// threads create tasks and watch them, and restarted on the same data
// directory (new ports each time). Tasks are created, accepted upstream,
// running and finishing all the time, so the kills land everywhere: inside a
// create, between the store commit and the answer, during a submission,
// while callbacks or polls arrive, during recovery itself.
//
// What must hold, whatever the timing (the outcome is deterministic; only
// the counts vary):
//  * every task whose create was acknowledged is known after the last
//    restart and has reached a terminal state; a create that failed because
//    the gateway died is retried with the same request_id until it is
//    acknowledged, and never makes a second task (the caller's task list is
//    exactly the acknowledged tasks; each acknowledged request_id sent again
//    at the end returns its task);
//  * each watcher, resuming with after_sequence against the new address
//    after every kill, saw sequence numbers 1, 2, ... n once each, in order,
//    ending with the one terminal event, which matches GetVideoTask;
//  * the upstream got each task at most once (no double billing).
//
// Delivery is callback or poll, where the gateway resumes a task after a
// restart. A kill between sending a task upstream and reading the
// upstream's task id leaves its outcome unknown: the task may or may not
// exist upstream, so it is never resubmitted. In poll mode it ends FAILED
// with UPSTREAM_OUTCOME_UNKNOWN at once; in callback mode it waits for the
// upstream's callback (the gateway keeps its callback port across restarts,
// as a deployment with a fixed callback URL does, and the mock re-sends
// callbacks that fail while the gateway is down), and ends so only if the
// upstream never got it (--outcome_unknown_callback_wait, short here;
// docs/running.md, "How a task learns its fate"). In hold mode every task running at a kill
// would end that way, so hold is not tested here.
//
// The same on PostgreSQL, and two chaos setups of several replicas' kind:
// "postgres_restarts" crashes PostgreSQL itself (immediate shutdown) instead
// of the gateway; "replicas" runs three gateways on one PostgreSQL, kills
// the one the clients use, sends them to the next and restarts the killed
// one under a new replica id, so that its tasks are taken over by the
// others once their leases (1 s) expire, or at once by the replica a
// callback reaches. The figures give the takeovers and their delays.
//
// The kill times come from a seeded PRNG; the seed is printed
// (SEEDANCE_CRASH_RESTART_SEED replays the kill pattern, not the thread
// timing). SEEDANCE_CRASH_RESTART_KILLS sets the kills per delivery mode
// (default 12) for longer soak runs.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "seedance/v1/video_gateway.grpc.pb.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/json_value.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/stderr_capture.h"
#include "tests/testing/temp_dir.h"
#include "upstream_api/status_details.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;

constexpr char kToken[] = "token-crash-restart";
constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";
constexpr int kClientThreads = 6;
constexpr int kDefaultKills = 12;
// Gateways in the "replicas" setup, on one PostgreSQL.
constexpr int kReplicas = 3;
// Everything after the last kill (open creates, watches to the end) must be
// done by then; normally it takes a second or two.
constexpr absl::Duration kDrainDeadline = absl::Seconds(90);

bool IsTerminal(v1::TaskState state) {
  return state == v1::TASK_STATE_SUCCEEDED || state == v1::TASK_STATE_FAILED ||
         state == v1::TASK_STATE_CANCELLED || state == v1::TASK_STATE_EXPIRED;
}

// A gRPC error a client sees when the gateway process died under the call or
// is not up yet: worth retrying against the restarted gateway.
bool GatewayWentAway(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
      return true;
    default:
      return false;
  }
}

int EnvInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  int value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : fallback;
}

uint64_t EnvSeed() {
  const char* text = std::getenv("SEEDANCE_CRASH_RESTART_SEED");
  uint64_t value = 0;
  if (text != nullptr && absl::SimpleAtoi(text, &value)) return value;
  return std::random_device{}();
}

// The gateway the clients should talk to: a channel to its current address
// and a generation that rises with each restart. Clients whose call failed
// wait here for the next restart instead of retrying a dead address in a
// loop.
class GatewayDirectory {
 public:
  struct Current {
    uint64_t generation;
    std::shared_ptr<grpc::Channel> channel;
  };

  void Publish(const std::string& address) {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    absl::MutexLock lock(&mu_);
    ++generation_;
    channel_ = std::move(channel);
  }

  Current Get() {
    absl::MutexLock lock(&mu_);
    return {generation_, channel_};
  }

  // Returns once the gateway of `generation` has been replaced, or after
  // `timeout` (a failure with the same gateway up: try it again), or at
  // Close.
  void WaitForRestart(uint64_t generation, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto replaced = [this, generation]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return generation_ != generation || closed_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&replaced), timeout);
  }

  // Clients give up from now on (the test is over or failed).
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }
  bool closed() {
    absl::MutexLock lock(&mu_);
    return closed_;
  }

 private:
  absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::shared_ptr<grpc::Channel> channel_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// From the replicas' info log: how many tasks were taken over after their
// replica was killed, and how long after the kill (the takeover's log line
// names the replica the task came from).
std::string TakeoverFigures(const std::string& log,
                            const std::map<std::string, absl::Time>& killed_at) {
  std::vector<absl::Duration> delays;
  int by_request = 0;  // a callback or cancel reached another replica first
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (!absl::StrContains(line, " task_taken_over ")) continue;
    if (absl::StrContains(line, "why=request")) ++by_request;
    if (!absl::StrContains(line, "why=lease_expired")) continue;
    size_t from = line.find(" from=");
    if (from == absl::string_view::npos) continue;
    absl::string_view replica = line.substr(from + 6);
    replica = replica.substr(0, replica.find(' '));
    auto kill = killed_at.find(std::string(replica));
    absl::Time at;
    std::string error;
    if (kill == killed_at.end() ||
        !absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", line.substr(0, line.find(' ')), &at, &error)) {
      continue;
    }
    delays.push_back(at - kill->second);
  }
  std::string figures = absl::StrFormat("takeovers by a request=%d", by_request);
  if (delays.empty()) return absl::StrCat(figures, ", by lease expiry=0");
  std::sort(delays.begin(), delays.end());
  return absl::StrFormat(
      "%s, by lease expiry=%d, %s to %s after the kill of their replica (median %s)", figures,
      delays.size(), absl::FormatDuration(delays.front()), absl::FormatDuration(delays.back()),
      absl::FormatDuration(delays[delays.size() / 2]));
}

// What one acknowledged task went through, as its client saw it.
struct TaskRecord {
  std::string request_id;
  std::string task_id;
  std::vector<v1::TaskEvent> events;  // every status message, as received
  int create_attempts = 0;
  int watch_streams = 0;
  std::string error;  // why the client gave up, if it did
};

// A delivery mode and the store the gateway keeps its tasks in.
struct Setup {
  std::string delivery;
  // "sqlite"; "postgres", a PostgreSQL of the test's own; "postgres_restarts",
  // the same, and the kills hit the database instead of the gateway;
  // "replicas", three gateways on one PostgreSQL, the one in use killed.
  std::string store;
};

void PrintTo(const Setup& setup, std::ostream* os) { *os << setup.delivery << "/" << setup.store; }

class CrashRestartTest : public ::testing::TestWithParam<Setup> {
 protected:
  void Prepare(grpc::ClientContext& context, absl::Duration deadline) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  }

  // Creates `request` until a gateway acknowledges it, retrying with the
  // same request_id after each crash. False if it gave up.
  bool CreateUntilAcknowledged(const v1::CreateVideoTaskRequest& request, TaskRecord& record) {
    while (!directory_.closed()) {
      GatewayDirectory::Current gateway = directory_.Get();
      auto stub = v1::VideoGateway::NewStub(gateway.channel);
      grpc::ClientContext context;
      Prepare(context, absl::Seconds(10));
      v1::VideoTask task;
      ++record.create_attempts;
      grpc::Status status = stub->CreateVideoTask(&context, request, &task);
      if (status.ok()) {
        record.task_id = task.task_id();
        return true;
      }
      if (!GatewayWentAway(status)) {
        record.error = absl::StrCat("create: ", status.error_code(), " ",
                                    status.error_message());
        return false;
      }
      directory_.WaitForRestart(gateway.generation, absl::Seconds(2));
    }
    record.error = "gave up creating";
    return false;
  }

  // Watches the task from sequence 1 to its terminal event, resuming after
  // the last sequence seen whenever the gateway dies under the stream.
  // Records every status message exactly as received.
  void WatchToTheEnd(TaskRecord& record) {
    uint64_t last = 0;
    while (!directory_.closed()) {
      GatewayDirectory::Current gateway = directory_.Get();
      auto stub = v1::VideoGateway::NewStub(gateway.channel);
      grpc::ClientContext context;
      Prepare(context, absl::Seconds(60));
      v1::WatchVideoTaskRequest request;
      request.set_task_id(record.task_id);
      request.set_after_sequence(last);
      ++record.watch_streams;
      std::unique_ptr<grpc::ClientReader<v1::WatchVideoTaskResponse>> reader =
          stub->WatchVideoTask(&context, request);
      v1::WatchVideoTaskResponse message;
      while (reader->Read(&message)) {
        if (!message.has_status()) continue;  // heartbeats
        record.events.push_back(message.status());
        last = std::max(last, message.status().sequence());
      }
      grpc::Status status = reader->Finish();
      if (status.ok()) {
        if (record.events.empty() || !IsTerminal(record.events.back().state())) {
          record.error = "the stream ended OK before a terminal event";
        }
        return;
      }
      if (!GatewayWentAway(status)) {
        record.error = absl::StrCat("watch: ", status.error_code(), " ",
                                    status.error_message());
        return;
      }
      directory_.WaitForRestart(gateway.generation, absl::Seconds(2));
    }
    record.error = "gave up watching";
  }

  // One client: create a task (a random generation time), watch it to the
  // end, again, until told to stop.
  void ClientLoop(int client, uint64_t seed) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(client));
    for (int n = 0; !stop_creating_.load(); ++n) {
      TaskRecord record;
      record.request_id = absl::StrFormat("crash-restart-%d-%d", client, n);
      v1::CreateVideoTaskRequest request;
      request.set_request_id(record.request_id);
      request.mutable_spec()->set_model(kModel);
      int generation_ms = std::uniform_int_distribution<int>(20, 400)(rng);
      int queue_ms = std::uniform_int_distribution<int>(0, 80)(rng);
      // The request_id in the prompt lets the mock's journal be matched to
      // the task.
      request.mutable_spec()->set_prompt(
          absl::StrFormat("a kitten, %s [mock:generation_ms=%d,queue_ms=%d]",
                          record.request_id, generation_ms, queue_ms));
      bool acknowledged = CreateUntilAcknowledged(request, record);
      if (acknowledged) WatchToTheEnd(record);
      absl::MutexLock lock(&mu_);
      if (acknowledged) {
        requests_[record.request_id] = request;
        records_.push_back(std::move(record));
      } else {
        failures_.push_back(absl::StrCat(record.request_id, ": ", record.error));
      }
      if (!acknowledged) break;
    }
    absl::MutexLock lock(&mu_);
    ++clients_done_;
  }

  absl::StatusOr<v1::VideoTask> Get(const std::string& task_id) {
    auto stub = v1::VideoGateway::NewStub(directory_.Get().channel);
    grpc::ClientContext context;
    Prepare(context, absl::Seconds(10));
    v1::GetVideoTaskRequest request;
    request.set_task_id(task_id);
    v1::VideoTask task;
    grpc::Status status = stub->GetVideoTask(&context, request, &task);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return task;
  }

  // Every task id the caller has, all pages.
  absl::StatusOr<std::set<std::string>> ListAll() {
    auto stub = v1::VideoGateway::NewStub(directory_.Get().channel);
    std::set<std::string> ids;
    std::string page_token;
    do {
      grpc::ClientContext context;
      Prepare(context, absl::Seconds(10));
      v1::ListVideoTasksRequest request;
      request.set_page_size(1000);
      request.set_page_token(page_token);
      v1::ListVideoTasksResponse response;
      grpc::Status status = stub->ListVideoTasks(&context, request, &response);
      if (!status.ok()) return absl::InternalError(status.error_message());
      for (const v1::VideoTask& task : response.tasks()) ids.insert(task.task_id());
      page_token = response.next_page_token();
    } while (!page_token.empty());
    return ids;
  }

  // How many videos calls the mock received for each request_id (from the
  // prompts in its journal).
  std::map<std::string, int> UpstreamSubmissions() {
    std::map<std::string, int> count;
    absl::StatusOr<std::string> journal =
        mock_->Journal({{"kind", "request"}, {"path", "/v1/seedance/videos"}});
    EXPECT_THAT(journal, IsOk());
    if (!journal.ok()) return count;
    absl::StatusOr<google::protobuf::Value> value = testing::ParseJsonValue(*journal);
    EXPECT_THAT(value, IsOk());
    if (!value.ok()) return count;
    const google::protobuf::Value* entries = testing::JsonAt(*value, "entries");
    if (entries == nullptr) return count;
    for (const google::protobuf::Value& entry : entries->list_value().values()) {
      std::string body = testing::JsonString(entry, "body");
      size_t at = body.find("crash-restart-");
      if (at == std::string::npos) continue;
      size_t end = body.find(' ', at);
      count[body.substr(at, end - at)]++;
    }
    return count;
  }

  GatewayDirectory directory_;
  // Restarts of each replica so far (its replica id's suffix).
  int run_of_[kReplicas] = {};
  std::atomic<bool> stop_creating_{false};
  std::unique_ptr<testing::MockUpstreamProcess> mock_;

  absl::Mutex mu_;
  std::vector<TaskRecord> records_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::CreateVideoTaskRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> failures_ ABSL_GUARDED_BY(mu_);
  int clients_done_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST_P(CrashRestartTest, AcknowledgedTasksSurviveRandomKillsAndWatchersSeeEachChangeOnce) {
  const std::string mode = GetParam().delivery;
  const std::string store = GetParam().store;
  const uint64_t seed = EnvSeed();
  const int kills_wanted = EnvInt("SEEDANCE_CRASH_RESTART_KILLS", kDefaultKills);
  std::cout << "crash_restart[" << mode << "," << store << "]: seed=" << seed
            << " (SEEDANCE_CRASH_RESTART_SEED to replay the kill pattern)" << std::endl;

  testing::TempDir dir;
  auto mock = testing::MockUpstreamProcess::Start(
      {"--queue_ms=20", "--generation_ms=100", "--log_level=warning"});
  ASSERT_THAT(mock, IsOk());
  mock_ = *std::move(mock);
  // Callbacks that reach no gateway are re-sent for about 10 s.
  ASSERT_THAT(mock_->AddTokenRule(kToken, "callback_retry,callback_retries=100,"
                                          "callback_retry_ms=100"),
              IsOk());
  std::string store_flag = "--store=sqlite";
  std::unique_ptr<testing::PostgresServer> postgres;
  if (store != "sqlite") {
    absl::StatusOr<std::unique_ptr<testing::PostgresServer>> pg = testing::PostgresServer::Start();
    ASSERT_THAT(pg, IsOk());
    postgres = *std::move(pg);
    absl::StatusOr<std::string> uri = postgres->CreateDatabase();
    ASSERT_THAT(uri, IsOk());
    store_flag = "--store=" + *uri;
  }
  const bool replicas = store == "replicas";
  const bool restarts_postgres = store == "postgres_restarts";
  std::vector<std::string> flags = {
      "--upstream_base_url=" + mock_->base_url(), "--delivery=" + mode, store_flag,
      "--poll_initial=50ms", "--poll_max=200ms", "--callback_fallback_poll=300ms",
      "--outcome_unknown_callback_wait=15s",
      // Six clients share one token at about the default create rate,
      // and the final checks re-send every create and read every task.
      "--caller_create_rate=0", "--caller_rpc_rate=0", "--log_level=error"};
  if (replicas) {
    // Takeovers are logged (info) and read back for their times.
    flags.back() = "--log_level=info";
    flags.push_back("--lease_ttl=1s");
    flags.push_back("--master_key_file=" + dir.path() + "/master.key");
  }
  std::unique_ptr<testing::StderrToFile> capture;
  std::string replica_log = dir.path() + "/replicas.log";
  if (replicas) capture = std::make_unique<testing::StderrToFile>(replica_log);
  std::vector<std::unique_ptr<testing::GatewayProcess>> gateways;
  for (int g = 0; g < (replicas ? kReplicas : 1); ++g) {
    std::vector<std::string> own = flags;
    if (replicas) own.push_back(absl::StrCat("--replica_id=replica-", g, "-run-0"));
    auto gateway = testing::GatewayProcess::Start(own, absl::StrCat(dir.path(), "/data", g));
    ASSERT_THAT(gateway, IsOk());
    (*gateway)->KeepCallbackPort();
    gateways.push_back(*std::move(gateway));
  }
  int current = 0;  // the gateway the clients are told to use
  directory_.Publish(gateways[current]->address());

  std::vector<std::thread> clients;
  for (int c = 0; c < kClientThreads; ++c) {
    clients.emplace_back([this, c, seed] { ClientLoop(c, seed); });
  }

  // The kills. The sleeps only pace them (random gaps, some short enough to
  // land inside the previous restart's recovery); nothing waits on them.
  // With replicas, the one the clients use is killed, they move to the next,
  // and it restarts under a new replica id: its tasks wait for their leases
  // to expire and are taken over by whichever replica claims them first.
  std::mt19937_64 rng(seed);
  int kills = 0;
  std::map<std::string, absl::Time> killed_at;  // replica id -> its kill
  absl::Time start = absl::Now();
  for (; kills < kills_wanted; ++kills) {
    absl::SleepFor(absl::Milliseconds(std::uniform_int_distribution<int>(10, 700)(rng)));
    absl::Status restarted;
    if (restarts_postgres) {
      // A crash of the database (immediate shutdown, recovery at restart).
      restarted = postgres->Crash();
      if (restarted.ok()) restarted = postgres->Restart();
    } else if (replicas) {
      int victim = current;
      killed_at[absl::StrCat("replica-", victim, "-run-", run_of_[victim])] = absl::Now();
      gateways[victim]->Kill();
      current = (victim + 1) % kReplicas;
      directory_.Publish(gateways[current]->address());
      ++run_of_[victim];
      restarted = gateways[victim]->Restart(
          {absl::StrCat("--replica_id=replica-", victim, "-run-", run_of_[victim])});
    } else {
      gateways[0]->Kill();
      restarted = gateways[0]->Restart();
    }
    if (!restarted.ok()) {
      ADD_FAILURE() << "no restart after kill " << kills + 1 << ": " << restarted;
      break;
    }
    directory_.Publish(gateways[current]->address());
  }
  absl::Duration kill_phase = absl::Now() - start;
  stop_creating_ = true;

  // Let every client finish its task against the last gateway.
  bool drained = false;
  {
    absl::MutexLock lock(&mu_);
    auto all_done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return clients_done_ == kClientThreads;
    };
    drained = mu_.AwaitWithTimeout(absl::Condition(&all_done), kDrainDeadline);
  }
  if (!drained) {
    ADD_FAILURE() << "clients still busy " << kDrainDeadline << " after the last kill";
    directory_.Close();
    for (auto& gateway : gateways) gateway->Kill();  // ends their calls
  }
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(drained);

  absl::MutexLock lock(&mu_);
  EXPECT_THAT(failures_, ::testing::IsEmpty());
  ASSERT_FALSE(records_.empty());

  // Each watcher's view, and the gateway's.
  std::set<std::string> acknowledged;
  int events_checked = 0;
  int succeeded = 0;
  int outcome_unknown = 0;
  int create_retries = 0;
  int watch_resumptions = 0;
  for (const TaskRecord& r : records_) {
    SCOPED_TRACE(absl::StrCat(r.request_id, " task ", r.task_id));
    EXPECT_EQ(r.error, "");
    EXPECT_TRUE(acknowledged.insert(r.task_id).second) << "two requests, one task";
    create_retries += r.create_attempts - 1;
    watch_resumptions += r.watch_streams - 1;
    ASSERT_FALSE(r.events.empty());
    int terminal_events = 0;
    for (size_t i = 0; i < r.events.size(); ++i) {
      EXPECT_EQ(r.events[i].sequence(), i + 1) << "sequence numbers not 1, 2, ... n";
      terminal_events += IsTerminal(r.events[i].state()) ? 1 : 0;
    }
    events_checked += static_cast<int>(r.events.size());
    EXPECT_EQ(r.events.front().state(), v1::TASK_STATE_PENDING);
    EXPECT_EQ(terminal_events, 1);
    EXPECT_TRUE(IsTerminal(r.events.back().state()));

    absl::StatusOr<v1::VideoTask> task = Get(r.task_id);
    ASSERT_THAT(task, IsOk()) << "an acknowledged task is unknown after the restarts";
    EXPECT_EQ(task->state(), r.events.back().state());
    if (task->state() == v1::TASK_STATE_SUCCEEDED) {
      ++succeeded;
    } else {
      // The only acceptable failure: killed between sending the task
      // upstream and learning its upstream id, and in callback mode only
      // when the upstream never got it (so no callback could come).
      auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(upstream_api::FromRpcStatus(task->error()));
      EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
      EXPECT_EQ(info.has_value() ? info->reason() : "", "UPSTREAM_OUTCOME_UNKNOWN")
          << task->error().message();
      EXPECT_EQ(task->upstream().task_id(), "");
      if (mode == "callback") {
        EXPECT_EQ(UpstreamSubmissions()[r.request_id], 0)
            << "the upstream had the task, so its callback should have told";
      }
      ++outcome_unknown;
    }
  }

  // No task the clients were not told about (a create retried after a crash
  // returned the stored task instead of making a second one) ...
  absl::StatusOr<std::set<std::string>> listed = ListAll();
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(*listed, acknowledged);
  // ... and sending any of the creates again still returns its task.
  for (const TaskRecord& r : records_) {
    TaskRecord again;
    ASSERT_TRUE(CreateUntilAcknowledged(requests_[r.request_id], again)) << again.error;
    EXPECT_EQ(again.task_id, r.task_id) << r.request_id;
  }
  // The upstream saw each task at most once; a succeeded one exactly once.
  std::map<std::string, int> submissions = UpstreamSubmissions();
  for (const TaskRecord& r : records_) {
    int sent = submissions[r.request_id];
    EXPECT_LE(sent, 1) << r.request_id << " was submitted " << sent << " times";
    if (IsTerminal(r.events.back().state()) &&
        r.events.back().state() == v1::TASK_STATE_SUCCEEDED) {
      EXPECT_EQ(sent, 1) << r.request_id;
    }
  }

  std::string figures = absl::StrFormat(
      "kills survived=%d in %.1fs, tasks acknowledged=%d (succeeded %d, outcome "
      "unknown %d), create retries=%d, watch resumptions=%d, events checked=%d, "
      "seed=%d",
      kills, absl::ToDoubleSeconds(kill_phase), static_cast<int>(records_.size()),
      succeeded, outcome_unknown, create_retries, watch_resumptions, events_checked, seed);
  if (replicas) {
    capture.reset();
    absl::StrAppend(&figures, ", ", TakeoverFigures(testing::ReadFileBytes(replica_log),
                                                    killed_at));
  }
  std::cout << "crash_restart[" << mode << "," << store << "]: " << figures << std::endl;
  RecordProperty("figures", figures);
  EXPECT_EQ(kills, kills_wanted);
  directory_.Close();
}

INSTANTIATE_TEST_SUITE_P(DeliveryAndStore, CrashRestartTest,
                         ::testing::Values(Setup{"callback", "sqlite"}, Setup{"poll", "sqlite"},
                                           Setup{"callback", "postgres"},
                                           Setup{"poll", "postgres"},
                                           Setup{"poll", "postgres_restarts"},
                                           Setup{"callback", "replicas"},
                                           Setup{"poll", "replicas"}),
                         [](const auto& info) {
                           return info.param.delivery + "_" + info.param.store;
                         });

}  // namespace
}  // namespace seedance
