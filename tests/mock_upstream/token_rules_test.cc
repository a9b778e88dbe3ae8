#include "mock_upstream/token_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(TokenRulesTest, RulesApplyToTheirTokenAndEndpoint) {
  TokenRules rules;
  ASSERT_THAT(rules.Add({.token = "t1", .scenario = "reset"}), IsOk());
  ASSERT_THAT(rules.Add({.token = "t1", .scenario = "fail", .endpoint = "all"}), IsOk());
  ASSERT_THAT(rules.Add({.token = "t1", .scenario = "html_502", .endpoint = "tasks"}),
              IsOk());
  EXPECT_THAT(rules.Take("t1", Endpoint::kVideos), ElementsAre("reset", "fail"));
  EXPECT_THAT(rules.Take("t1", Endpoint::kTasks), ElementsAre("fail", "html_502"));
  EXPECT_THAT(rules.Take("t2", Endpoint::kVideos), IsEmpty());
}

TEST(TokenRulesTest, CountedRulesAreUsedUp) {
  TokenRules rules;
  ASSERT_THAT(rules.Add({.token = "t", .scenario = "api_error", .times = 2}), IsOk());
  EXPECT_THAT(rules.Take("t", Endpoint::kVideos), ElementsAre("api_error"));
  EXPECT_THAT(rules.Take("t", Endpoint::kVideos), ElementsAre("api_error"));
  EXPECT_THAT(rules.Take("t", Endpoint::kVideos), IsEmpty());
  EXPECT_THAT(rules.List(), IsEmpty());
}

TEST(TokenRulesTest, BadRulesAreRefused) {
  TokenRules rules;
  EXPECT_THAT(rules.Add({.token = "", .scenario = "reset"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(rules.Add({.token = "t", .scenario = "explode"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(rules.Add({.token = "t", .scenario = "reset", .endpoint = "media"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  rules.Clear();
  EXPECT_THAT(rules.List(), IsEmpty());
}

}  // namespace
}  // namespace seedance::mock_upstream
