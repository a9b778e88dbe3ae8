// MockService, the router, in-process with an injected clock and manual
// schedulers: which endpoint answers which path, what is journaled on the
// way, and one task end to end through the router. Each endpoint's own
// behaviour is tested in its <endpoint>_test.cc.
#include "mock_upstream/mock_service.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/io_context.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/mock_upstream/mock_harness.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"
#include "tests/testing/json_value.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::ExchangeRecord;
using ::seedance::mock_upstream::fakes::FakeExchange;
using ::seedance::mock_upstream::fakes::kAsyncBody;
using ::seedance::mock_upstream::fakes::kBlockingBody;
using ::seedance::testing::FakeScheduler;
using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::TestOptions;
using ::seedance::testing::IsOk;
using ::seedance::testing::JsonNumber;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::seedance::testing::SampleValue;
using ::testing::HasSubstr;
using ::testing::Not;

class MockServiceTest : public ::testing::Test {
 protected:
  MockServiceTest() : client_(io_), service_(TestOptions(), clock_, tasks_, admin_, client_) {
    service_.SetBaseUrl("http://mock");
  }

  std::shared_ptr<ExchangeRecord> Call(std::string method, const std::string& target,
                                       std::string body = "",
                                       std::vector<http::Header> headers = {
                                           {"Authorization", "Bearer t1"}}) {
    auto outcome = std::make_shared<ExchangeRecord>();
    service_.Handle(MockHarness::Make(std::move(method), target, std::move(body),
                                      std::move(headers)),
                    std::make_shared<FakeExchange>(outcome));
    return outcome;
  }

  // The one answer's JSON.
  static google::protobuf::Value Json(const ExchangeRecord& outcome) {
    EXPECT_EQ(outcome.responses.size(), 1u);
    if (outcome.responses.empty()) return {};
    absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(outcome.responses[0].body);
    EXPECT_THAT(json, IsOk());
    return json.ok() ? *json : google::protobuf::Value();
  }

  void Advance(absl::Duration d) {
    clock_.Advance(d);
    tasks_.RunDue();
    admin_.RunDue();
  }

  double LastSeq() { return JsonNumber(Json(*Call("GET", "/__mock/health")), "last_seq"); }

  ::seedance::testing::FakeClock clock_;
  FakeScheduler tasks_{clock_};
  FakeScheduler admin_{clock_};
  boost::asio::io_context io_;  // never run: no callback leaves the test
  http::HttpClient client_;
  MockService service_;
};

TEST_F(MockServiceTest, ATaskCreatedThroughTheRouterIsRetrievedAndItsVideoServed) {
  std::string id = JsonString(Json(*Call("POST", kVideosPath, kAsyncBody)), "task_id");
  ASSERT_FALSE(id.empty());
  Advance(absl::Seconds(11));
  google::protobuf::Value record = Json(*Call(
      "POST", kTasksPath, absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})")));
  EXPECT_EQ(JsonString(record, "response.data.status"), "succeeded");
  std::string video_url = JsonString(record, "response.data.video_url");
  ASSERT_TRUE(absl::StartsWith(video_url, "http://mock/seedance/")) << video_url;
  auto video = Call("GET", video_url.substr(std::string("http://mock").size()), "", {});
  ASSERT_EQ(video->responses.size(), 1u);
  EXPECT_EQ(video->responses[0].status, 200);
  EXPECT_EQ(*video->responses[0].FindHeader("Content-Type"), "video/mp4");
}

