// CallerRateLimit: the per-caller token buckets, on a fake clock (the create
// limit inside TaskManager is tests/server/core/task_manager_rate_limit_test.cc).
#include "server/admission/caller_rate_limit.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/model/gateway_errors.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::admission {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

CallerRateLimit::Options Creates(double per_second, double burst) {
  return {.per_second = per_second,
          .burst = burst,
          .reason = "CALLER_CREATE_RATE_LIMITED",
          .what = "task creations"};
}

TEST(CallerRateLimitTest, RefusalSaysWhichLimitAndWhenToRetry) {
  testing::FakeClock clock;
  CallerRateLimit limit(clock, Creates(2, 3));
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limit.Admit("owner-a"), IsOk());
  absl::Status refused = limit.Admit("owner-a");
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("too many task creations from this caller")));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("2 per second (bursts of 3)"));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("retry after 500ms"));
  std::optional<google::rpc::ErrorInfo> info = upstream_api::GetDetail<google::rpc::ErrorInfo>(refused);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "CALLER_CREATE_RATE_LIMITED");
  EXPECT_EQ(info->domain(), model::kGatewayErrorDomain);
  EXPECT_EQ(info->metadata().at("per_second"), "2");
  EXPECT_EQ(info->metadata().at("burst"), "3");
  // RetryInfo: exactly until the next token.
  EXPECT_EQ(upstream_api::RetryDelayOf(refused), absl::Milliseconds(500));
  clock.Advance(absl::Milliseconds(499));
  EXPECT_THAT(limit.Admit("owner-a"), StatusIs(absl::StatusCode::kResourceExhausted));
  clock.Advance(absl::Milliseconds(1));
  EXPECT_THAT(limit.Admit("owner-a"), IsOk());
}

TEST(CallerRateLimitTest, RetryDelayIsRoundedUpToWholeMilliseconds) {
  testing::FakeClock clock;
  CallerRateLimit limit(clock, Creates(3, 1));
  EXPECT_THAT(limit.Admit("a"), IsOk());
  absl::Status refused = limit.Admit("a");
  EXPECT_EQ(upstream_api::RetryDelayOf(refused), absl::Milliseconds(334));  // 1/3 s, rounded up
  clock.Advance(absl::Milliseconds(334));
  EXPECT_THAT(limit.Admit("a"), IsOk());
}

TEST(CallerRateLimitTest, RefusedCallsTakeNoToken) {
  testing::FakeClock clock;
  CallerRateLimit limit(clock, Creates(1, 1));
  EXPECT_THAT(limit.Admit("a"), IsOk());
  // Hammering while refused does not push the next token further away.
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(limit.Admit("a").ok());
  clock.Advance(absl::Seconds(1));
  EXPECT_THAT(limit.Admit("a"), IsOk());
}

TEST(CallerRateLimitTest, CallersAreLimitedSeparately) {
  testing::FakeClock clock;
  CallerRateLimit limit(clock, Creates(1, 1));
  EXPECT_THAT(limit.Admit("a"), IsOk());
  EXPECT_FALSE(limit.Admit("a").ok());
  EXPECT_THAT(limit.Admit("b"), IsOk());
}

TEST(CallerRateLimitTest, ZeroRateIsOffAndTracksNobody) {
  testing::FakeClock clock;
  CallerRateLimit limit(clock, Creates(0, 1));
  EXPECT_FALSE(limit.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_THAT(limit.Admit(absl::StrCat("c", i)), IsOk());
  EXPECT_EQ(limit.tracked_callers(), 0u);
}

TEST(CallerRateLimitTest, CallersCyclingCredentialsCannotGrowMemory) {
  testing::FakeClock clock;
  CallerRateLimit::Options options = Creates(0.001, 1);  // buckets never refill
  options.max_callers = 1000;
  CallerRateLimit limit(clock, options);
  for (int i = 0; i < 50000; ++i) {
    ASSERT_THAT(limit.Admit(absl::StrCat("owner-", i)), IsOk());
    ASSERT_LE(limit.tracked_callers(), 1000u);
  }
}

}  // namespace
}  // namespace seedance::server::admission
