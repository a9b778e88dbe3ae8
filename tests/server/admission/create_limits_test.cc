// CreateLimits: each limit's refusal (code, reason, RetryInfo), and which
// creates take a token.
#include "server/admission/create_limits.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::admission {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;

std::string ReasonOf(const absl::Status& status) {
  auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "";
}

TEST(CreateLimitsTest, ACreateAtCapacityIsRefusedAndTakesNoToken) {
  testing::FakeClock clock;
  CreateLimits limits(clock, {.max_tasks_in_flight = 2,
                              .busy_retry_delay = absl::Seconds(5),
                              .caller_create_rate = 1,
                              .caller_create_burst = 1});
  absl::Status full = limits.AdmitCreate("alice", 2);
  EXPECT_THAT(full, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(ReasonOf(full), "TOO_MANY_TASKS_IN_FLIGHT");
  EXPECT_EQ(upstream_api::RetryDelayOf(full), absl::Seconds(5));
  // The refusal took no token: the caller's one token is still there.
  EXPECT_THAT(limits.AdmitCreate("alice", 1), IsOk());
  absl::Status limited = limits.AdmitCreate("alice", 1);
  EXPECT_EQ(ReasonOf(limited), "CALLER_CREATE_RATE_LIMITED");
  EXPECT_EQ(upstream_api::RetryDelayOf(limited), absl::Seconds(1));
  EXPECT_THAT(limits.AdmitCreate("bob", 1), IsOk());  // per caller
}

TEST(CreateLimitsTest, UrlChecksArePerCallerAndFreedWhenAnswered) {
  testing::FakeClock clock;
  CreateLimits limits(clock, {.max_url_checks_per_caller = 2});
  EXPECT_THAT(limits.BeginUrlCheck("alice"), IsOk());
  EXPECT_THAT(limits.BeginUrlCheck("alice"), IsOk());
  absl::Status busy = limits.BeginUrlCheck("alice");
  EXPECT_EQ(ReasonOf(busy), "CALLER_URL_CHECKS_PENDING");
  EXPECT_EQ(upstream_api::RetryDelayOf(busy), absl::Seconds(1));
  EXPECT_THAT(limits.BeginUrlCheck("bob"), IsOk());
  limits.EndUrlCheck("alice");
  EXPECT_THAT(limits.BeginUrlCheck("alice"), IsOk());
}

TEST(CreateLimitsTest, ZeroMeansNoLimit) {
  testing::FakeClock clock;
  CreateLimits limits(clock, {.max_tasks_in_flight = 1, .max_url_checks_per_caller = 0});
  for (int i = 0; i < 100; ++i) {
    ASSERT_THAT(limits.BeginUrlCheck("alice"), IsOk());
    ASSERT_THAT(limits.AdmitCreate("alice", 0), IsOk());  // no create rate set
  }
}

}  // namespace
}  // namespace seedance::server::admission
