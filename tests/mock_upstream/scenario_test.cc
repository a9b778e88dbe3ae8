#include "mock_upstream/scenario.h"

#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(ScenarioTest, NamesSetTheirEffect) {
  struct Case {
    std::string list;
    std::function<bool(const Scenario&)> check;
  };
  std::vector<Case> cases = {
      {"token_mismatched", [](auto& s) { return s.error_code == "token_mismatched"; }},
      {"api_not_implemented", [](auto& s) { return s.error_code == "api_not_implemented"; }},
      {"invalid_token", [](auto& s) { return s.error_code == "invalid_token"; }},
      {"too_many_requests", [](auto& s) { return s.error_code == "too_many_requests"; }},
      {"api_error", [](auto& s) { return s.error_code == "api_error"; }},
      {"fail", [](auto& s) { return s.outcome == Outcome::kFail; }},
      {"expire", [](auto& s) { return s.outcome == Outcome::kExpire; }},
      {"slow", [](auto& s) { return s.slow; }},
      {"reset", [](auto& s) { return s.fault == Fault::kReset; }},
      {"empty_reply", [](auto& s) { return s.fault == Fault::kEmptyReply; }},
      {"truncated", [](auto& s) { return s.fault == Fault::kTruncated; }},
      {"malformed_json", [](auto& s) { return s.fault == Fault::kMalformedJson; }},
      {"html_502", [](auto& s) { return s.fault == Fault::kHtml502; }},
      {"slow_drip", [](auto& s) { return s.fault == Fault::kSlowDrip; }},
      {"callback_every_status", [](auto& s) { return s.callback_every_status; }},
      {"callback_duplicate", [](auto& s) { return s.callback_duplicate; }},
      {"callback_out_of_order",
       [](auto& s) { return s.callback_out_of_order && s.callback_every_status; }},
      {"callback_drop", [](auto& s) { return s.callback_drop; }},
      {"callback_retry", [](auto& s) { return s.callback_retry; }},
      {"callback_delayed", [](auto& s) { return s.callback_delay == absl::Seconds(1); }},
      {"generation_ms=20", [](auto& s) { return s.generation_time == absl::Milliseconds(20); }},
      {"queue_ms=5", [](auto& s) { return s.queue_time == absl::Milliseconds(5); }},
      {"callback_delay_ms=7",
       [](auto& s) { return s.callback_delay == absl::Milliseconds(7); }},
      {"callback_retry_ms=9",
       [](auto& s) { return s.callback_retry_interval == absl::Milliseconds(9); }},
      {"callback_retries=2", [](auto& s) { return s.callback_retries == 2; }},
      {"retry_after_s=3", [](auto& s) { return s.retry_after == absl::Seconds(3); }},
      {"drip_chunk_bytes=4", [](auto& s) { return s.drip_chunk_bytes == size_t{4}; }},
      {"drip_interval_ms=6",
       [](auto& s) { return s.drip_interval == absl::Milliseconds(6); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.list);
    Scenario s;
    ASSERT_THAT(ApplyScenarioList(c.list, s), IsOk());
    EXPECT_TRUE(c.check(s));
    EXPECT_EQ(s.ToString(), c.list);
  }
}

TEST(ScenarioTest, EveryDocumentedNameIsAccepted) {
  for (const ScenarioDoc& doc : ScenarioDocs()) {
    SCOPED_TRACE(doc.name);
    Scenario s;
    EXPECT_THAT(ApplyScenarioList(absl::StrReplaceAll(doc.name, {{"=N", "=1"}}), s), IsOk());
    EXPECT_THAT(ScenarioHelp(), HasSubstr(std::string(doc.name)));
  }
}

TEST(ScenarioTest, ListsCombineAndLaterParametersWin) {
  Scenario s;
  ASSERT_THAT(ApplyScenarioList(" fail , generation_ms=10,callback_duplicate ", s), IsOk());
  ASSERT_THAT(ApplyScenarioList("GENERATION_MS=30", s), IsOk());
  EXPECT_EQ(s.outcome, Outcome::kFail);
  EXPECT_TRUE(s.callback_duplicate);
  EXPECT_THAT(s.generation_time, Optional(absl::Milliseconds(30)));
  EXPECT_EQ(s.ToString(), "fail,generation_ms=10,callback_duplicate,generation_ms=30");
}

TEST(ScenarioTest, UnknownNamesAndBadValuesAreNamed) {
  struct Case {
    std::string list;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{{"explode", "unknown mock scenario \"explode\""},
                                         {"generation_ms=-1", "generation_ms"},
                                         {"generation_ms=abc", "generation_ms"},
                                         {"colour=3", "unknown mock parameter \"colour\""}}) {
    SCOPED_TRACE(c.list);
    Scenario s;
    EXPECT_THAT(ApplyScenarioList(c.list, s),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

TEST(ScenarioTest, HeadersSelectScenariosAndParameters) {
  Scenario s;
  ASSERT_THAT(ApplyScenarioHeaders({{"x-mock-scenario", "reset,queue_ms=1"},
                                    {"X-Mock-Generation-Ms", "250"},
                                    {"X-Other", "ignored"}},
                                   s),
              IsOk());
  EXPECT_EQ(s.fault, Fault::kReset);
  EXPECT_THAT(s.generation_time, Optional(absl::Milliseconds(250)));
  EXPECT_THAT(s.queue_time, Optional(absl::Milliseconds(1)));
  Scenario bad;
  EXPECT_THAT(ApplyScenarioHeaders({{"X-Mock-Colour", "3"}}, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("X-Mock-Colour")));
}

TEST(ScenarioTest, FindsPromptDirectives) {
  EXPECT_THAT(FindPromptDirectives("a cat [mock:reset] walks [mock:generation_ms=5,fail]"),
              ElementsAre("reset", "generation_ms=5,fail"));
  EXPECT_THAT(FindPromptDirectives("[mock:unclosed"), ElementsAre());
  EXPECT_THAT(FindPromptDirectives("a [link] and --rs 720p"), ElementsAre());
}

}  // namespace
}  // namespace seedance::mock_upstream
