// GatewayStats: what the gateway's parts report as it runs, for operators
// (the Prometheus exporter, metrics/prometheus_gateway_stats.h, implements
// it). The parts call it where things happen; they know nothing of the
// exporter. Every label is an enum or a value from a closed set, so a task
// id, token or URL can never become one.
//
//   stats.UpstreamRequest(UpstreamCall::kSubmit, status, 429, latency);
//
// Every method does nothing by default: NoStats() is the part's default
// until the gateway gives it the real one. Thread-safe in implementations.
#ifndef SEEDANCE_SERVER_STATS_GATEWAY_STATS_H_
#define SEEDANCE_SERVER_STATS_GATEWAY_STATS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "seedance/v1/video_gateway.pb.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::server::stats {

enum class UpstreamCall { kSubmit, kRetrieve };

// How a callback from the upstream ended.
enum class CallbackResult {
  kApplied,     // a task in progress took it (a repeat of a state it has too)
  kDuplicate,   // the task had ended: acknowledged so the upstream stops
  kRefused,     // unknown task, wrong secret, a body that does not parse
  kRetryLater,  // not stored (store away, task being resumed): 503
};

// How a delivery to a caller's callback_url ended.
enum class WebhookResult {
  kDelivered,  // a 2xx
  kRefused,    // a 4xx that retrying will not change
  kGaveUp,     // every attempt failed
};

class GatewayStats {
 public:
  virtual ~GatewayStats() = default;

  // A task's change to `state` is committed (PENDING when it is created).
  virtual void TaskEntered(v1::TaskState /*state*/) {}

  // An HTTP request to the upstream ended: `outcome` as the gateway reads
  // it, `http_status` 0 when no HTTP answer came.
  virtual void UpstreamRequest(UpstreamCall /*call*/, const absl::Status& /*outcome*/,
                               int /*http_status*/, absl::Duration /*latency*/) {}

  // A submission will be sent again after a failure that left it unsent.
  virtual void SubmissionRetried() {}

  virtual void CallbackReceived(CallbackResult /*result*/) {}

  // One attempt to deliver a webhook failed and another is scheduled.
  virtual void WebhookRetried() {}
  virtual void WebhookEnded(WebhookResult /*result*/) {}

  // The task loop committed a batch of writes (`ok`: all of them).
  virtual void StoreCommitted(absl::Duration /*latency*/, bool /*ok*/) {}

  // Work posted to the task loop waited this long before it ran.
  virtual void LoopQueueDelay(absl::Duration /*delay*/) {}

  // A result file's copy ended: kept (`outcome` OK, `bytes` stored) or not
  // (the reason's code).
  virtual void ContentFetched(v1::ResultFile /*file*/, const absl::Status& /*outcome*/,
                              int64_t /*bytes*/) {}
  // A kept file was removed after its retention time.
  virtual void ContentExpired() {}
};

// Counts nothing.
inline GatewayStats& NoStats() {
  static GatewayStats none;
  return none;
}

}  // namespace seedance::server::stats

#endif  // SEEDANCE_SERVER_STATS_GATEWAY_STATS_H_
