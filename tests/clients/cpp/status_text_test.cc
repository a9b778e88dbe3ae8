// DescribeStatus: a gateway error as a person reads it, details included,
// each said once.
#include "clients/cpp/status_text.h"

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::client {
namespace {

absl::Status WithBadField(absl::Status status) {
  google::rpc::BadRequest bad;
  google::rpc::BadRequest::FieldViolation* v = bad.add_field_violations();
  v->set_field("spec.duration_seconds");
  v->set_description("must be from 2 to 12 seconds");
  return upstream_api::WithDetail(std::move(status), bad);
}

TEST(StatusTextTest, EveryDetailGetsALine) {
  absl::Status status = upstream_api::WithRetryDelay(
      upstream_api::WithErrorInfo(WithBadField(absl::InvalidArgumentError("invalid request")),
                                  "BAD_SPEC", "gateway.seedance", {{"trace_id", "t-1"}}),
      absl::Seconds(5));
  EXPECT_EQ(DescribeStatus(status),
            "INVALID_ARGUMENT: invalid request\n"
            "  spec.duration_seconds: must be from 2 to 12 seconds\n"
            "  retry after 5s\n"
            "  reason: BAD_SPEC trace_id=t-1\n");
  EXPECT_EQ(DescribeRpcStatus(upstream_api::ToRpcStatus(status)), DescribeStatus(status));
}

TEST(StatusTextTest, AViolationTheMessageAlreadyNamesIsNotRepeated) {
  absl::Status status = upstream_api::InvalidArgumentWithViolations(
      {{.field = "spec.duration_seconds", .description = "must be from 2 to 12 seconds"}});
  EXPECT_EQ(DescribeStatus(status), "INVALID_ARGUMENT: " + std::string(status.message()) + "\n");
}

TEST(StatusTextTest, OkIsNothingAndAPlainErrorIsOneLine) {
  EXPECT_EQ(DescribeStatus(absl::OkStatus()), "");
  EXPECT_EQ(DescribeStatus(absl::UnavailableError("gone")), "UNAVAILABLE: gone\n");
}

}  // namespace
}  // namespace seedance::client
