// The label values of the gateway's own metrics (prometheus_gateway_stats.h):
// pure mappings from the closed sets that stats::GatewayStats reports, so
// that no label can hold a task id, token or URL.
//
//   TaskStateLabel(v1::TASK_STATE_SUCCEEDED)  // "succeeded"
//   HttpStatusLabel(0)                        // "none": no HTTP answer
#ifndef SEEDANCE_SERVER_METRICS_STATS_LABELS_H_
#define SEEDANCE_SERVER_METRICS_STATS_LABELS_H_

#include <string>

#include "absl/status/status.h"
#include "server/stats/gateway_stats.h"

namespace seedance::server::metrics {

// "pending", "queued", ...; "unspecified" for anything else.
std::string TaskStateLabel(v1::TaskState state);
std::string UpstreamCallLabel(stats::UpstreamCall call);
// The gRPC code name of the outcome ("OK", "Unavailable", ...), as
// grpc_code is (absl's codes are gRPC's).
std::string OutcomeLabel(const absl::Status& outcome);
// The three digits; "none" for 0 (no HTTP answer), "other" outside
// 100-599.
std::string HttpStatusLabel(int http_status);
std::string CallbackResultLabel(stats::CallbackResult result);
std::string WebhookResultLabel(stats::WebhookResult result);

}  // namespace seedance::server::metrics

#endif  // SEEDANCE_SERVER_METRICS_STATS_LABELS_H_
