// AdminEndpoint over a MockState with an injected clock and manual
// schedulers: the control plane's answers and what they change, seen
// through the state's public interface.
#include "mock_upstream/admin_endpoint.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock_upstream/task.h"
#include "tests/mock_upstream/mock_harness.h"
#include "tests/testing/json_value.h"
#include "tests/testing/status_matchers.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::FakeExchange;
using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::ExchangeRecord;
using ::seedance::testing::IsOk;
using ::seedance::testing::JsonNumber;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::testing::HasSubstr;
using ::testing::Not;

class AdminEndpointTest : public ::testing::Test {
 protected:
  AdminEndpointTest() : admin_(mock_.state) {}

  std::shared_ptr<ExchangeRecord> Call(std::string method, const std::string& target,
                                       std::string body = "") {
    auto outcome = std::make_shared<ExchangeRecord>();
    admin_.Handle(MockHarness::Make(std::move(method), target, std::move(body), {}),
                  std::make_shared<FakeExchange>(outcome));
    return outcome;
  }

  // The body of the one answer, which must have `status`.
  static std::string Body(const ExchangeRecord& outcome, int status = 200) {
    EXPECT_EQ(outcome.responses.size(), 1u);
    if (outcome.responses.empty()) return "";
    EXPECT_EQ(outcome.responses[0].status, status);
    return outcome.responses[0].body;
  }

  MockHarness mock_;
  AdminEndpoint admin_;
};

TEST_F(AdminEndpointTest, JournalWaitAnswersOnTheEventOrTheTimeout) {
  auto done = Call("GET", "/__mock/journal/wait?kind=task&task_id=x&status=succeeded"
                          "&timeout_ms=60000");
  auto never = Call("GET", "/__mock/journal/wait?kind=nothing&timeout_ms=30000");
  EXPECT_TRUE(done->responses.empty());
  mock_.state.journal().Append("task", {{"task_id", "x"}, {"status", "running"}});
  EXPECT_TRUE(done->responses.empty());
  mock_.state.journal().Append("task", {{"task_id", "x"}, {"status", "succeeded"}});
  EXPECT_THAT(Body(*done), HasSubstr(R"("found":true)"));
  mock_.Advance(absl::Seconds(29));
  EXPECT_TRUE(never->responses.empty());
  mock_.Advance(absl::Seconds(1));
  EXPECT_THAT(Body(*never), HasSubstr(R"("found":false)"));
  mock_.Advance(absl::Seconds(30));  // the first wait's timeout finds it answered
  EXPECT_EQ(done->responses.size(), 1u);
}

TEST_F(AdminEndpointTest, ResetAnswersHeldCallsAndCancelsTimers) {
  auto held = std::make_shared<ExchangeRecord>();
  mock_.state.HoldCall("task-1", {std::make_shared<FakeExchange>(held), 1});
  mock_.tasks.RunAt(mock_.clock.Now() + absl::Seconds(5), [] {});
  mock_.state.journal().Append("task", {{"task_id", "task-1"}});
  EXPECT_EQ(Body(*Call("POST", "/__mock/reset")), R"({"ok":true})");
  EXPECT_EQ(mock_.tasks.pending(), 0u);
  ASSERT_EQ(held->responses.size(), 1u);
  EXPECT_EQ(held->responses[0].status, 500);
  EXPECT_THAT(held->responses[0].body, HasSubstr("the mock was reset"));
  EXPECT_TRUE(mock_.state.journal().Query({{"kind", "task"}}, 0).empty());
  EXPECT_EQ(mock_.state.epoch(), 1u);
}

TEST_F(AdminEndpointTest, HealthCountsTasksAndTheLastSeq) {
  mock_.state.journal().Append("task", {});
  absl::StatusOr<google::protobuf::Value> json =
      ParseJsonValue(Body(*Call("GET", "/__mock/health")));
  ASSERT_THAT(json, IsOk());
  EXPECT_DOUBLE_EQ(JsonNumber(*json, "tasks"), 0);
  EXPECT_DOUBLE_EQ(JsonNumber(*json, "last_seq"), 1);
}

TEST_F(AdminEndpointTest, JournalQueryFiltersBySinceAndFields) {
  mock_.state.journal().Append("task", {{"task_id", "a"}});
  mock_.state.journal().Append("task", {{"task_id", "b"}});
  mock_.state.journal().Append("callback", {{"task_id", "b"}});
  std::string body = Body(*Call("GET", "/__mock/journal?kind=task&since=1"));
  EXPECT_THAT(body, HasSubstr(R"("task_id":"b")"));
  EXPECT_THAT(body, Not(HasSubstr(R"("task_id":"a")")));
  EXPECT_THAT(body, Not(HasSubstr("callback")));
}

TEST_F(AdminEndpointTest, ConfigPostChangesTheConfigOrNothing) {
  EXPECT_THAT(Body(*Call("POST", "/__mock/config", R"({"generation_ms": 20})")),
              HasSubstr(R"("generation_ms":20)"));
  EXPECT_EQ(mock_.state.config().generation_time, absl::Milliseconds(20));
  EXPECT_THAT(Body(*Call("POST", "/__mock/config", R"({"queue_ms": 5, "nope": 1})"), 400),
              HasSubstr(R"(unknown config key \"nope\")"));
  EXPECT_EQ(mock_.state.config().queue_time, absl::Seconds(1));  // untouched
  EXPECT_THAT(Body(*Call("GET", "/__mock/config")), HasSubstr(R"("generation_ms":20)"));
  Body(*Call("PUT", "/__mock/config"), 405);
}

TEST_F(AdminEndpointTest, FailFirstNCountsFromTheChange) {
  Body(*Call("POST", "/__mock/config", R"({"fail_first_n": 1})"));
  EXPECT_EQ(mock_.state.TakeFailFirst(), "api_error");
  EXPECT_EQ(mock_.state.TakeFailFirst(), "");
  Body(*Call("POST", "/__mock/config", R"({"fail_first_n": 1})"));
  EXPECT_EQ(mock_.state.TakeFailFirst(), "api_error");
}

TEST_F(AdminEndpointTest, RulesAreAddedListedByFingerprintAndCleared) {
  Body(*Call("POST", "/__mock/rules", R"({"token": "t1", "scenario": "fail", "times": 2})"));
  Body(*Call("POST", "/__mock/rules", R"({"token": "t1", "scenario": "bogus"})"), 400);
  std::string listed = Body(*Call("GET", "/__mock/rules"));
  EXPECT_THAT(listed, HasSubstr(TokenFingerprint("t1")));
  EXPECT_THAT(listed, Not(HasSubstr(R"("t1")")));
  EXPECT_EQ(mock_.state.rules().List().size(), 1u);
  Body(*Call("DELETE", "/__mock/rules"));
  EXPECT_TRUE(mock_.state.rules().List().empty());
}

TEST_F(AdminEndpointTest, AnUnknownAdminPathIs404NamingIt) {
  EXPECT_THAT(Body(*Call("GET", "/__mock/nothing"), 404),
              HasSubstr("no admin endpoint GET /__mock/nothing"));
  EXPECT_THAT(Body(*Call("GET", "/__mock/reset"), 404), HasSubstr("no admin endpoint"));
}

TEST_F(AdminEndpointTest, ScenariosListsTheScenarioNames) {
  std::string help = Body(*Call("GET", "/__mock/scenarios"));
  EXPECT_THAT(help, HasSubstr("callback_drop"));
  EXPECT_THAT(help, HasSubstr("generation_ms=N"));
}

}  // namespace
}  // namespace seedance::mock_upstream
