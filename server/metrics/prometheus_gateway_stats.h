// PrometheusGatewayStats: stats::GatewayStats as Prometheus metrics in a
// registry, plus the gauges and counters read from the parts for a scrape:
// the task census on the task loop (RefreshTasks), the rest on the
// scraping thread (RefreshServing). The names and what each means are
// listed in docs/running.md, "Metrics and health".
//
//   PrometheusGatewayStats stats(registry);
//   TaskCoreDeps{..., .stats = &stats};
//   loop.Post([&] { stats.RefreshTasks(census); });  // before an exposition
#ifndef SEEDANCE_SERVER_METRICS_PROMETHEUS_GATEWAY_STATS_H_
#define SEEDANCE_SERVER_METRICS_PROMETHEUS_GATEWAY_STATS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "server/stats/gateway_stats.h"

namespace seedance::server::metrics {

// What the parts hold now, read for a scrape. Counts are since the process
// started (the counters take their growth).
// Read on the task loop:
struct TaskCensus {
  // Tasks this process drives now, by state (index: v1::TaskState).
  std::array<int64_t, 8> tasks_by_state{};
  int64_t leases_held = 0;
  int64_t leases_taken_over = 0;
  int64_t leases_lost = 0;
};
// Read anywhere:
struct ServingFigures {
  int64_t watch_streams = 0;
  // ReadVideoContent streams open now.
  int64_t content_streams = 0;
  int64_t watch_streams_stalled = 0;
  // How long the oldest work queued on the task loop has waited.
  absl::Duration loop_oldest_wait;
};

class PrometheusGatewayStats : public stats::GatewayStats {
 public:
  // Registers the families in `registry`, which must outlive this.
  explicit PrometheusGatewayStats(prometheus::Registry& registry);

  // stats::GatewayStats:
  void TaskEntered(v1::TaskState state) override;
  void UpstreamRequest(stats::UpstreamCall call, const absl::Status& outcome, int http_status,
                       absl::Duration latency) override;
  void SubmissionRetried() override;
  void CallbackReceived(stats::CallbackResult result) override;
  void WebhookRetried() override;
  void WebhookEnded(stats::WebhookResult result) override;
  void StoreCommitted(absl::Duration latency, bool ok) override;
  void LoopQueueDelay(absl::Duration delay) override;
  void ContentFetched(v1::ResultFile file, const absl::Status& outcome, int64_t bytes) override;
  void ContentExpired() override;

  // Set the gauges and move the counters read from the parts.
  void RefreshTasks(const TaskCensus& census);
  void RefreshServing(const ServingFigures& figures);

 private:
  static constexpr int kStates = 8;
  prometheus::Family<prometheus::Counter>& transitions_;
  std::array<prometheus::Counter*, kStates> transitions_by_state_{};
  prometheus::Family<prometheus::Gauge>& tasks_;
  std::array<prometheus::Gauge*, kStates> tasks_by_state_{};
  prometheus::Family<prometheus::Counter>& upstream_requests_;
  prometheus::Family<prometheus::Histogram>& upstream_seconds_;
  prometheus::Histogram& submit_seconds_;
  prometheus::Histogram& retrieve_seconds_;
  prometheus::Counter& submissions_retried_;
  prometheus::Family<prometheus::Counter>& callbacks_;
  std::array<prometheus::Counter*, 4> callbacks_by_result_{};  // by CallbackResult
  prometheus::Family<prometheus::Counter>& webhooks_;
  std::array<prometheus::Counter*, 3> webhooks_by_result_{};  // by WebhookResult
  prometheus::Counter& webhook_retries_;
  prometheus::Histogram& store_commit_seconds_;
  prometheus::Counter& store_commits_failed_;
  prometheus::Histogram& loop_queue_delay_seconds_;
  prometheus::Gauge& loop_oldest_wait_seconds_;
  prometheus::Gauge& leases_held_;
  prometheus::Counter& leases_taken_over_;
  prometheus::Counter& leases_lost_;
  prometheus::Gauge& watch_streams_;
  prometheus::Counter& watch_streams_stalled_;
  prometheus::Family<prometheus::Counter>& content_fetches_;
  prometheus::Counter& content_stored_bytes_;
  prometheus::Counter& content_expired_;
  prometheus::Gauge& content_streams_;

  absl::Mutex mu_;
  TaskCensus last_census_ ABSL_GUARDED_BY(mu_);
  ServingFigures last_serving_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::server::metrics

#endif  // SEEDANCE_SERVER_METRICS_PROMETHEUS_GATEWAY_STATS_H_
