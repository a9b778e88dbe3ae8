// DescribeStatus: a gateway error as a person reads it, details included.
#include "clients/cpp/status_text.h"

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::client {
namespace {

TEST(StatusTextTest, EveryDetailGetsALine) {
  absl::Status status = upstream_api::WithRetryDelay(
      upstream_api::WithErrorInfo(
          upstream_api::InvalidArgumentWithViolations(
              {{.field = "spec.duration_seconds", .description = "must be from 2 to 12 seconds"}}),
          "BAD_SPEC", "gateway.seedance", {{"trace_id", "t-1"}}),
      absl::Seconds(5));
  EXPECT_EQ(DescribeStatus(status),
            "INVALID_ARGUMENT: " + std::string(status.message()) + "\n"
            "  spec.duration_seconds: must be from 2 to 12 seconds\n"
            "  retry after 5s\n"
            "  reason: BAD_SPEC trace_id=t-1\n");
  EXPECT_EQ(DescribeRpcStatus(upstream_api::ToRpcStatus(status)), DescribeStatus(status));
}

TEST(StatusTextTest, OkIsNothingAndAPlainErrorIsOneLine) {
  EXPECT_EQ(DescribeStatus(absl::OkStatus()), "");
  EXPECT_EQ(DescribeStatus(absl::UnavailableError("gone")), "UNAVAILABLE: gone\n");
}

}  // namespace
}  // namespace seedance::client
