// The interceptor on a real in-process gRPC server (gRPC's own health
// service as the service under test), read back from the exposition.
#include "server/metrics/grpc_server_metrics.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "gtest/gtest.h"
#include "server/metrics/exposition.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::server::metrics {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::SampleValue;

// grpc.health.v1.HealthCheckRequest{service = `service`}, serialised by hand
// (field 1, length-delimited): the test needs no generated health stubs.
grpc::ByteBuffer HealthRequest(const std::string& service) {
  std::string bytes;
  if (!service.empty()) {
    bytes.push_back(0x0a);
    bytes.push_back(static_cast<char>(service.size()));
    bytes += service;
  }
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Answers every method the server does not know: UNIMPLEMENTED (a server
// needs one service of its own beside the health service).
class RefusingService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    class Refuse : public grpc::ServerGenericBidiReactor {
     public:
      Refuse() { Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no such method")); }
      void OnDone() override { delete this; }
    };
    return new Refuse;
  }
};

class GrpcServerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterCallbackGenericService(&refusing_);
    builder.experimental().SetInterceptorCreators(metrics_.InterceptorCreators());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    server_->GetHealthCheckService()->SetServingStatus("known", true);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::StatusCode Call(const std::string& method, const std::string& service) {
    grpc::GenericStub stub(channel_);
    grpc::ClientContext context;
    grpc::ByteBuffer request = HealthRequest(service), response;
    absl::Notification done;
    grpc::Status status;
    stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     status = std::move(s);
                     done.Notify();
                   });
    done.WaitForNotification();
    return status.error_code();
  }

  prometheus::Registry registry_;
  GrpcServerMetrics metrics_{registry_, SystemClock::Get()};
  RefusingService refusing_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

constexpr char kCheck[] = R"(grpc_method="Check",grpc_service="grpc.health.v1.Health",grpc_type="unary")";

TEST_F(GrpcServerMetricsTest, CountsStartsOutcomesMessagesAndLatency) {
  EXPECT_EQ(Call("/grpc.health.v1.Health/Check", "known"), grpc::StatusCode::OK);
  EXPECT_EQ(Call("/grpc.health.v1.Health/Check", "known"), grpc::StatusCode::OK);
  EXPECT_EQ(Call("/grpc.health.v1.Health/Check", "unknown-service"),
            grpc::StatusCode::NOT_FOUND);
  std::string text = TextExposition(registry_);
  SCOPED_TRACE(text);
  EXPECT_EQ(SampleValue(text, absl::StrCat("grpc_server_started_total{", kCheck, "}")), 3);
  EXPECT_EQ(SampleValue(text, absl::StrCat(R"(grpc_server_handled_total{grpc_code="OK",)", kCheck,
                                           "}")),
            2);
  EXPECT_EQ(SampleValue(text, absl::StrCat(R"(grpc_server_handled_total{grpc_code="NotFound",)",
                                           kCheck, "}")),
            1);
  EXPECT_EQ(SampleValue(text, absl::StrCat("grpc_server_msg_received_total{", kCheck, "}")), 3);
  // A NOT_FOUND answer carries no message.
  EXPECT_EQ(SampleValue(text, absl::StrCat("grpc_server_msg_sent_total{", kCheck, "}")), 2);
  EXPECT_EQ(SampleValue(text, absl::StrCat("grpc_server_handling_seconds_count{", kCheck, "}")),
            3);
  EXPECT_EQ(SampleValue(text, absl::StrCat("grpc_server_handling_seconds_bucket{", kCheck,
                                           R"(,le="+Inf"})")),
            3);
}

TEST_F(GrpcServerMetricsTest, MadeUpMethodsDoNotBecomeLabels) {
  EXPECT_EQ(Call("/grpc.health.v1.Health/task-0123456789", ""), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(Call("/attacker.Secret/token-abc", ""), grpc::StatusCode::UNIMPLEMENTED);
  std::string text = TextExposition(registry_);
  EXPECT_EQ(text.find("task-0123456789"), std::string::npos) << text;
  EXPECT_EQ(text.find("token-abc"), std::string::npos) << text;
  EXPECT_EQ(text.find("attacker"), std::string::npos) << text;
}

TEST_F(GrpcServerMetricsTest, TheExpositionPassesPromtool) {
  RegisterBuildInfo(registry_, "1.2.3");
  EXPECT_EQ(Call("/grpc.health.v1.Health/Check", "known"), grpc::StatusCode::OK);
  std::string text = TextExposition(registry_);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_build_info{version="1.2.3"})"), 1);
  testing::TempDir dir;
  EXPECT_THAT(testing::PromtoolCheck(text, dir.path() + "/metrics.txt"), IsOk()) << text;
}

}  // namespace
}  // namespace seedance::server::metrics
