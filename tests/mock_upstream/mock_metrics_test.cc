// MockMetrics over a journal: what each kind of entry counts, with bounded
// labels only. The scrape through the router is in mock_service_test.cc.
#include "mock_upstream/mock_metrics.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"

namespace seedance::mock_upstream {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct RouteCase {
  const char* method;
  const char* path;
  const char* route;
};

class RouteLabelTest : public ::testing::TestWithParam<RouteCase> {};

TEST_P(RouteLabelTest, NamesTheRoute) {
  EXPECT_EQ(RouteLabel(GetParam().method, GetParam().path), GetParam().route);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RouteLabelTest,
    ::testing::Values(RouteCase{"POST", "/v1/seedance/videos", "videos"},
                      RouteCase{"POST", "/v1/seedance/tasks", "tasks"},
                      RouteCase{"GET", "/v1/seedance/videos", "other"},
                      RouteCase{"GET", "/seedance/3f2a9c1e.mp4", "media"},
                      RouteCase{"GET", "/secret-token/whatever", "other"},
                      RouteCase{"", "", "other"}));

TEST(BoundedLabelTest, KeepsKnownValuesOnly) {
  EXPECT_EQ(BoundedLabel("b", {"a", "b"}), "b");
  EXPECT_EQ(BoundedLabel("task-1234", {"a", "b"}), "other");
  EXPECT_EQ(BoundedLabel("", {"a", "b"}), "none");
}

class MockMetricsTest : public ::testing::Test {
 protected:
  MockMetricsTest() {
    journal_.SetObserver([this](const JournalEntry& e) { metrics_.Count(e); });
  }

  testing::FakeClock clock_;
  Journal journal_{clock_, 100};
  MockMetrics metrics_{journal_};
};

TEST_F(MockMetricsTest, CountsRequestsAnswersTasksAndCallbacks) {
  int64_t videos = journal_.Append(
      "request", {{"method", "POST"}, {"path", "/v1/seedance/videos"}, {"token_key", "k1"}});
  int64_t other =
      journal_.Append("request", {{"method", "GET"}, {"path", "/v1/secret-path-abc"}});
  journal_.Append("response", {{"request_seq", videos}, {"status", int64_t{200}},
                               {"task_id", "task-77"}});
  journal_.Append("response", {{"request_seq", other},
                               {"status", int64_t{400}},
                               {"error_code", "api_not_implemented"}});
  journal_.Append("response",
                  {{"request_seq", videos}, {"status", int64_t{500}}, {"fault", "reset"}});
  journal_.Append("response",
                  {{"request_seq", videos}, {"task_id", "task-77"}, {"outcome", "client_gone"}});
  journal_.Append("task", {{"task_id", "task-77"}, {"status", "running"}});
  journal_.Append("task", {{"task_id", "task-77"}, {"status", "made-up"}});
  journal_.Append("callback", {{"task_id", "task-77"}, {"outcome", "delivered"}});
  journal_.Append("callback", {{"task_id", "task-77"}, {"outcome", "dropped"}});
  journal_.Append("admin", {{"action", "reset"}});

  std::string text = metrics_.Exposition();
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_requests_received_total{route="videos"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_requests_received_total{route="other"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_requests_total{error_code="none",fault="none",)"
                              R"(route="videos",status="200"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_requests_total{error_code="api_not_implemented",)"
                              R"(fault="none",route="other",status="400"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_requests_total{error_code="none",fault="reset",)"
                              R"(route="videos",status="500"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_requests_total{error_code="none",fault="none",)"
                              R"(route="videos",status="none"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_task_transitions_total{status="running"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_task_transitions_total{status="other"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_callbacks_total{outcome="delivered"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(seedance_mock_callbacks_total{outcome="dropped"} 1)"));
  // No id, token fingerprint or path in any label.
  EXPECT_THAT(text, Not(HasSubstr("task-77")));
  EXPECT_THAT(text, Not(HasSubstr("k1")));
  EXPECT_THAT(text, Not(HasSubstr("secret-path")));
}

TEST_F(MockMetricsTest, AnAnswerWhoseRequestWasClearedCountsAsOtherRoute) {
  int64_t seq = journal_.Append("request", {{"method", "POST"}, {"path", "/v1/seedance/tasks"}});
  journal_.Clear();  // the admin reset
  journal_.Append("response", {{"request_seq", seq}, {"status", int64_t{200}}});
  EXPECT_THAT(metrics_.Exposition(),
              HasSubstr(R"(seedance_mock_requests_total{error_code="none",fault="none",)"
                        R"(route="other",status="200"} 1)"));
}

TEST(JournalFieldTextTest, FindsAnEntryBySeqWhileItIsKept) {
  testing::FakeClock clock;
  Journal journal(clock, /*limit=*/2);
  int64_t first = journal.Append("request", {{"path", "/a"}});
  int64_t second = journal.Append("request", {{"path", "/b"}});
  EXPECT_EQ(journal.FieldText(first, "path"), "/a");
  EXPECT_EQ(journal.FieldText(second, "path"), "/b");
  EXPECT_EQ(journal.FieldText(second, "missing"), "");
  journal.Append("request", {{"path", "/c"}});  // past the limit: the first goes
  EXPECT_EQ(journal.FieldText(first, "path"), "");
  EXPECT_EQ(journal.FieldText(second, "path"), "/b");
  EXPECT_EQ(journal.FieldText(99, "path"), "");
}

}  // namespace
}  // namespace seedance::mock_upstream
