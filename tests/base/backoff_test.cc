#include "base/backoff.h"

#include "gtest/gtest.h"

namespace seedance {
namespace {

TEST(BackoffTest, DelaysDoubleFromTheFirstUpToTheCap) {
  struct Case {
    int attempt;
    absl::Duration delay;
  };
  const Case cases[] = {
      {0, absl::Seconds(1)},  {1, absl::Seconds(1)},  {2, absl::Seconds(2)},
      {3, absl::Seconds(4)},  {6, absl::Seconds(32)}, {7, absl::Seconds(60)},
      {1000, absl::Seconds(60)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.attempt);
    EXPECT_EQ(BackoffDelay(absl::Seconds(1), c.attempt, absl::Minutes(1)), c.delay);
  }
}

TEST(BackoffTest, NextDelayDoublesAndStopsAtTheCap) {
  EXPECT_EQ(NextBackoff(absl::Milliseconds(300), absl::Seconds(10)), absl::Milliseconds(600));
  EXPECT_EQ(NextBackoff(absl::Seconds(6), absl::Seconds(10)), absl::Seconds(10));
  EXPECT_EQ(NextBackoff(absl::Seconds(10), absl::Seconds(10)), absl::Seconds(10));
}

TEST(BackoffTest, AFirstDelayAboveTheCapIsCapped) {
  EXPECT_EQ(BackoffDelay(absl::Minutes(5), 1, absl::Minutes(1)), absl::Minutes(1));
}

}  // namespace
}  // namespace seedance
