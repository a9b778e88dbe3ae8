#include "base/rate_limiter.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"

namespace seedance {
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
  EXPECT_EQ(limiter.size(), 0u);  // no limit, no bucket
  EXPECT_EQ(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
  EXPECT_GT(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
  limiter.Reset();
  EXPECT_EQ(limiter.TryAcquire("a", 1, 1), absl::ZeroDuration());
}

TEST(RateLimiterTest, FullBucketsAreDroppedOnTheSweep) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, {.max_keys = 1000, .sweep_interval = absl::Seconds(10)});
  for (int i = 0; i < 100; ++i) limiter.TryAcquire(absl::StrCat("key-", i), 1, 5);
  EXPECT_EQ(limiter.size(), 100u);
  // After the sweep interval every bucket has refilled: the next call sweeps.
  clock.Advance(absl::Seconds(10));
  limiter.TryAcquire("other", 1, 5);
  EXPECT_EQ(limiter.size(), 1u);
}

TEST(RateLimiterTest, ASweepKeepsBucketsThatAreNotFull) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, {.max_keys = 1000, .sweep_interval = absl::Seconds(1)});
  // 'slow' refills at 0.01/s: after the sweep interval it is still short.
  for (int i = 0; i < 3; ++i) limiter.TryAcquire("slow", 0.01, 3);
  limiter.TryAcquire("fast", 100, 3);
  clock.Advance(absl::Seconds(1));
  limiter.TryAcquire("new", 100, 3);
  EXPECT_EQ(limiter.size(), 2u);  // slow and new
  EXPECT_GT(limiter.TryAcquire("slow", 0.01, 3), absl::ZeroDuration());  // still limited
}

TEST(RateLimiterTest, KeyCyclingCannotGrowTheMapPastMaxKeys) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, {.max_keys = 64, .sweep_interval = absl::Hours(1)});
  // An attacker with a new key per request, faster than any bucket refills:
  // no bucket is ever full, so only the size cap holds the map down.
  for (int i = 0; i < 100000; ++i) {
    EXPECT_EQ(limiter.TryAcquire(absl::StrCat("attacker-", i), 0.001, 1),
              absl::ZeroDuration());
    ASSERT_LE(limiter.size(), 64u);
  }
}

TEST(RateLimiterTest, TheCapDropsTheLeastRecentlyUsedBuckets) {
  testing::FakeClock clock;
  RateLimiter limiter(clock, {.max_keys = 4, .sweep_interval = absl::Hours(1)});
  // "busy" is drained and used last; "a".."c" are older.
  for (const char* key : {"a", "b", "c"}) {
    limiter.TryAcquire(key, 0.001, 1);
    clock.Advance(absl::Milliseconds(1));
  }
  limiter.TryAcquire("busy", 0.001, 1);
  EXPECT_EQ(limiter.size(), 4u);
  clock.Advance(absl::Milliseconds(1));
  limiter.TryAcquire("new", 0.001, 1);  // at the cap: down to 2, then "new"
  EXPECT_EQ(limiter.size(), 3u);
  // The most recently used bucket survived, still empty.
  EXPECT_GT(limiter.TryAcquire("busy", 0.001, 1), absl::ZeroDuration());
}

}  // namespace
}  // namespace seedance
