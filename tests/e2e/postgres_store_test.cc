// The gateway on a real PostgreSQL (--store=postgresql://...): its tasks are
// rows there, the password never reaches a log line, an unreachable
// database fails the start clearly, and a PostgreSQL that goes away while
// tasks run costs no acknowledged task. (Random SIGKILLs of the gateway on
// PostgreSQL: crash_restart_test.)
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "clients/cpp/gateway_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/file_bytes.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/stderr_capture.h"
#include "tests/testing/temp_dir.h"
#include "upstream_api/status_details.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToken[] = "token-postgres-e2e";
constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";

v1::CreateVideoTaskRequest Request(const std::string& request_id) {
  v1::CreateVideoTaskRequest r;
  r.mutable_spec()->set_model(kModel);
  r.mutable_spec()->set_prompt("A lighthouse in a storm");
  r.set_request_id(request_id);
  return r;
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  void StartMock(const std::string& generation_ms) {
    auto mock = testing::MockUpstreamProcess::Start(
        {"--queue_ms=30", "--generation_ms=" + generation_ms, "--log_level=warning"});
    ASSERT_THAT(mock, IsOk());
    mock_ = *std::move(mock);
  }

  std::vector<std::string> GatewayFlags(const std::string& store_uri) {
    return {"--upstream_base_url=" + mock_->base_url(), "--delivery=poll",
            "--poll_initial=50ms", "--poll_max=100ms", "--store=" + store_uri};
  }

  client::GatewayClient Client(const testing::GatewayProcess& gateway) {
    client::GatewayClientOptions options;
    options.reconnect_delay = absl::Milliseconds(100);
    return client::GatewayClient(
        grpc::CreateChannel(gateway.address(), grpc::InsecureChannelCredentials()), kToken,
        options);
  }

  // GET /readyz on the gateway's admin port: its status, 0 on no answer.
  long Readiness(const testing::GatewayProcess& gateway) {
    return testing::CurlClient()
        .Perform({.url = absl::StrCat("http://127.0.0.1:", gateway.admin_port(), "/readyz")})
        .status;
  }

  // Waits until /readyz answers `status` and gRPC health says `serving`
  // (the gateway probes its store every second); false after 20 s.
  bool WaitForReadiness(const testing::GatewayProcess& gateway, client::GatewayClient& client,
                        long status, grpc::health::v1::HealthCheckResponse::ServingStatus serving) {
    absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (absl::Now() < deadline) {
      auto health = client.CheckHealth("seedance.v1.VideoGateway");
      if (Readiness(gateway) == status && health.ok() && *health == serving) return true;
      absl::SleepFor(absl::Milliseconds(50));  // polling another process's state
    }
    return false;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
};

TEST_F(PostgresStoreTest, TasksAreRowsInPostgresAndThePasswordIsNeverLogged) {
  testing::PostgresServer& pg = testing::PostgresServer::Shared();
  absl::StatusOr<std::string> uri = pg.CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  ASSERT_THAT(*uri, HasSubstr(pg.password()));
  StartMock("100");
  std::string log = dir_.path() + "/gateway.log";
  std::unique_ptr<testing::GatewayProcess> gateway;
  {
    testing::StderrToFile capture(log);
    std::vector<std::string> flags = GatewayFlags(*uri);
    flags.push_back("--log_level=debug");
    auto started = testing::GatewayProcess::Start(flags, dir_.path() + "/data");
    ASSERT_THAT(started, IsOk());
    gateway = *std::move(started);
  }
  int events = 0;
  absl::StatusOr<v1::VideoTask> task = Client(*gateway).CreateAndWatch(
      Request("r1"), [&](const v1::WatchVideoTaskResponse& m) { events += m.has_status(); });
  ASSERT_THAT(task, IsOk());
  EXPECT_EQ(task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(testing::QueryOne(*uri, "SELECT count(*) FROM seedance_tasks"),
              testing::IsOkAndHolds("1"));
  EXPECT_THAT(testing::QueryOne(*uri, "SELECT count(*) FROM seedance_task_events"),
              testing::IsOkAndHolds(absl::StrCat(events)));
  ASSERT_THAT(gateway->Terminate(), testing::IsOkAndHolds(0));

  std::string logged = testing::ReadFileBytes(log);
  EXPECT_THAT(logged, HasSubstr(absl::StrCat("postgres host=127.0.0.1 port=", pg.port())));
  EXPECT_THAT(logged, Not(HasSubstr(pg.password())));
}

TEST_F(PostgresStoreTest, AnUnreachableDatabaseFailsTheStartWithoutQuotingThePassword) {
  testing::CommandResult run = testing::RunToExit(
      testing::GatewayBinary(),
      {"--listen=127.0.0.1:0", "--data_dir=" + dir_.path() + "/data",
       "--store=postgresql://gw:pw-canary-5d1e@127.0.0.1:1/tasks"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.output, HasSubstr("cannot connect to PostgreSQL"));
  EXPECT_THAT(run.output, HasSubstr("host=127.0.0.1 port=1 dbname=tasks user=gw"));
  EXPECT_THAT(run.output, Not(HasSubstr("pw-canary-5d1e")));
}

TEST_F(PostgresStoreTest, APostgresOutageLosesNoAcknowledgedTask) {
  absl::StatusOr<std::unique_ptr<testing::PostgresServer>> pg = testing::PostgresServer::Start();
  ASSERT_THAT(pg, IsOk());
  absl::StatusOr<std::string> uri = (*pg)->CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  // Long enough that the tasks are still running when the database goes.
  StartMock("1500");
  std::vector<std::string> flags = GatewayFlags(*uri);
  flags.push_back("--admin_listen=127.0.0.1:0");
  auto gateway = testing::GatewayProcess::Start(flags, dir_.path() + "/data");
  ASSERT_THAT(gateway, IsOk());
  client::GatewayClient client = Client(**gateway);
  using Serving = grpc::health::v1::HealthCheckResponse;
  EXPECT_TRUE(WaitForReadiness(**gateway, client, 200, Serving::SERVING));

  constexpr int kTasks = 4;
  std::vector<std::string> ids;
  for (int i = 0; i < kTasks; ++i) {
    absl::StatusOr<v1::VideoTask> task = client.Create(Request(absl::StrCat("r", i)));
    ASSERT_THAT(task, IsOk());
    ids.push_back(task->task_id());
  }
  ASSERT_THAT(mock_->WaitForJournal({{"kind", "task"}, {"status", "queued"}}, absl::Seconds(20),
                                    kTasks),
              IsOk());

  ASSERT_THAT((*pg)->Stop(), IsOk());
  // Not ready, and NOT_SERVING for a balancer's health check, while the
  // database is away; alive all the same.
  EXPECT_TRUE(WaitForReadiness(**gateway, client, 503, Serving::NOT_SERVING));
  // Why is in the log: the answer names neither the database's address
  // nor its user to whoever can reach the admin port.
  std::string not_ready =
      testing::CurlClient()
          .Perform({.url = absl::StrCat("http://127.0.0.1:", (*gateway)->admin_port(),
                                        "/readyz")})
          .body;
  EXPECT_THAT(not_ready, HasSubstr("the task store is unreachable"));
  EXPECT_THAT(not_ready, Not(HasSubstr(absl::StrCat((*pg)->port()))));
  EXPECT_THAT(not_ready, Not(HasSubstr((*pg)->user())));
  EXPECT_EQ(testing::CurlClient()
                .Perform({.url = absl::StrCat("http://127.0.0.1:", (*gateway)->admin_port(),
                                              "/healthz")})
                .status,
            200);
  // The upstream finishes every task while the database is away; the
  // gateway's progress on them waits (its writes are held) instead of being
  // lost.
  ASSERT_THAT(mock_->WaitForJournal({{"kind", "task"}, {"status", "succeeded"}},
                                    absl::Seconds(20), kTasks),
              IsOk());
  // A new task cannot be made durable, so it is refused, retryably.
  absl::StatusOr<v1::VideoTask> refused = client.Create(Request("during-outage"));
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(upstream_api::RetryDelayOf(refused.status()), absl::Seconds(1));
  // Reads fail the same way, retryably.
  absl::StatusOr<v1::VideoTask> read = client.Get(ids[0]);
  EXPECT_THAT(read, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(upstream_api::RetryDelayOf(read.status()), absl::Seconds(1));

  ASSERT_THAT((*pg)->Restart(), IsOk());
  EXPECT_TRUE(WaitForReadiness(**gateway, client, 200, Serving::SERVING));
  for (const std::string& id : ids) {
    absl::StatusOr<v1::VideoTask> done = client.WatchToEnd(id, std::nullopt, [](const v1::WatchVideoTaskResponse&) {});
    ASSERT_THAT(done, IsOk()) << id;
    EXPECT_EQ(done->state(), v1::TASK_STATE_SUCCEEDED) << id;
  }
  // Each was sent upstream once; the refused one never.
  EXPECT_THAT(mock_->JournalCount({{"kind", "request"}, {"path", "/v1/seedance/videos"}}),
              testing::IsOkAndHolds(kTasks));
  EXPECT_THAT(client.Create(Request("after-outage")), IsOk());
}

}  // namespace
}  // namespace seedance
