// VideosEndpoint over a MockState with an injected clock and a manual
// scheduler: the three modes, the quotas, and the scenario sources.
#include "mock_upstream/videos_endpoint.h"

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
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::kAsyncBody;
using ::seedance::mock_upstream::fakes::kBlockingBody;
using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::ExchangeRecord;
using ::seedance::mock_upstream::fakes::TestOptions;
using ::seedance::testing::IsOk;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::testing::HasSubstr;

class VideosEndpointTest : public ::testing::Test {
 protected:
  VideosEndpointTest() : videos_(mock_.state, mock_.runner) {}

  std::shared_ptr<ExchangeRecord> Videos(std::string body = kBlockingBody,
                                         std::vector<http::Header> headers = {
                                             {"Authorization", "Bearer t1"}}) {
    http::Request request = MockHarness::Post(kVideosPath, std::move(body), std::move(headers));
    return mock_.Send(request, [&](int64_t seq, std::shared_ptr<http::Exchange> exchange) {
      videos_.Handle(request, seq, std::move(exchange));
    });
  }

  // The id of an accepted task.
  static std::string Accepted(const ExchangeRecord& outcome) {
    EXPECT_EQ(outcome.responses.size(), 1u);
    if (outcome.responses.empty()) return "";
    absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(outcome.responses[0].body);
    EXPECT_THAT(json, IsOk());
    return json.ok() ? JsonString(*json, "task_id") : "";
  }

  static std::string ErrorCode(const http::Response& response) {
    absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(response.body);
    return json.ok() ? JsonString(*json, "error.code") : "";
  }

  MockHarness mock_;
  VideosEndpoint videos_;
};

TEST_F(VideosEndpointTest, BlockingCallIsAnsweredWhenTheGenerationEnds) {
  auto call = Videos();
  EXPECT_TRUE(call->responses.empty());
  mock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(call->responses.empty());
  mock_.Advance(absl::Seconds(1));
  ASSERT_EQ(call->responses.size(), 1u);
  const http::Response& answer = call->responses[0];
  EXPECT_EQ(answer.status, 200);
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(answer.body);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(JsonString(*json, "data.status"), "succeeded");
  EXPECT_THAT(JsonString(*json, "data.video_url"), HasSubstr("http://mock/seedance/"));
  // Weak inline parameters: the bad --dur is ignored, --rs applies.
  EXPECT_EQ(*answer.FindHeader("X-Mock-Effective-Params"), "--rs 720p");
}

TEST_F(VideosEndpointTest, ExecutionExpiresAfterEndsTheHeldCallAsExpired) {
  auto call = Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat [mock:generation_ms=7200000]"}],
      "execution_expires_after": 3600})");
  mock_.Advance(absl::Seconds(3599));
  EXPECT_TRUE(call->responses.empty());
  mock_.Advance(absl::Seconds(1));
  ASSERT_EQ(call->responses.size(), 1u);
  EXPECT_EQ(call->responses[0].status, 500);
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(call->responses[0].body);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(JsonString(*json, "data.status"), "expired");
  EXPECT_THAT(JsonString(*json, "error.message"), HasSubstr("execution_expires_after"));
}

TEST_F(VideosEndpointTest, AsyncCallIsAnsweredAtOnceAndTheTaskRecorded) {
  std::string id = Accepted(*Videos(kAsyncBody));
  std::shared_ptr<const Task> task = mock_.state.tasks().Find(id);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->mode, TaskMode::kAsync);
  EXPECT_EQ(task->token_key, TokenFingerprint("t1"));
  std::vector<JournalEntry> created =
      mock_.state.journal().Query({{"kind", "task"}, {"task_id", id}}, 0);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].Text("status"), "queued");
  EXPECT_EQ(created[0].Text("mode"), "async");
}

TEST_F(VideosEndpointTest, AcceptEnvelopeScenarioWrapsTheImmediateAnswer) {
  auto plain = Videos(kAsyncBody);
  auto wrapped = Videos(kAsyncBody, {{"Authorization", "Bearer t1"},
                                     {"X-Mock-Scenario", "accept_envelope"}});
  ASSERT_EQ(plain->responses.size(), 1u);
  ASSERT_EQ(wrapped->responses.size(), 1u);
  absl::StatusOr<google::protobuf::Value> bare = ParseJsonValue(plain->responses[0].body);
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(wrapped->responses[0].body);
  ASSERT_THAT(bare, IsOk());
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(bare->struct_value().fields().size(), 1u);  // the guide's {"task_id"}
  std::string id = JsonString(*json, "task_id");
  std::shared_ptr<const Task> task = mock_.state.tasks().Find(id);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(wrapped->responses[0].body,
            absl::StrCat(R"({"success":true,"task_id":")", id, R"(","trace_id":")",
                         task->trace_id, R"("})"));
}

constexpr char kTypoBody[] = R"({"model": "doubao-seedance-1-0-pro-250528",
    "content": [{"type": "text", "text": "a cat", "colour": "red"}],
    "async": true, "durtion": 5})";

TEST_F(VideosEndpointTest, UnknownKeysAreReportedInTheHeaderAndTheJournal) {
  auto outcome = Videos(kTypoBody);
  std::string id = Accepted(*outcome);
  ASSERT_FALSE(id.empty());
  const std::string* header = outcome->responses[0].FindHeader("X-Mock-Unknown-Fields");
  ASSERT_NE(header, nullptr);
  EXPECT_EQ(*header, "content[0].colour,durtion");
  std::vector<JournalEntry> created =
      mock_.state.journal().Query({{"kind", "task"}, {"task_id", id}}, 0);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].Text("unknown_fields"), "content[0].colour,durtion");
  // A body with none gets no header.
  EXPECT_EQ(Videos(kAsyncBody)->responses[0].FindHeader("X-Mock-Unknown-Fields"), nullptr);
}

