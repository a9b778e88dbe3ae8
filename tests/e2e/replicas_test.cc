// Several gateway replicas on one PostgreSQL (--store=postgresql://...,
// --lease_ttl): any replica answers for any task, a watcher on one replica
// sees the changes another replica drives, and when the replica driving
// tasks is SIGKILLed, another takes them over once their leases expire and
// finishes them, each submitted upstream once. The replicas share the
// master key, as docs/running.md says they must.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "clients/cpp/gateway_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/read_file.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;

constexpr char kToken[] = "token-replicas";
constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";

v1::CreateVideoTaskRequest Request(const std::string& request_id) {
  v1::CreateVideoTaskRequest r;
  r.mutable_spec()->set_model(kModel);
  r.mutable_spec()->set_prompt("Three lighthouses, one beam");
  r.set_request_id(request_id);
  return r;
}

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::PostgresServer>> pg = testing::PostgresServer::Start();
    ASSERT_THAT(pg, IsOk());
    pg_ = *std::move(pg);
    absl::StatusOr<std::string> uri = pg_->CreateDatabase();
    ASSERT_THAT(uri, IsOk());
    uri_ = *uri;
  }

  void StartMock(const std::string& generation_ms) {
    auto mock = testing::MockUpstreamProcess::Start(
        {"--queue_ms=50", "--generation_ms=" + generation_ms, "--log_level=warning"});
    ASSERT_THAT(mock, IsOk());
    mock_ = *std::move(mock);
  }

  // Starts replica `n` (its own data directory, the first replica's master
  // key).
  void StartReplica(int n, const std::string& delivery = "poll",
                    std::vector<std::string> extra = {}) {
    std::string data = absl::StrCat(dir_.path(), "/replica", n);
    std::filesystem::create_directories(data);
    if (n > 0) {
      std::filesystem::copy_file(dir_.path() + "/replica0/master.key", data + "/master.key",
                                 std::filesystem::copy_options::overwrite_existing);
    }
    std::vector<std::string> flags = {
        "--upstream_base_url=" + mock_->base_url(), "--delivery=" + delivery,
        "--poll_initial=50ms", "--poll_max=100ms", "--store=" + uri_,
        absl::StrCat("--replica_id=replica-", n), "--lease_ttl=2s", "--log_level=warning"};
    flags.insert(flags.end(), extra.begin(), extra.end());
    auto gateway = testing::GatewayProcess::Start(flags, data);
    ASSERT_THAT(gateway, IsOk());
    replicas_.push_back(*std::move(gateway));
  }

  client::GatewayClient Client(int n) {
    client::GatewayClientOptions options;
    options.reconnect_delay = absl::Milliseconds(100);
    return client::GatewayClient(grpc::CreateChannel(replicas_[n]->address(),
                                                     grpc::InsecureChannelCredentials()),
                                 kToken, options);
  }

  int Submissions() {
    return mock_->JournalCount({{"kind", "request"}, {"path", "/v1/seedance/videos"}})
        .value_or(-1);
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::PostgresServer> pg_;
  std::string uri_;
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
  std::vector<std::unique_ptr<testing::GatewayProcess>> replicas_;
};

TEST_F(ReplicasTest, AnyReplicaAnswersAndWatchersSeeEveryChangeOnce) {
  StartMock("600");
  for (int n = 0; n < 3; ++n) StartReplica(n);
  absl::StatusOr<v1::VideoTask> created = Client(0).Create(Request("r1"));
  ASSERT_THAT(created, IsOk());
  // The same request_id on another replica finds the same task.
  absl::StatusOr<v1::VideoTask> again = Client(2).Create(Request("r1"));
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->task_id(), created->task_id());
  // Watchers on the two replicas that do not drive the task.
  std::vector<std::vector<uint64_t>> sequences(2);
  std::vector<absl::StatusOr<v1::VideoTask>> ended(2);
  std::vector<std::thread> watchers;
  for (int w = 0; w < 2; ++w) {
    watchers.emplace_back([&, w] {
      ended[w] = Client(w + 1).WatchToEnd(
          created->task_id(), std::nullopt, [&, w](const v1::WatchVideoTaskResponse& m) {
            if (m.has_status()) sequences[w].push_back(m.status().sequence());
          });
    });
  }
  for (std::thread& t : watchers) t.join();
  for (int w = 0; w < 2; ++w) {
    SCOPED_TRACE(w + 1);
    ASSERT_THAT(ended[w], IsOk());
    EXPECT_EQ(ended[w]->state(), v1::TASK_STATE_SUCCEEDED);
    ASSERT_FALSE(sequences[w].empty());
    // The current state first, then each change once, in order.
    for (size_t i = 1; i < sequences[w].size(); ++i) {
      EXPECT_EQ(sequences[w][i], sequences[w][i - 1] + 1);
    }
    EXPECT_EQ(sequences[w].back(), ended[w]->sequence());
  }
  // Get and List agree on every replica.
  for (int n = 0; n < 3; ++n) {
    absl::StatusOr<v1::VideoTask> got = Client(n).Get(created->task_id());
    ASSERT_THAT(got, IsOk());
    EXPECT_EQ(got->state(), v1::TASK_STATE_SUCCEEDED);
    absl::StatusOr<v1::ListVideoTasksResponse> listed = Client(n).List({});
    ASSERT_THAT(listed, IsOk());
    EXPECT_EQ(listed->tasks_size(), 1);
  }
  EXPECT_EQ(Submissions(), 1);
}

