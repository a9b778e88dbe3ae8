// MockState: the config and its fail-first count, held calls, and the
// reset, through the interface the endpoints use.
#include "mock_upstream/mock_state.h"

#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock_upstream/scenario.h"
#include "tests/mock_upstream/mock_harness.h"
#include "tests/testing/status_matchers.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::FakeExchange;
using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::ExchangeRecord;
using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

TEST(MockStateTest, AFailedConfigChangeLeavesTheConfigAsItWas) {
  MockHarness mock;
  absl::StatusOr<MockConfig> changed = mock.state.UpdateConfig(
      [](MockConfig& c) {
        c.queue_time = absl::Seconds(7);
        return absl::InvalidArgumentError("no");
      },
      false);
  EXPECT_THAT(changed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(mock.state.config().queue_time, absl::Seconds(1));
  changed = mock.state.UpdateConfig(
      [](MockConfig& c) {
        c.queue_time = absl::Seconds(7);
        return absl::OkStatus();
      },
      false);
  ASSERT_THAT(changed, IsOk());
  EXPECT_EQ(changed->queue_time, absl::Seconds(7));
  EXPECT_EQ(mock.state.config().queue_time, absl::Seconds(7));
}

TEST(MockStateTest, FailFirstCountsTheFirstCallsAgainOnlyWhenAsked) {
  MockOptions options;
  options.config.fail_first_n = 1;
  options.config.fail_first_scenario = "fail";
  MockHarness mock(options);
  EXPECT_EQ(mock.state.TakeFailFirst(), "fail");
  EXPECT_EQ(mock.state.TakeFailFirst(), "");
  auto same = [](MockConfig&) { return absl::OkStatus(); };
  ASSERT_THAT(mock.state.UpdateConfig(same, false), IsOk());
  EXPECT_EQ(mock.state.TakeFailFirst(), "");
  ASSERT_THAT(mock.state.UpdateConfig(same, true), IsOk());
  EXPECT_EQ(mock.state.TakeFailFirst(), "fail");
}

TEST(MockStateTest, TheRateLimitIsPerTokenAndRefillsWithTheClock) {
  MockHarness mock;
  MockConfig config;
  config.rate_limit_per_second = 1;
  config.rate_limit_burst = 1;
  EXPECT_EQ(mock.state.TryAcquireRate("a", config), absl::ZeroDuration());
  EXPECT_GT(mock.state.TryAcquireRate("a", config), absl::ZeroDuration());
  EXPECT_EQ(mock.state.TryAcquireRate("b", config), absl::ZeroDuration());
  mock.clock.Advance(absl::Seconds(1));
  EXPECT_EQ(mock.state.TryAcquireRate("a", config), absl::ZeroDuration());
}

TEST(MockStateTest, PaceForPrefersTheScenarioOverTheConfig) {
  MockHarness mock;
  Scenario scenario;
  ASSERT_THAT(ApplyScenarioList("drip_chunk_bytes=3", scenario), IsOk());
  DripPace pace = mock.state.PaceFor(scenario);
  EXPECT_EQ(pace.chunk_bytes, 3u);
  EXPECT_EQ(pace.interval, MockConfig().drip_interval);
}

TEST(MockStateTest, AHeldCallIsReleasedOnce) {
  MockHarness mock;
  auto outcome = std::make_shared<ExchangeRecord>();
  mock.state.HoldCall("t", {std::make_shared<FakeExchange>(outcome), 3});
  std::optional<HeldCall> held = mock.state.ReleaseCall("t");
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->request_seq, 3);
  EXPECT_FALSE(mock.state.ReleaseCall("t").has_value());
  EXPECT_FALSE(mock.state.ReleaseCall("other").has_value());
}

TEST(MockStateTest, ResetForgetsEverythingAndStartsANewEpoch) {
  MockHarness mock;
  auto outcome = std::make_shared<ExchangeRecord>();
  mock.state.HoldCall("t", {std::make_shared<FakeExchange>(outcome), 3});
  ASSERT_THAT(mock.state.rules().Add({.token = "t1", .scenario = "fail"}), IsOk());
  ASSERT_THAT(mock.state.UpdateConfig(
                  [](MockConfig& c) {
                    c.generation_time = absl::Milliseconds(5);
                    return absl::OkStatus();
                  },
                  false),
              IsOk());
  auto task = std::make_shared<Task>();
  task->id = "t";
  mock.state.tasks().Add(task);
  mock.tasks.RunAt(mock.clock.Now(), [] {});
  mock.state.journal().Append("task", {});
  uint64_t before = mock.state.epoch();

  mock.state.Reset();

  EXPECT_EQ(mock.state.epoch(), before + 1);
  EXPECT_FALSE(mock.state.IsCurrent(*task));
  ASSERT_EQ(outcome->responses.size(), 1u);
  EXPECT_EQ(outcome->responses[0].status, 500);
  EXPECT_THAT(outcome->responses[0].body, HasSubstr("the mock was reset"));
  EXPECT_FALSE(mock.state.ReleaseCall("t").has_value());
  EXPECT_EQ(mock.state.tasks().size(), 0u);
  EXPECT_EQ(mock.tasks.pending(), 0u);
  EXPECT_TRUE(mock.state.rules().List().empty());
  EXPECT_EQ(mock.state.config().generation_time, absl::Seconds(10));  // the start-up value
  std::vector<JournalEntry> journal = mock.state.journal().Query({}, 0);
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].kind, "admin");
  EXPECT_EQ(journal[0].Text("action"), "reset");
}

}  // namespace
}  // namespace seedance::mock_upstream
