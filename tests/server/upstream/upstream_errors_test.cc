#include "server/upstream/upstream_errors.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::upstream {
namespace {

using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

http::curl::HttpReply Reply(int status, const std::string& code, const std::string& retry_after = "") {
  http::curl::HttpReply r;
  r.status = status;
  if (!code.empty()) {
    r.body = R"({"success": false, "error": {"code": ")" + code +
             R"(", "message": "upstream says no"}, "trace_id": "t-1"})";
  }
  if (!retry_after.empty()) r.headers.push_back({"retry-after", retry_after});
  return r;
}

// The documented error table, row by row, for both kinds of call.
TEST(UpstreamErrorsTest, DocumentedErrorTableMapsToGrpcCodes) {
  struct Case {
    int http;
    const char* code;
    absl::StatusCode submit;
    absl::StatusCode retrieve;
  };
  const Case cases[] = {
      {400, "token_mismatched", absl::StatusCode::kPermissionDenied,
       absl::StatusCode::kPermissionDenied},
      {400, "api_not_implemented", absl::StatusCode::kInvalidArgument,
       absl::StatusCode::kInvalidArgument},
      {401, "invalid_token", absl::StatusCode::kUnauthenticated,
       absl::StatusCode::kUnauthenticated},
      {429, "too_many_requests", absl::StatusCode::kResourceExhausted,
       absl::StatusCode::kResourceExhausted},
      {500, "api_error", absl::StatusCode::kInternal, absl::StatusCode::kUnavailable},
      {502, "", absl::StatusCode::kInternal, absl::StatusCode::kUnavailable},
      {503, "", absl::StatusCode::kUnavailable, absl::StatusCode::kUnavailable},
      {404, "", absl::StatusCode::kNotFound, absl::StatusCode::kNotFound},
      {418, "", absl::StatusCode::kUnknown, absl::StatusCode::kUnknown},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.http, " ", c.code));
    absl::Status submit = MapUpstreamHttpError(Reply(c.http, c.code), CallKind::kSubmit,
                                               absl::UnixEpoch());
    absl::Status retrieve = MapUpstreamHttpError(Reply(c.http, c.code),
                                                 CallKind::kRetrieve, absl::UnixEpoch());
    EXPECT_EQ(submit.code(), c.submit);
    EXPECT_EQ(retrieve.code(), c.retrieve);
    std::optional<google::rpc::ErrorInfo> info = upstream_api::GetDetail<google::rpc::ErrorInfo>(submit);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->domain(), "upstream.seedance");
    EXPECT_EQ(info->metadata().at("http_status"), std::to_string(c.http));
    if (*c.code != '\0') {
      EXPECT_EQ(info->metadata().at("upstream_code"), c.code);
      EXPECT_EQ(info->metadata().at("trace_id"), "t-1");
      EXPECT_THAT(submit.message(), HasSubstr("upstream says no"));
    } else {
      EXPECT_EQ(info->reason(), absl::StrCat("UPSTREAM_HTTP_", c.http));
    }
  }
}

TEST(UpstreamErrorsTest, RateLimitCarriesRetryDelayAndIsSafeToResubmit) {
  absl::Status s = MapUpstreamHttpError(Reply(429, "too_many_requests", "12"),
                                        CallKind::kSubmit, absl::UnixEpoch());
  EXPECT_THAT(upstream_api::RetryDelayOf(s), Optional(absl::Seconds(12)));
  EXPECT_TRUE(SafeToResubmit(s));
  absl::Status no_header = MapUpstreamHttpError(Reply(429, "too_many_requests"),
                                                CallKind::kSubmit, absl::UnixEpoch());
  EXPECT_THAT(upstream_api::RetryDelayOf(no_header), Optional(absl::Seconds(1)));
}

TEST(UpstreamErrorsTest, ServerErrorsAreNotSafeToResubmit) {
  for (int http : {500, 502, 504, 400, 401}) {
    SCOPED_TRACE(http);
    EXPECT_FALSE(SafeToResubmit(
        MapUpstreamHttpError(Reply(http, ""), CallKind::kSubmit, absl::UnixEpoch())));
  }
  EXPECT_TRUE(SafeToResubmit(
      MapUpstreamHttpError(Reply(503, ""), CallKind::kSubmit, absl::UnixEpoch())));
  EXPECT_TRUE(SafeToResubmit(http::curl::MarkRequestNeverSent(absl::UnavailableError("refused"))));
  EXPECT_FALSE(SafeToResubmit(absl::UnavailableError("reset")));
}

TEST(UpstreamErrorsTest, NonJsonBodiesAreQuotedShortly) {
  http::curl::HttpReply html;
  html.status = 502;
  html.body = "<html><body>Bad Gateway</body></html>" + std::string(1000, ' ') + "tail";
  absl::Status s = MapUpstreamHttpError(html, CallKind::kRetrieve, absl::UnixEpoch());
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Bad Gateway")));
  EXPECT_LT(s.message().size(), 300u);
}

TEST(UpstreamErrorsTest, RetryAfterAcceptsSecondsAndHttpDates) {
  absl::Time now = absl::FromUnixSeconds(1766361600);  // 2025-12-22 00:00:00 UTC
  EXPECT_THAT(ParseRetryAfter("30", now), Optional(absl::Seconds(30)));
  EXPECT_THAT(ParseRetryAfter(" 0 ", now), Optional(absl::ZeroDuration()));
  EXPECT_THAT(ParseRetryAfter("Mon, 22 Dec 2025 00:01:00 GMT", now),
              Optional(absl::Seconds(60)));
  EXPECT_THAT(ParseRetryAfter("Sun, 21 Dec 2025 00:00:00 GMT", now),
              Optional(absl::ZeroDuration()));
  EXPECT_EQ(ParseRetryAfter("-5", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
}

}  // namespace
}  // namespace seedance::server::upstream