TEST_F(ReplicasTest, AVideoOneReplicaKeptIsServedByAnotherFromTheSharedContentDirectory) {
  StartMock("100");
  const std::string shared = "--content_dir=" + dir_.path() + "/content";
  for (int n = 0; n < 2; ++n) {
    StartReplica(n, "poll", {shared, "--allow_private_content_hosts=127.0.0.1"});
  }
  absl::StatusOr<v1::VideoTask> done =
      Client(0).CreateAndWatch(Request("kept"), [](const v1::WatchVideoTaskResponse&) {});
  ASSERT_THAT(done, IsOk());
  ASSERT_EQ(done->state(), v1::TASK_STATE_SUCCEEDED);
  // Through the replica that did not fetch it (waiting while it is PENDING).
  absl::StatusOr<client::Downloaded> saved = Client(1).DownloadContent(
      done->task_id(), v1::RESULT_FILE_VIDEO, dir_.path() + "/saved.mp4");
  ASSERT_THAT(saved, IsOk());
  EXPECT_TRUE(testing::ReadFileBytes(dir_.path() + "/saved.mp4") ==
              testing::ReadFileBytes(SEEDANCE_SOURCE_DIR "/mock_upstream/assets/sample.mp4"));
  // Fetched once, by one replica.
  EXPECT_EQ(mock_->JournalCount({{"kind", "request"}, {"method", "GET"}}).value_or(-1), 1);
}

TEST_F(ReplicasTest, AnEventStreamOnAnotherReplicaHasEveryChangeOnce) {
  StartMock("300");
  for (int n = 0; n < 2; ++n) StartReplica(n, "poll", {"--http_listen=127.0.0.1:0"});
  absl::StatusOr<v1::VideoTask> created = Client(0).Create(Request("sse"));
  ASSERT_THAT(created, IsOk());
  // Over HTTP on the replica that does not drive the task.
  testing::HttpResult events = testing::PerformHttp(
      {.url = absl::StrCat("http://127.0.0.1:", replicas_[1]->http_port(), "/v1/videoTasks/",
                           created->task_id(), ":watch?afterSequence=0"),
       .headers = {absl::StrCat("Authorization: Bearer ", kToken)},
       .timeout_ms = 60000});
  ASSERT_EQ(events.status, 200) << events.body;
  std::vector<std::string> ids;
  for (absl::string_view line : absl::StrSplit(events.body, '\n')) {
    if (absl::ConsumePrefix(&line, "id: ")) ids.emplace_back(line);
  }
  ASSERT_GE(ids.size(), 2u) << events.body;
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], absl::StrCat(i + 1));
  EXPECT_THAT(events.body, ::testing::HasSubstr("TASK_STATE_SUCCEEDED"));
}

