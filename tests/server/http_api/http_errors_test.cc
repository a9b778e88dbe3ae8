// Errors over HTTP: Google's HTTP status for each gRPC code, the
// google.rpc.Status JSON with its details, Retry-After from a RetryInfo.
#include "server/http_api/http_errors.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/json_value.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::http_api {
namespace {

using ::testing::HasSubstr;

TEST(HttpStatusOfTest, FollowsGooglesMapping) {
  struct Case {
    absl::StatusCode code;
    int http;
  };
  for (const Case& c : std::vector<Case>{{absl::StatusCode::kOk, 200},
                                         {absl::StatusCode::kCancelled, 499},
                                         {absl::StatusCode::kUnknown, 500},
                                         {absl::StatusCode::kInvalidArgument, 400},
                                         {absl::StatusCode::kDeadlineExceeded, 504},
                                         {absl::StatusCode::kNotFound, 404},
                                         {absl::StatusCode::kAlreadyExists, 409},
                                         {absl::StatusCode::kPermissionDenied, 403},
                                         {absl::StatusCode::kUnauthenticated, 401},
                                         {absl::StatusCode::kResourceExhausted, 429},
                                         {absl::StatusCode::kFailedPrecondition, 400},
                                         {absl::StatusCode::kAborted, 409},
                                         {absl::StatusCode::kOutOfRange, 400},
                                         {absl::StatusCode::kUnimplemented, 501},
                                         {absl::StatusCode::kInternal, 500},
                                         {absl::StatusCode::kUnavailable, 503},
                                         {absl::StatusCode::kDataLoss, 500}}) {
    SCOPED_TRACE(absl::StatusCodeToString(c.code));
    EXPECT_EQ(HttpStatusOf(c.code), c.http);
  }
}

TEST(ErrorResponseTest, IsTheStatusAsJsonWithItsDetails) {
  absl::Status refused = upstream_api::InvalidArgumentWithViolations(
      {{"spec.duration_seconds", "must be from 2 to 12", "OUT_OF_RANGE"}});
  http::Response r = ErrorResponse(refused);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(*r.FindHeader("Content-Type"), "application/json");
  EXPECT_EQ(r.FindHeader("Retry-After"), nullptr);
  absl::StatusOr<google::protobuf::Value> json = testing::ParseJsonValue(r.body);
  ASSERT_TRUE(json.ok()) << r.body;
  ASSERT_NE(testing::JsonAt(*json, "code"), nullptr);
  EXPECT_EQ(testing::JsonAt(*json, "code")->number_value(), 3);
  EXPECT_THAT(r.body, HasSubstr("\"@type\":\"type.googleapis.com/google.rpc.BadRequest\""));
  EXPECT_THAT(r.body, HasSubstr("\"field\":\"spec.duration_seconds\""));
}

TEST(ErrorResponseTest, ARetryDelayBecomesRetryAfterInWholeSeconds) {
  absl::Status limited = upstream_api::WithRetryDelay(
      upstream_api::WithErrorInfo(absl::ResourceExhaustedError("slow down"), "RATE", "d"),
      absl::Milliseconds(1500));
  http::Response r = ErrorResponse(limited);
  EXPECT_EQ(r.status, 429);
  ASSERT_NE(r.FindHeader("Retry-After"), nullptr);
  EXPECT_EQ(*r.FindHeader("Retry-After"), "2");
  EXPECT_THAT(r.body, HasSubstr("\"retryDelay\":\"1.500s\""));
  EXPECT_THAT(r.body, HasSubstr("\"reason\":\"RATE\""));
}

}  // namespace
}  // namespace seedance::server::http_api
