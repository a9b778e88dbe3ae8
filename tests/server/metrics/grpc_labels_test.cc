#include "server/metrics/grpc_labels.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "seedance/v1/video_gateway.grpc.pb.h"

namespace seedance::server::metrics {
namespace {

using Type = grpc::experimental::ServerRpcInfo::Type;

TEST(GrpcLabelsTest, TypesAreNamedAsGoGrpcPrometheusNamesThem) {
  EXPECT_EQ(GrpcTypeLabel(Type::UNARY), "unary");
  EXPECT_EQ(GrpcTypeLabel(Type::CLIENT_STREAMING), "client_stream");
  EXPECT_EQ(GrpcTypeLabel(Type::SERVER_STREAMING), "server_stream");
  EXPECT_EQ(GrpcTypeLabel(Type::BIDI_STREAMING), "bidi_stream");
}

TEST(GrpcLabelsTest, CodesAreGoCodeNames) {
  struct Case {
    grpc::StatusCode code;
    std::string label;
  };
  const std::vector<Case> cases = {
      {grpc::StatusCode::OK, "OK"},
      {grpc::StatusCode::CANCELLED, "Canceled"},
      {grpc::StatusCode::UNKNOWN, "Unknown"},
      {grpc::StatusCode::INVALID_ARGUMENT, "InvalidArgument"},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "DeadlineExceeded"},
      {grpc::StatusCode::NOT_FOUND, "NotFound"},
      {grpc::StatusCode::ALREADY_EXISTS, "AlreadyExists"},
      {grpc::StatusCode::PERMISSION_DENIED, "PermissionDenied"},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, "ResourceExhausted"},
      {grpc::StatusCode::FAILED_PRECONDITION, "FailedPrecondition"},
      {grpc::StatusCode::ABORTED, "Aborted"},
      {grpc::StatusCode::OUT_OF_RANGE, "OutOfRange"},
      {grpc::StatusCode::UNIMPLEMENTED, "Unimplemented"},
      {grpc::StatusCode::INTERNAL, "Internal"},
      {grpc::StatusCode::UNAVAILABLE, "Unavailable"},
      {grpc::StatusCode::DATA_LOSS, "DataLoss"},
      {grpc::StatusCode::UNAUTHENTICATED, "Unauthenticated"},
      {static_cast<grpc::StatusCode>(99), "Unknown"},
  };
  for (const Case& c : cases) EXPECT_EQ(GrpcCodeLabel(c.code), c.label) << c.code;
}

TEST(GrpcLabelsTest, OnlyMethodsTheProcessKnowsGetTheirNames) {
  // Links the gateway's descriptors in, as the gateway binary has them.
  ASSERT_NE(v1::CreateVideoTaskRequest::descriptor()->file()->FindServiceByName("VideoGateway"),
            nullptr);
  struct Case {
    std::string path;
    std::string service;
    std::string method;
  };
  const std::vector<Case> cases = {
      {"/seedance.v1.VideoGateway/CreateVideoTask", "seedance.v1.VideoGateway",
       "CreateVideoTask"},
      {"/seedance.v1.VideoGateway/WatchVideoTask", "seedance.v1.VideoGateway", "WatchVideoTask"},
      {"/grpc.health.v1.Health/Check", "grpc.health.v1.Health", "Check"},
      {"/grpc.health.v1.Health/Watch", "grpc.health.v1.Health", "Watch"},
      // Made up by a caller: the label set must not grow with them.
      {"/seedance.v1.VideoGateway/NoSuchMethod", "unknown", "unknown"},
      {"/attacker.Service/task-12345", "unknown", "unknown"},
      {"/grpc.health.v1.Health/Other", "unknown", "unknown"},
      {"no-slash", "unknown", "unknown"},
      {"/only-service", "unknown", "unknown"},
      {"/svc/", "unknown", "unknown"},
      {"", "unknown", "unknown"},
  };
  for (const Case& c : cases) {
    MethodLabels labels = LabelsOfPath(c.path);
    EXPECT_EQ(labels.service, c.service) << c.path;
    EXPECT_EQ(labels.method, c.method) << c.path;
  }
}

}  // namespace
}  // namespace seedance::server::metrics