TEST_F(MockServiceTest, MetricsCountWhatTheJournalRecordsAndAreNotJournaled) {
  std::string id = JsonString(Json(*Call("POST", kVideosPath, kAsyncBody)), "task_id");
  Call("POST", kVideosPath, kAsyncBody, {{"Authorization", "Bearer t1"},
                                        {"X-Mock-Scenario", "too_many_requests"}});
  Advance(absl::Seconds(11));  // queued, running, succeeded
  Call("GET", "/v1/nothing-here");
  int64_t seq = static_cast<int64_t>(LastSeq());
  auto scrape = Call("GET", kMetricsPath, "", {});
  ASSERT_EQ(scrape->responses.size(), 1u);
  EXPECT_EQ(*scrape->responses[0].FindHeader("Content-Type"), kMetricsContentType);
  EXPECT_EQ(static_cast<int64_t>(LastSeq()), seq);  // the scrape left no entry
  const std::string& text = scrape->responses[0].body;
  EXPECT_EQ(SampleValue(text, R"(seedance_mock_requests_received_total{route="videos"})"), 2);
  EXPECT_EQ(SampleValue(text, R"(seedance_mock_requests_received_total{route="other"})"), 1);
  EXPECT_EQ(SampleValue(text, R"(seedance_mock_requests_total{error_code="none",fault="none",)"
                              R"(route="videos",status="200"})"),
            1);
  EXPECT_EQ(SampleValue(text, R"(seedance_mock_requests_total{error_code="too_many_requests",)"
                              R"(fault="none",route="videos",status="429"})"),
            1);
  EXPECT_EQ(SampleValue(text, R"(seedance_mock_requests_total{error_code="api_not_implemented",)"
                              R"(fault="none",route="other",status="400"})"),
            1);
  EXPECT_EQ(SampleValue(text, R"(seedance_mock_task_transitions_total{status="succeeded"})"), 1);
  EXPECT_THAT(text, Not(HasSubstr(id)));
  seedance::testing::TempDir dir;
  EXPECT_THAT(seedance::testing::PromtoolCheck(text, dir.path() + "/metrics.txt"), IsOk());
}

TEST_F(MockServiceTest, BlockingCallIsHeldUntilTheGenerationEnds) {
  auto call = Call("POST", kVideosPath, kBlockingBody);
  Advance(absl::Seconds(10));
  EXPECT_TRUE(call->responses.empty());
  Advance(absl::Seconds(1));
  EXPECT_EQ(JsonString(Json(*call), "data.status"), "succeeded");
}

TEST_F(MockServiceTest, AnUnknownPathIsJournaledAndAnsweredNotImplemented) {
  auto call = Call("GET", "/v1/other");
  google::protobuf::Value json = Json(*call);
  EXPECT_EQ(call->responses.at(0).status, 400);
  EXPECT_EQ(JsonString(json, "error.code"), upstream_api::kErrorApiNotImplemented);
  EXPECT_THAT(JsonString(json, "error.message"),
              HasSubstr("api not implemented: GET /v1/other (this API has POST"));
  EXPECT_EQ(LastSeq(), 2);  // the request and its answer
}

TEST_F(MockServiceTest, TheApiPathsAnswerOnlyPost) {
  auto call = Call("GET", kVideosPath);
  EXPECT_EQ(call->responses.at(0).status, 400);
  EXPECT_THAT(call->responses.at(0).body, HasSubstr("api not implemented: GET"));
  EXPECT_THAT(Call("PUT", kTasksPath)->responses.at(0).body,
              HasSubstr("api not implemented: PUT"));
}

TEST_F(MockServiceTest, AdminCallsGoToTheAdminApiAndAreNotJournaled) {
  EXPECT_EQ(LastSeq(), 0);
  EXPECT_EQ(Call("GET", "/__mock/nothing")->responses.at(0).status, 404);
  EXPECT_EQ(LastSeq(), 0);
}

TEST_F(MockServiceTest, MediaNeedsNoToken) {
  auto image = Call("GET", "/seedance/abc.png", "", {});
  ASSERT_EQ(image->responses.size(), 1u);
  EXPECT_EQ(image->responses[0].status, 200);
  EXPECT_EQ(*image->responses[0].FindHeader("Content-Type"), "image/png");
  EXPECT_EQ(Call("POST", kVideosPath, kAsyncBody, {})->responses.at(0).status, 401);
}

TEST_F(MockServiceTest, ResetAnswersHeldCallsAndCancelsTimers) {
  auto call = Call("POST", kVideosPath, kBlockingBody);
  EXPECT_GT(tasks_.pending(), 0u);
  service_.Reset();
  EXPECT_EQ(tasks_.pending(), 0u);
  ASSERT_EQ(call->responses.size(), 1u);
  EXPECT_EQ(call->responses[0].status, 500);
  EXPECT_THAT(call->responses[0].body, HasSubstr("the mock was reset"));
}

}  // namespace
}  // namespace seedance::mock_upstream
