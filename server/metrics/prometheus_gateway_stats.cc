#include "server/metrics/prometheus_gateway_stats.h"

#include <algorithm>

#include "server/metrics/stats_labels.h"

namespace seedance::server::metrics {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// Upstream calls may block for one or two minutes (the provider's guide).
const prometheus::Histogram::BucketBoundaries kUpstreamBuckets = {
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
// A commit is a local fsync (SQLite) or a round trip and a WAL flush
// (PostgreSQL).
const prometheus::Histogram::BucketBoundaries kCommitBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
const prometheus::Histogram::BucketBoundaries kQueueBuckets = {
    0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1};

// Moves `counter` by the growth of a count read from a part since `last`,
// which becomes the larger of the two (a late, older reading counts nothing
// twice).
void Grow(prometheus::Counter& counter, int64_t now, int64_t& last) {
  if (now <= last) return;
  counter.Increment(static_cast<double>(now - last));
  last = now;
}

// Seconds, never negative (the wall clock may step back).
double Seconds(absl::Duration d) { return std::max(0.0, absl::ToDoubleSeconds(d)); }

}  // namespace

PrometheusGatewayStats::PrometheusGatewayStats(prometheus::Registry& registry)
    : transitions_(BuildCounter()
                       .Name("seedance_gateway_task_transitions_total")
                       .Help("Task state changes committed, by the state entered (pending: "
                             "created).")
                       .Register(registry)),
      tasks_(BuildGauge()
                 .Name("seedance_gateway_tasks")
                 .Help("Tasks this process drives now, by state.")
                 .Register(registry)),
      upstream_requests_(BuildCounter()
                             .Name("seedance_gateway_upstream_requests_total")
                             .Help("HTTP requests to the upstream, by call, outcome (a gRPC code "
                                   "name) and HTTP status (none: no answer).")
                             .Register(registry)),
      upstream_seconds_(BuildHistogram()
                            .Name("seedance_gateway_upstream_request_seconds")
                            .Help("Time from sending a request to the upstream to its answer.")
                            .Register(registry)),
      submit_seconds_(upstream_seconds_.Add({{"call", "submit"}}, kUpstreamBuckets)),
      retrieve_seconds_(upstream_seconds_.Add({{"call", "retrieve"}}, kUpstreamBuckets)),
      submissions_retried_(BuildCounter()
                               .Name("seedance_gateway_submissions_retried_total")
                               .Help("Submissions sent again after a failure that left them "
                                     "unsent.")
                               .Register(registry)
                               .Add({})),
      callbacks_(BuildCounter()
                     .Name("seedance_gateway_upstream_callbacks_total")
                     .Help("Callbacks from the upstream, by result (applied, duplicate, "
                           "refused, retry_later).")
                     .Register(registry)),
      webhooks_(BuildCounter()
                    .Name("seedance_gateway_webhook_deliveries_total")
                    .Help("Deliveries to callers' callback_url ended, by result (delivered, "
                          "refused, gave_up).")
                    .Register(registry)),
      webhook_retries_(BuildCounter()
                           .Name("seedance_gateway_webhook_retries_total")
                           .Help("Webhook attempts that failed and were scheduled again.")
                           .Register(registry)
                           .Add({})),
      store_commit_seconds_(BuildHistogram()
                                .Name("seedance_gateway_store_commit_seconds")
                                .Help("Time to commit one batch of task writes.")
                                .Register(registry)
                                .Add({}, kCommitBuckets)),
      store_commits_failed_(BuildCounter()
                                .Name("seedance_gateway_store_commits_failed_total")
                                .Help("Batches of task writes the store did not take whole.")
                                .Register(registry)
                                .Add({})),
      loop_queue_delay_seconds_(BuildHistogram()
                                    .Name("seedance_gateway_loop_queue_delay_seconds")
                                    .Help("Time work posted to the task loop waited to run.")
                                    .Register(registry)
                                    .Add({}, kQueueBuckets)),
      loop_oldest_wait_seconds_(BuildGauge()
                                    .Name("seedance_gateway_loop_oldest_wait_seconds")
                                    .Help("How long the oldest work queued on the task loop has "
                                          "waited so far (0: none queued).")
                                    .Register(registry)
                                    .Add({})),
      leases_held_(BuildGauge()
                       .Name("seedance_gateway_leases_held")
                       .Help("Task leases this replica holds now (0 with one gateway).")
                       .Register(registry)
                       .Add({})),
      leases_taken_over_(BuildCounter()
                             .Name("seedance_gateway_lease_takeovers_total")
                             .Help("Tasks this replica took over from another (an expired "
                                   "lease, or a request that came here).")
                             .Register(registry)
                             .Add({})),
      leases_lost_(BuildCounter()
                       .Name("seedance_gateway_leases_lost_total")
                       .Help("Tasks another replica took over from this one.")
                       .Register(registry)
                       .Add({})),
      watch_streams_(BuildGauge()
                         .Name("seedance_gateway_watch_streams")
                         .Help("Watch streams open now.")
                         .Register(registry)
                         .Add({})),
      watch_streams_stalled_(BuildCounter()
                                 .Name("seedance_gateway_watch_streams_stalled_total")
                                 .Help("Watch streams closed because their client stopped "
                                       "reading.")
                                 .Register(registry)
                                 .Add({})),
      content_fetches_(BuildCounter()
                           .Name("seedance_gateway_content_fetches_total")
                           .Help("Result files the gateway tried to keep, by file (video, "
                                 "last_frame) and outcome (OK: kept; else the status code).")
                           .Register(registry)),
      content_stored_bytes_(BuildCounter()
                                .Name("seedance_gateway_content_stored_bytes_total")
                                .Help("Bytes of result files kept.")
                                .Register(registry)
                                .Add({})),
      content_expired_(BuildCounter()
                           .Name("seedance_gateway_content_expired_total")
                           .Help("Kept result files removed after their retention time.")
                           .Register(registry)
                           .Add({})),
      content_streams_(BuildGauge()
                           .Name("seedance_gateway_content_streams")
                           .Help("ReadVideoContent streams open now.")
                           .Register(registry)
                           .Add({})) {
  for (int s = 1; s < kStates; ++s) {
    std::string state = TaskStateLabel(static_cast<v1::TaskState>(s));
    transitions_by_state_[s] = &transitions_.Add({{"state", state}});
    tasks_by_state_[s] = &tasks_.Add({{"state", state}});
  }
  for (stats::CallbackResult r :
       {stats::CallbackResult::kApplied, stats::CallbackResult::kDuplicate,
        stats::CallbackResult::kRefused, stats::CallbackResult::kRetryLater}) {
    callbacks_by_result_[static_cast<size_t>(r)] =
        &callbacks_.Add({{"result", CallbackResultLabel(r)}});
  }
  for (stats::WebhookResult r : {stats::WebhookResult::kDelivered, stats::WebhookResult::kRefused,
                                 stats::WebhookResult::kGaveUp}) {
    webhooks_by_result_[static_cast<size_t>(r)] =
        &webhooks_.Add({{"result", WebhookResultLabel(r)}});
  }
}

void PrometheusGatewayStats::TaskEntered(v1::TaskState state) {
  int s = static_cast<int>(state);
  if (s > 0 && s < kStates) transitions_by_state_[s]->Increment();
}

void PrometheusGatewayStats::UpstreamRequest(stats::UpstreamCall call,
                                             const absl::Status& outcome, int http_status,
                                             absl::Duration latency) {
  upstream_requests_
      .Add({{"call", UpstreamCallLabel(call)},
            {"outcome", OutcomeLabel(outcome)},
            {"http_status", HttpStatusLabel(http_status)}})
      .Increment();
  (call == stats::UpstreamCall::kSubmit ? submit_seconds_ : retrieve_seconds_)
      .Observe(Seconds(latency));
}

void PrometheusGatewayStats::SubmissionRetried() { submissions_retried_.Increment(); }

void PrometheusGatewayStats::CallbackReceived(stats::CallbackResult result) {
  callbacks_by_result_[static_cast<size_t>(result)]->Increment();
}

void PrometheusGatewayStats::WebhookRetried() { webhook_retries_.Increment(); }

void PrometheusGatewayStats::WebhookEnded(stats::WebhookResult result) {
  webhooks_by_result_[static_cast<size_t>(result)]->Increment();
}

void PrometheusGatewayStats::StoreCommitted(absl::Duration latency, bool ok) {
  store_commit_seconds_.Observe(Seconds(latency));
  if (!ok) store_commits_failed_.Increment();
}

void PrometheusGatewayStats::LoopQueueDelay(absl::Duration delay) {
  loop_queue_delay_seconds_.Observe(Seconds(delay));
}

void PrometheusGatewayStats::ContentFetched(v1::ResultFile file, const absl::Status& outcome,
                                            int64_t bytes) {
  content_fetches_
      .Add({{"file", file == v1::RESULT_FILE_LAST_FRAME ? "last_frame" : "video"},
            {"outcome", OutcomeLabel(outcome)}})
      .Increment();
  if (outcome.ok()) content_stored_bytes_.Increment(static_cast<double>(bytes));
}

void PrometheusGatewayStats::ContentExpired() { content_expired_.Increment(); }

void PrometheusGatewayStats::RefreshTasks(const TaskCensus& now) {
  absl::MutexLock lock(&mu_);
  for (int s = 1; s < kStates; ++s) {
    tasks_by_state_[s]->Set(static_cast<double>(now.tasks_by_state[s]));
  }
  leases_held_.Set(static_cast<double>(now.leases_held));
  Grow(leases_taken_over_, now.leases_taken_over, last_census_.leases_taken_over);
  Grow(leases_lost_, now.leases_lost, last_census_.leases_lost);
}

void PrometheusGatewayStats::RefreshServing(const ServingFigures& now) {
  absl::MutexLock lock(&mu_);
  watch_streams_.Set(static_cast<double>(now.watch_streams));
  content_streams_.Set(static_cast<double>(now.content_streams));
  loop_oldest_wait_seconds_.Set(Seconds(now.loop_oldest_wait));
  Grow(watch_streams_stalled_, now.watch_streams_stalled, last_serving_.watch_streams_stalled);
}

}  // namespace seedance::server::metrics