TEST_F(VideosEndpointTest, UnknownKeysAreRefusedWithTheDocumented400WhenConfigured) {
  MockOptions options = TestOptions();
  options.config.refuse_unknown_fields = true;
  MockHarness mock(options);
  VideosEndpoint videos(mock.state, mock.runner);
  http::Request request =
      MockHarness::Post(kVideosPath, kTypoBody, {{"Authorization", "Bearer t1"}});
  auto outcome = mock.Send(request, [&](int64_t seq, std::shared_ptr<http::Exchange> exchange) {
    videos.Handle(request, seq, std::move(exchange));
  });
  ASSERT_EQ(outcome->responses.size(), 1u);
  EXPECT_EQ(outcome->responses[0].status, 400);
  EXPECT_EQ(ErrorCode(outcome->responses[0]), "api_not_implemented");
  EXPECT_THAT(outcome->responses[0].body, HasSubstr("unknown fields: content[0].colour, durtion"));
  EXPECT_EQ(mock.state.tasks().InFlight(TokenFingerprint("t1"), mock.state.clock().Now()), 0);
}

TEST_F(VideosEndpointTest, TasksInFlightAreCappedPerToken) {
  MockOptions options = TestOptions();
  options.config.max_tasks_in_flight = 1;
  MockHarness mock(options);
  VideosEndpoint videos(mock.state, mock.runner);
  auto call = [&](std::string token) {
    http::Request request =
        MockHarness::Post(kVideosPath, kBlockingBody, {{"Authorization", "Bearer " + token}});
    return mock.Send(request, [&](int64_t seq, std::shared_ptr<http::Exchange> exchange) {
      videos.Handle(request, seq, std::move(exchange));
    });
  };
  call("t1");
  auto second = call("t1");
  ASSERT_EQ(second->responses.size(), 1u);
  EXPECT_EQ(second->responses[0].status, 429);
  EXPECT_NE(second->responses[0].FindHeader("Retry-After"), nullptr);
  auto other_token = call("t2");
  EXPECT_TRUE(other_token->responses.empty());  // held: not capped
  mock.Advance(absl::Seconds(11));
  auto after = call("t1");
  EXPECT_TRUE(after->responses.empty());  // the first one ended
}

TEST_F(VideosEndpointTest, RateLimitRefillsWithTheClock) {
  ASSERT_THAT(mock_.state.UpdateConfig(
                  [](MockConfig& c) {
                    c.rate_limit_per_second = 1;
                    c.rate_limit_burst = 1;
                    return absl::OkStatus();
                  },
                  false),
              IsOk());
  EXPECT_EQ(Videos(kAsyncBody)->responses.at(0).status, 200);
  http::Response limited = Videos(kAsyncBody)->responses.at(0);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(*limited.FindHeader("Retry-After"), "1");
  mock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Videos(kAsyncBody)->responses.at(0).status, 200);
}

TEST_F(VideosEndpointTest, FailFirstNFailsExactlyTheFirstCalls) {
  ASSERT_THAT(mock_.state.UpdateConfig(
                  [](MockConfig& c) {
                    c.fail_first_n = 2;
                    c.fail_first_scenario = "api_error";
                    return absl::OkStatus();
                  },
                  true),
              IsOk());
  EXPECT_EQ(Videos(kAsyncBody)->responses.at(0).status, 500);
  EXPECT_EQ(Videos(kAsyncBody)->responses.at(0).status, 500);
  EXPECT_EQ(Videos(kAsyncBody)->responses.at(0).status, 200);
}

TEST_F(VideosEndpointTest, TokenRulesChooseScenariosWithoutHeaders) {
  ASSERT_THAT(mock_.state.rules().Add({.token = "t1", .scenario = "reset", .times = 1}),
              IsOk());
  auto first = Videos(kAsyncBody);
  EXPECT_EQ(first->faults, std::vector<std::string>{"reset"});
  EXPECT_EQ(mock_.state.tasks().size(), 1u);  // a reset answer still creates the task
  auto second = Videos(kAsyncBody);
  EXPECT_TRUE(second->faults.empty());
  EXPECT_EQ(second->responses.size(), 1u);
}

TEST_F(VideosEndpointTest, ABadPromptDirectiveIsRefusedNamingIt) {
  auto call = Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat [mock:no_such_scenario]"}]})");
  ASSERT_EQ(call->responses.size(), 1u);
  EXPECT_EQ(call->responses[0].status, 400);
  EXPECT_EQ(ErrorCode(call->responses[0]), upstream_api::kErrorApiNotImplemented);
  EXPECT_THAT(call->responses[0].body, HasSubstr("content[0].text: [mock:no_such_scenario]"));
  EXPECT_EQ(mock_.state.tasks().size(), 0u);
}

TEST_F(VideosEndpointTest, AnInvalidRequestCreatesNoTask) {
  auto call = Videos(R"({"model": "doubao-seedance-1-0-pro-250528", "content": []})");
  ASSERT_EQ(call->responses.size(), 1u);
  EXPECT_EQ(call->responses[0].status, 400);
  EXPECT_EQ(ErrorCode(call->responses[0]), upstream_api::kErrorApiNotImplemented);
  EXPECT_EQ(mock_.state.tasks().size(), 0u);
  EXPECT_EQ(mock_.tasks.pending(), 0u);
}

}  // namespace
}  // namespace seedance::mock_upstream
