// The steps every API call shares: what the request's journal entry holds,
// who is admitted, the scenario's error and the rate limit, and journaled
// answers.
#include "mock_upstream/api_call.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock_upstream/replies.h"
#include "mock_upstream/task.h"
#include "tests/mock_upstream/mock_harness.h"
#include "tests/testing/json_value.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::FakeExchange;
using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::ExchangeRecord;
using ::seedance::mock_upstream::fakes::TestOptions;
using ::seedance::testing::IsOk;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::testing::HasSubstr;
using ::testing::Not;

// Runs Admit for a call with `headers`; the refusal, if any, lands in
// `outcome`.
struct Admission {
  std::optional<Caller> caller;
  Scenario scenario;
  std::shared_ptr<ExchangeRecord> outcome = std::make_shared<ExchangeRecord>();

  // The documented error code of the refusal, or "".
  std::string ErrorCode() const {
    if (outcome->responses.empty()) return "";
    absl::StatusOr<google::protobuf::Value> json =
        ParseJsonValue(outcome->responses[0].body);
    return json.ok() ? JsonString(*json, "error.code") : "";
  }
};

Admission AdmitCall(MockHarness& mock, std::vector<http::Header> headers,
                    Endpoint endpoint = Endpoint::kVideos) {
  http::Request request = MockHarness::Post(kVideosPath, "{}", std::move(headers));
  Admission admission;
  FakeExchange exchange(admission.outcome);
  admission.caller = Admit(mock.state, request, endpoint, JournalRequest(mock.state, request),
                           admission.scenario, exchange);
  return admission;
}

TEST(ApiCallTest, BearerTokenIsReadCaseInsensitivelyAndTrimmed) {
  EXPECT_EQ(BearerToken(MockHarness::Post("/", "", {{"Authorization", " bearer  abc "}})),
            "abc");
  EXPECT_EQ(BearerToken(MockHarness::Post("/", "", {{"Authorization", "Basic abc"}})), "");
  EXPECT_EQ(BearerToken(MockHarness::Post("/", "", {})), "");
}

