#include "mock_upstream/rate_limiter.h"

#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"

namespace seedance::mock_upstream {
namespace {

TEST(RateLimiterTest, BurstThenRefillAtTheRate) {
  testing::FakeClock clock;
  RateLimiter limiter(clock);
  EXPECT_EQ(limiter.TryAcquire("a", 2, 2), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("a", 2, 2), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("a", 2, 2), absl::Milliseconds(500));
  clock.Advance(absl::Milliseconds(500));
  EXPECT_EQ(limiter.TryAcquire("a", 2, 2), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("a", 2, 2), absl::ZeroDuration());
}

TEST(RateLimiterTest, KeysHaveTheirOwnBuckets) {
  testing::FakeClock clock;
  RateLimiter limiter(clock);
  EXPECT_EQ(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("b", 1, 1), absl::ZeroDuration());
}

TEST(RateLimiterTest, ZeroRateMeansNoLimitAndResetRefills) {
  testing::FakeClock clock;
  RateLimiter limiter(clock);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.TryAcquire("a", 0, 1), absl::ZeroDuration());
  EXPECT_EQ(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
  limiter.Reset();
  EXPECT_EQ(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
}

}  // namespace
}  // namespace seedance::mock_upstream
