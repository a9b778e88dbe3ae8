// PrometheusGatewayStats: what each report does to the exposition, the
// counters read from the parts at a scrape, and promtool on the result.
#include "server/metrics/prometheus_gateway_stats.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/metrics/exposition.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::server::metrics {
namespace {

using ::seedance::testing::IsOk;
using testing::SampleValue;

class PrometheusGatewayStatsTest : public ::testing::Test {
 protected:
  std::string Text() const { return TextExposition(registry_); }
  std::optional<double> Value(const std::string& series) const {
    return SampleValue(Text(), series);
  }

  prometheus::Registry registry_;
  PrometheusGatewayStats stats_{registry_};
};

TEST_F(PrometheusGatewayStatsTest, EveryFamilyIsThereBeforeAnythingHappens) {
  // Zeros rather than absent series: rate() and alerts work from the start.
  EXPECT_EQ(Value(R"(seedance_gateway_task_transitions_total{state="succeeded"})"), 0);
  EXPECT_EQ(Value(R"(seedance_gateway_tasks{state="running"})"), 0);
  EXPECT_EQ(Value(R"(seedance_gateway_upstream_callbacks_total{result="duplicate"})"), 0);
  EXPECT_EQ(Value(R"(seedance_gateway_webhook_deliveries_total{result="gave_up"})"), 0);
  EXPECT_EQ(Value("seedance_gateway_submissions_retried_total"), 0);
  EXPECT_EQ(Value("seedance_gateway_store_commit_seconds_count"), 0);
  EXPECT_EQ(Value("seedance_gateway_loop_queue_delay_seconds_count"), 0);
  EXPECT_EQ(Value("seedance_gateway_leases_held"), 0);
  EXPECT_EQ(Value("seedance_gateway_watch_streams"), 0);
  EXPECT_FALSE(Value(R"(seedance_gateway_task_transitions_total{state="unspecified"})"));
}

TEST_F(PrometheusGatewayStatsTest, ReportsMoveTheirSeries) {
  stats_.TaskEntered(v1::TASK_STATE_PENDING);
  stats_.TaskEntered(v1::TASK_STATE_SUCCEEDED);
  stats_.TaskEntered(v1::TASK_STATE_SUCCEEDED);
  stats_.TaskEntered(v1::TASK_STATE_UNSPECIFIED);  // not a state a task enters: ignored
  stats_.UpstreamRequest(stats::UpstreamCall::kSubmit, absl::OkStatus(), 200,
                         absl::Milliseconds(300));
  stats_.UpstreamRequest(stats::UpstreamCall::kSubmit, absl::ResourceExhaustedError("busy"), 429,
                         absl::Milliseconds(20));
  stats_.UpstreamRequest(stats::UpstreamCall::kRetrieve, absl::UnavailableError("reset"), 0,
                         absl::Seconds(90));
  stats_.SubmissionRetried();
  stats_.CallbackReceived(stats::CallbackResult::kApplied);
  stats_.CallbackReceived(stats::CallbackResult::kDuplicate);
  stats_.CallbackReceived(stats::CallbackResult::kDuplicate);
  stats_.WebhookRetried();
  stats_.WebhookEnded(stats::WebhookResult::kDelivered);
  stats_.StoreCommitted(absl::Microseconds(800), true);
  stats_.StoreCommitted(absl::Milliseconds(3), false);
  stats_.LoopQueueDelay(absl::Microseconds(30));
  stats_.ContentFetched(v1::RESULT_FILE_VIDEO, absl::OkStatus(), 3000);
  stats_.ContentFetched(v1::RESULT_FILE_LAST_FRAME, absl::PermissionDeniedError("403"), 0);
  stats_.ContentExpired();

  std::string text = Text();
  SCOPED_TRACE(text);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_task_transitions_total{state="pending"})"), 1);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_content_fetches_total{file="video",outcome="OK"})"),
            1);
  EXPECT_EQ(SampleValue(
                text,
                R"(seedance_gateway_content_fetches_total{file="last_frame",outcome="PermissionDenied"})"),
            1);
  EXPECT_EQ(SampleValue(text, "seedance_gateway_content_stored_bytes_total"), 3000);
  EXPECT_EQ(SampleValue(text, "seedance_gateway_content_expired_total"), 1);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_task_transitions_total{state="succeeded"})"),
            2);
  EXPECT_EQ(SampleValue(
                text,
                R"(seedance_gateway_upstream_requests_total{call="submit",http_status="200",outcome="OK"})"),
            1);
  EXPECT_EQ(SampleValue(
                text,
                R"(seedance_gateway_upstream_requests_total{call="submit",http_status="429",outcome="ResourceExhausted"})"),
            1);
  EXPECT_EQ(SampleValue(
                text,
                R"(seedance_gateway_upstream_requests_total{call="retrieve",http_status="none",outcome="Unavailable"})"),
            1);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_upstream_request_seconds_count{call="submit"})"),
            2);
  // 300 ms and 20 ms: both at or under 0.5 s, one under 0.25 s.
  EXPECT_EQ(SampleValue(text,
                        R"(seedance_gateway_upstream_request_seconds_bucket{call="submit",le="0.5"})"),
            2);
  EXPECT_EQ(SampleValue(
                text, R"(seedance_gateway_upstream_request_seconds_bucket{call="submit",le="0.25"})"),
            1);
  // A call that blocked 90 s falls in the 120 s bucket, not +Inf only.
  EXPECT_EQ(SampleValue(
                text, R"(seedance_gateway_upstream_request_seconds_bucket{call="retrieve",le="120"})"),
            1);
  EXPECT_EQ(SampleValue(text, "seedance_gateway_submissions_retried_total"), 1);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_upstream_callbacks_total{result="applied"})"), 1);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_upstream_callbacks_total{result="duplicate"})"),
            2);
  EXPECT_EQ(SampleValue(text, "seedance_gateway_webhook_retries_total"), 1);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_webhook_deliveries_total{result="delivered"})"),
            1);
  EXPECT_EQ(SampleValue(text, "seedance_gateway_store_commit_seconds_count"), 2);
  EXPECT_EQ(SampleValue(text, R"(seedance_gateway_store_commit_seconds_bucket{le="0.001"})"), 1);
  EXPECT_EQ(SampleValue(text, "seedance_gateway_store_commits_failed_total"), 1);
  EXPECT_EQ(SampleValue(text, "seedance_gateway_loop_queue_delay_seconds_count"), 1);
  testing::TempDir dir;
  EXPECT_THAT(testing::PromtoolCheck(text, dir.path() + "/metrics.txt"), IsOk());
}