TEST(ApiCallTest, TheRequestIsJournaledWithTheTokensFingerprintNotTheToken) {
  MockHarness mock;
  http::Request request = MockHarness::Post(
      "/v1/seedance/videos?x=1", "body",
      {{"Authorization", "Bearer secret-token"},
       {"X-Mock-Scenario", "fail"},
       {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  int64_t seq = JournalRequest(mock.state, request);
  std::vector<JournalEntry> entries = mock.state.journal().Query({{"kind", "request"}}, 0);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].seq, seq);
  EXPECT_EQ(entries[0].Text("path"), kVideosPath);
  EXPECT_EQ(entries[0].Text("query"), "x=1");
  EXPECT_EQ(entries[0].Text("token_key"), TokenFingerprint("secret-token"));
  EXPECT_EQ(entries[0].Text("scenario_header"), "fail");
  EXPECT_EQ(entries[0].Text("traceparent"),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(entries[0].Text("body"), "body");
  EXPECT_THAT(EntryToJson(entries[0]), Not(HasSubstr("secret-token")));
}

TEST(ApiCallTest, AMissingTokenIs401InvalidToken) {
  MockHarness mock;
  Admission a = AdmitCall(mock, {});
  EXPECT_FALSE(a.caller.has_value());
  ASSERT_EQ(a.outcome->responses.size(), 1u);
  EXPECT_EQ(a.outcome->responses[0].status, 401);
  EXPECT_EQ(a.ErrorCode(), upstream_api::kErrorInvalidToken);
}

TEST(ApiCallTest, AForeignTokenIsTokenMismatched) {
  MockHarness mock;
  Admission a = AdmitCall(mock, {{"Authorization", absl::StrCat("Bearer ",
                                                                 kDefaultForeignToken)}});
  EXPECT_FALSE(a.caller.has_value());
  EXPECT_EQ(a.ErrorCode(), upstream_api::kErrorTokenMismatched);
}

TEST(ApiCallTest, OnlyListedTokensAreAdmittedWhenTokensAreListed) {
  MockOptions options = TestOptions();
  options.tokens = {"good"};
  MockHarness mock(options);
  Admission bad = AdmitCall(mock, {{"Authorization", "Bearer t1"}});
  EXPECT_FALSE(bad.caller.has_value());
  EXPECT_EQ(bad.ErrorCode(), upstream_api::kErrorInvalidToken);
  Admission good = AdmitCall(mock, {{"Authorization", "Bearer good"}});
  ASSERT_TRUE(good.caller.has_value());
  EXPECT_EQ(good.caller->token_key, TokenFingerprint("good"));
  EXPECT_TRUE(good.outcome->responses.empty());
}

TEST(ApiCallTest, ABadScenarioHeaderIsRefusedBeforeTheToken) {
  MockHarness mock;
  Admission a = AdmitCall(mock, {{"X-Mock-Scenario", "no_such_scenario"}});
  EXPECT_FALSE(a.caller.has_value());
  EXPECT_EQ(a.ErrorCode(), upstream_api::kErrorApiNotImplemented);
}

TEST(ApiCallTest, RulesThenHeadersMakeTheScenario) {
  MockHarness mock;
  ASSERT_THAT(mock.state.rules().Add({.token = "t1", .scenario = "fail,generation_ms=5",
                                      .endpoint = "all"}),
              IsOk());
  Admission a = AdmitCall(mock, {{"Authorization", "Bearer t1"}, {"X-Mock-Generation-Ms", "9"}},
                          Endpoint::kTasks);
  ASSERT_TRUE(a.caller.has_value());
  EXPECT_EQ(a.scenario.outcome, Outcome::kFail);
  EXPECT_EQ(a.scenario.generation_time, absl::Milliseconds(9));
}

TEST(ApiCallTest, FailFirstCountsVideosCallsOnly) {
  MockOptions options = TestOptions();
  options.config.fail_first_n = 1;
  MockHarness mock(options);
  Admission tasks = AdmitCall(mock, {{"Authorization", "Bearer t1"}}, Endpoint::kTasks);
  EXPECT_TRUE(tasks.scenario.error_code.empty());
  Admission videos = AdmitCall(mock, {{"Authorization", "Bearer t1"}}, Endpoint::kVideos);
  EXPECT_EQ(videos.scenario.error_code, upstream_api::kErrorApiError);
  Admission next = AdmitCall(mock, {{"Authorization", "Bearer t1"}}, Endpoint::kVideos);
  EXPECT_TRUE(next.scenario.error_code.empty());
}

TEST(ApiCallTest, TheScenariosErrorIsAnsweredBeforeTheRateLimitIsCharged) {
  MockOptions options = TestOptions();
  options.config.rate_limit_per_second = 1;
  options.config.rate_limit_burst = 1;
  MockHarness mock(options);
  Caller caller{"t1", TokenFingerprint("t1")};
  Scenario failing;
  ASSERT_THAT(ApplyScenarioList("api_error", failing), IsOk());
  auto outcome = std::make_shared<ExchangeRecord>();
  FakeExchange exchange(outcome);
  EXPECT_TRUE(AnswerScenarioErrorOrLimit(mock.state, failing, caller, 1, exchange));
  EXPECT_EQ(outcome->responses.at(0).status, 500);
  EXPECT_FALSE(AnswerScenarioErrorOrLimit(mock.state, Scenario(), caller, 2, exchange));
  EXPECT_TRUE(AnswerScenarioErrorOrLimit(mock.state, Scenario(), caller, 3, exchange));
  ASSERT_EQ(outcome->responses.size(), 2u);
  EXPECT_EQ(outcome->responses[1].status, 429);
  EXPECT_EQ(*outcome->responses[1].FindHeader("Retry-After"), "1");
}

TEST(ApiCallTest, AnAnswerIsJournaledThenReplacedByTheScenariosFault) {
  MockHarness mock;
  Scenario scenario;
  ASSERT_THAT(ApplyScenarioList("reset", scenario), IsOk());
  auto outcome = std::make_shared<ExchangeRecord>();
  FakeExchange exchange(outcome);
  Answer(mock.state, 4, exchange, RawJsonReply(200, "{}"), scenario, "task-1");
  EXPECT_TRUE(outcome->responses.empty());
  EXPECT_EQ(outcome->faults, std::vector<std::string>{"reset"});
  std::vector<JournalEntry> entries = mock.state.journal().Query({{"kind", "response"}}, 0);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].Text("request_seq"), "4");
  EXPECT_EQ(entries[0].Text("status"), "200");
  EXPECT_EQ(entries[0].Text("task_id"), "task-1");
  EXPECT_EQ(entries[0].Text("fault"), "reset");
  EXPECT_EQ(entries[0].Text("scenario"), "reset");
}

TEST(ApiCallTest, AnErrorAnswerJournalsItsBody) {
  MockHarness mock;
  auto outcome = std::make_shared<ExchangeRecord>();
  FakeExchange exchange(outcome);
  AnswerError(mock.state, 1, exchange, upstream_api::kErrorApiNotImplemented, "nope", Scenario());
  ASSERT_EQ(outcome->responses.size(), 1u);
  EXPECT_EQ(outcome->responses[0].status, 400);
  std::vector<JournalEntry> entries = mock.state.journal().Query({{"kind", "response"}}, 0);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_THAT(entries[0].Text("body"), HasSubstr("nope"));
}

}  // namespace
}  // namespace seedance::mock_upstream
