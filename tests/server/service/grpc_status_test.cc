#include "server/service/grpc_status.h"

#include "gmock/gmock.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::service {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

TEST(GrpcStatusTest, CodeMessageAndDetailsCrossTheEdge) {
  absl::Status s = upstream_api::InvalidArgumentWithViolations(
      {{"spec.duration_seconds", "must be from 2 to 12 seconds, got 13", "OUT_OF_RANGE"}});
  s = upstream_api::WithErrorInfo(std::move(s), "BAD_SPEC", "gateway.seedance", {{"k", "v"}});
  s = upstream_api::WithRetryDelay(std::move(s), absl::Milliseconds(1500));
  grpc::Status g = ToGrpcStatus(s);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(g.error_message(), std::string(s.message()));

  // What any gRPC client sees in grpc-status-details-bin.
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(g.error_details()));
  EXPECT_EQ(rpc.code(), 3);
  ASSERT_EQ(rpc.details_size(), 3);

  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(upstream_api::ViolationsFromStatus(back),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.duration_seconds")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(back)->reason(), "BAD_SPEC");
  EXPECT_EQ(upstream_api::RetryDelayOf(back), absl::Milliseconds(1500));
}

TEST(GrpcStatusTest, OkAndPlainStatuses) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("no task x"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(g.error_details()));
  EXPECT_EQ(rpc.details_size(), 0);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")).code(),
            absl::StatusCode::kUnavailable);
}

TEST(GrpcStatusTest, InternalPayloadsDoNotLeakToClients) {
  absl::Status s = absl::UnavailableError("x");
  s.SetPayload("type.seedance.dev/seedance.server.RequestNeverSent", absl::Cord("1"));
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(ToGrpcStatus(s).error_details()));
  EXPECT_EQ(rpc.details_size(), 0);
}

}  // namespace
}  // namespace seedance::server::service