TEST_F(PrometheusGatewayStatsTest, ARefreshSetsGaugesAndCountersGrowByWhatThePartsCounted) {
  TaskCensus census;
  census.tasks_by_state[v1::TASK_STATE_RUNNING] = 3;
  census.leases_held = 3;
  census.leases_taken_over = 5;
  stats_.RefreshTasks(census);
  stats_.RefreshServing(
      {.watch_streams = 2, .watch_streams_stalled = 1, .loop_oldest_wait = absl::Seconds(4)});
  EXPECT_EQ(Value(R"(seedance_gateway_tasks{state="running"})"), 3);
  EXPECT_EQ(Value("seedance_gateway_leases_held"), 3);
  EXPECT_EQ(Value("seedance_gateway_lease_takeovers_total"), 5);
  EXPECT_EQ(Value("seedance_gateway_watch_streams"), 2);
  EXPECT_EQ(Value("seedance_gateway_watch_streams_stalled_total"), 1);
  EXPECT_EQ(Value("seedance_gateway_loop_oldest_wait_seconds"), 4);

  census.tasks_by_state[v1::TASK_STATE_RUNNING] = 1;
  census.leases_taken_over = 7;
  stats_.RefreshTasks(census);
  stats_.RefreshServing({.watch_streams = 0, .watch_streams_stalled = 1});
  EXPECT_EQ(Value(R"(seedance_gateway_tasks{state="running"})"), 1);
  EXPECT_EQ(Value("seedance_gateway_lease_takeovers_total"), 7);  // not 12
  EXPECT_EQ(Value("seedance_gateway_watch_streams"), 0);
  EXPECT_EQ(Value("seedance_gateway_watch_streams_stalled_total"), 1);
  EXPECT_EQ(Value("seedance_gateway_loop_oldest_wait_seconds"), 0);
}

TEST_F(PrometheusGatewayStatsTest, AnOlderReadingCountsNothingTwice) {
  TaskCensus newer;
  newer.leases_taken_over = 4;
  TaskCensus older;
  older.leases_taken_over = 2;
  stats_.RefreshTasks(newer);
  stats_.RefreshTasks(older);  // came late
  newer.leases_taken_over = 5;
  stats_.RefreshTasks(newer);
  EXPECT_EQ(Value("seedance_gateway_lease_takeovers_total"), 5);
}

TEST_F(PrometheusGatewayStatsTest, AClockSteppingBackIsNoNegativeDuration) {
  stats_.StoreCommitted(absl::Milliseconds(-3), true);
  EXPECT_EQ(Value(R"(seedance_gateway_store_commit_seconds_bucket{le="0.0001"})"), 1);
  EXPECT_EQ(Value("seedance_gateway_store_commit_seconds_sum"), 0);
}

}  // namespace
}  // namespace seedance::server::metrics