TEST_F(ReplicasTest, OneRequestIdSentToEveryReplicaAtOnceMakesOneTask) {
  StartMock("300");
  for (int n = 0; n < 3; ++n) StartReplica(n);
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<absl::StatusOr<v1::VideoTask>> answers(3);
    absl::Notification go;
    std::vector<std::thread> threads;
    for (int n = 0; n < 3; ++n) {
      threads.emplace_back([&, n] {
        client::GatewayClient client = Client(n);
        go.WaitForNotification();
        answers[n] = client.Create(Request(absl::StrCat("same-", round)));
      });
    }
    go.Notify();
    for (std::thread& t : threads) t.join();
    for (int n = 0; n < 3; ++n) {
      SCOPED_TRACE(absl::StrCat("round ", round, ", replica ", n));
      ASSERT_THAT(answers[n], IsOk());
      EXPECT_EQ(answers[n]->task_id(), answers[0]->task_id());
    }
  }
  absl::StatusOr<v1::ListVideoTasksResponse> listed = Client(0).List({});
  ASSERT_THAT(listed, IsOk());
  EXPECT_EQ(listed->tasks_size(), kRounds);
}

TEST_F(ReplicasTest, ACancelOnAnotherReplicaEndsTheTaskForEveryWatcher) {
  StartMock("3000");
  for (int n = 0; n < 3; ++n) StartReplica(n);
  absl::StatusOr<v1::VideoTask> created = Client(0).Create(Request("to-cancel"));
  ASSERT_THAT(created, IsOk());
  absl::StatusOr<v1::VideoTask> watched;
  std::thread watcher([&] {
    watched = Client(1).WatchToEnd(created->task_id(), std::nullopt,
                                   [](const v1::WatchVideoTaskResponse&) {});
  });
  absl::StatusOr<v1::VideoTask> cancelled = Client(2).Cancel(created->task_id());
  watcher.join();
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->state(), v1::TASK_STATE_CANCELLED);
  ASSERT_THAT(watched, IsOk());
  EXPECT_EQ(watched->state(), v1::TASK_STATE_CANCELLED);
  EXPECT_EQ(watched->sequence(), cancelled->sequence());
  EXPECT_EQ(Client(0).Get(created->task_id())->state(), v1::TASK_STATE_CANCELLED);
}

TEST_F(ReplicasTest, ACallbackThatReachesAnotherReplicaIsAppliedThereOnce) {
  StartMock("500");
  StartReplica(0, "callback");
  // Replica 1's tasks are called back at replica 0's receiver, as a load
  // balancer in front of the receivers may send them.
  StartReplica(1, "callback",
               {absl::StrCat("--callback_public_url=http://127.0.0.1:",
                             replicas_[0]->callback_port())});
  StartReplica(2, "callback");
  absl::StatusOr<v1::VideoTask> created = Client(1).Create(Request("called-back"));
  ASSERT_THAT(created, IsOk());
  // Watched on the creator, on the replica the callback reaches, and on
  // the third.
  std::vector<std::vector<uint64_t>> sequences(3);
  std::vector<absl::StatusOr<v1::VideoTask>> ended(3);
  std::vector<std::thread> watchers;
  for (int n = 0; n < 3; ++n) {
    watchers.emplace_back([&, n] {
      ended[n] = Client(n).WatchToEnd(created->task_id(), std::nullopt,
                                      [&, n](const v1::WatchVideoTaskResponse& m) {
                                        if (m.has_status()) {
                                          sequences[n].push_back(m.status().sequence());
                                        }
                                      });
    });
  }
  for (std::thread& t : watchers) t.join();
  for (int n = 0; n < 3; ++n) {
    SCOPED_TRACE(n);
    ASSERT_THAT(ended[n], IsOk());
    EXPECT_EQ(ended[n]->state(), v1::TASK_STATE_SUCCEEDED);
    EXPECT_FALSE(ended[n]->result().video_url().empty());
    for (size_t i = 1; i < sequences[n].size(); ++i) {
      EXPECT_EQ(sequences[n][i], sequences[n][i - 1] + 1);
    }
  }
  EXPECT_EQ(Submissions(), 1);
  ASSERT_THAT(mock_->WaitForJournal({{"kind", "callback"}, {"outcome", "delivered"}},
                                    absl::Seconds(10)),
              IsOk());
}

