// RecordingStats: a stats::GatewayStats that keeps what it was told, for
// tests of the parts that report to it.
//
//   RecordingStats stats;
//   WebhookForwarder forwarder({.stats = &stats}, ...);
//   EXPECT_EQ(stats.webhooks_ended, (std::vector{WebhookResult::kDelivered}));
#ifndef SEEDANCE_TESTS_SERVER_STATS_RECORDING_STATS_H_
#define SEEDANCE_TESTS_SERVER_STATS_RECORDING_STATS_H_

#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/stats/gateway_stats.h"

namespace seedance::server::stats {

class RecordingStats : public GatewayStats {
 public:
  struct Request {
    UpstreamCall call;
    absl::StatusCode outcome;
    int http_status;
    absl::Duration latency;
  };

  void TaskEntered(v1::TaskState state) override { Locked([&] { entered.push_back(state); }); }
  void UpstreamRequest(UpstreamCall call, const absl::Status& outcome, int http_status,
                       absl::Duration latency) override {
    Locked([&] { requests.push_back({call, outcome.code(), http_status, latency}); });
  }
  void SubmissionRetried() override { Locked([&] { ++submissions_retried; }); }
  void CallbackReceived(CallbackResult result) override {
    Locked([&] { callbacks.push_back(result); });
  }
  void WebhookRetried() override { Locked([&] { ++webhook_retries; }); }
  void WebhookEnded(WebhookResult result) override {
    Locked([&] { webhooks_ended.push_back(result); });
  }
  void StoreCommitted(absl::Duration latency, bool ok) override {
    Locked([&] {
      commit_latencies.push_back(latency);
      failed_commits += ok ? 0 : 1;
    });
  }
  void LoopQueueDelay(absl::Duration delay) override {
    Locked([&] { queue_delays.push_back(delay); });
  }
  void ContentFetched(v1::ResultFile file, const absl::Status& outcome, int64_t bytes) override {
    Locked([&] { content_fetches.push_back({file, outcome.code(), bytes}); });
  }
  void ContentExpired() override { Locked([&] { ++content_expired; }); }

  struct Fetch {
    v1::ResultFile file;
    absl::StatusCode outcome;
    int64_t bytes;
  };

  // Read once the parts are quiet (tests drive them on their own thread).
  std::vector<v1::TaskState> entered;
  std::vector<Request> requests;
  int submissions_retried = 0;
  std::vector<CallbackResult> callbacks;
  int webhook_retries = 0;
  std::vector<WebhookResult> webhooks_ended;
  std::vector<absl::Duration> commit_latencies;
  int failed_commits = 0;
  std::vector<absl::Duration> queue_delays;
  std::vector<Fetch> content_fetches;
  int content_expired = 0;

 private:
  template <typename F>
  void Locked(F f) {
    absl::MutexLock lock(&mu_);
    f();
  }
  absl::Mutex mu_;
};

}  // namespace seedance::server::stats

#endif  // SEEDANCE_TESTS_SERVER_STATS_RECORDING_STATS_H_