TEST_F(ReplicasTest, TheTasksInFlightLimitCountsEveryReplica) {
  StartMock("5000");
  StartReplica(0, "poll", {"--max_tasks_in_flight=2"});
  StartReplica(1, "poll", {"--max_tasks_in_flight=2"});
  ASSERT_THAT(Client(0).Create(Request("first")), IsOk());
  ASSERT_THAT(Client(0).Create(Request("second")), IsOk());
  // Replica 1 runs nothing itself, but the gateway as a whole is full.
  absl::StatusOr<v1::VideoTask> refused = Client(1).Create(Request("third"));
  EXPECT_THAT(refused, testing::StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(ReplicasTest, TheTasksOfAKilledReplicaAreTakenOverAndEndOnce) {
  StartMock("2500");
  StartReplica(0, "poll", {"--admin_listen=127.0.0.1:0"});
  StartReplica(1, "poll", {"--admin_listen=127.0.0.1:0"});
  constexpr int kTasks = 5;
  std::vector<std::string> ids;
  for (int i = 0; i < kTasks; ++i) {
    absl::StatusOr<v1::VideoTask> task = Client(0).Create(Request(absl::StrCat("r", i)));
    ASSERT_THAT(task, IsOk());
    ids.push_back(task->task_id());
  }
  // Killed once replica 0 has stored every upstream id: a kill before that
  // leaves an outcome unknown, which ends the task FAILED rather than risk
  // a second submission (crash_restart_test covers those).
  for (const std::string& id : ids) {
    absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (true) {
      absl::StatusOr<v1::VideoTask> task = Client(0).Get(id);
      ASSERT_THAT(task, IsOk());
      if (!task->upstream().task_id().empty()) break;
      ASSERT_LT(absl::Now(), deadline) << id << " got no upstream id";
      absl::SleepFor(absl::Milliseconds(20));  // polling a condition of another process
    }
  }
  // Watchers on replica 1 before the kill: they follow replica 0's work
  // through the store, then replica 1's own after the takeover.
  std::vector<std::vector<uint64_t>> sequences(kTasks);
  std::vector<absl::StatusOr<v1::VideoTask>> ended(kTasks);
  std::vector<absl::Time> ended_at(kTasks);
  std::vector<std::thread> watchers;
  for (int i = 0; i < kTasks; ++i) {
    watchers.emplace_back([&, i] {
      ended[i] = Client(1).WatchToEnd(ids[i], std::nullopt,
                                      [&, i](const v1::WatchVideoTaskResponse& m) {
                                        if (m.has_status()) {
                                          sequences[i].push_back(m.status().sequence());
                                        }
                                      });
      ended_at[i] = absl::Now();
    });
  }
  absl::Time killed = absl::Now();
  replicas_[0]->Kill();
  for (std::thread& t : watchers) t.join();
  absl::Duration slowest;
  for (int i = 0; i < kTasks; ++i) {
    SCOPED_TRACE(ids[i]);
    ASSERT_THAT(ended[i], IsOk());
    EXPECT_EQ(ended[i]->state(), v1::TASK_STATE_SUCCEEDED);
    for (size_t s = 1; s < sequences[i].size(); ++s) {
      EXPECT_EQ(sequences[i][s], sequences[i][s - 1] + 1);
    }
    slowest = std::max(slowest, ended_at[i] - killed);
  }
  // Each was sent upstream once: the takeover found the upstream ids stored
  // and went on polling.
  EXPECT_EQ(Submissions(), kTasks);
  // Replica 1's metrics say so: every task taken over, none lost, none held
  // now that all ended. (The figures are read on its task loop, which a
  // scrape waits for only briefly: scraped until they show, or 20 s.)
  testing::CurlClient http;
  std::string url = absl::StrCat("http://127.0.0.1:", replicas_[1]->admin_port(), "/metrics");
  std::string text;
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  do {
    text = http.Perform({.url = url}).body;
    if (testing::SampleValue(text, "seedance_gateway_lease_takeovers_total") == kTasks &&
        testing::SampleValue(text, "seedance_gateway_leases_held") == 0) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));  // polling another process's state
  } while (absl::Now() < deadline);
  EXPECT_EQ(testing::SampleValue(text, "seedance_gateway_lease_takeovers_total"), kTasks) << text;
  EXPECT_EQ(testing::SampleValue(text, "seedance_gateway_leases_lost_total"), 0) << text;
  EXPECT_EQ(testing::SampleValue(text, "seedance_gateway_leases_held"), 0) << text;
  std::string figures = absl::StrFormat("tasks=%d, all ended %s after the kill (lease_ttl=2s)",
                                        kTasks, absl::FormatDuration(slowest));
  std::cout << "replicas: " << figures << std::endl;
  RecordProperty("figures", figures);
}

}  // namespace
}  // namespace seedance
