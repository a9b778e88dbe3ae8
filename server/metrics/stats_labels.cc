#include "server/metrics/stats_labels.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/metrics/grpc_labels.h"

namespace seedance::server::metrics {

std::string TaskStateLabel(v1::TaskState state) {
  if (state == v1::TASK_STATE_UNSPECIFIED || !v1::TaskState_IsValid(state)) return "unspecified";
  return absl::AsciiStrToLower(absl::StripPrefix(v1::TaskState_Name(state), "TASK_STATE_"));
}

std::string UpstreamCallLabel(stats::UpstreamCall call) {
  switch (call) {
    case stats::UpstreamCall::kSubmit:
      return "submit";
    case stats::UpstreamCall::kRetrieve:
      return "retrieve";
  }
  return "unknown";
}

std::string OutcomeLabel(const absl::Status& outcome) {
  return GrpcCodeLabel(static_cast<grpc::StatusCode>(outcome.code()));
}

std::string HttpStatusLabel(int http_status) {
  if (http_status == 0) return "none";
  if (http_status < 100 || http_status > 599) return "other";
  return absl::StrCat(http_status);
}

std::string CallbackResultLabel(stats::CallbackResult result) {
  switch (result) {
    case stats::CallbackResult::kApplied:
      return "applied";
    case stats::CallbackResult::kDuplicate:
      return "duplicate";
    case stats::CallbackResult::kRefused:
      return "refused";
    case stats::CallbackResult::kRetryLater:
      return "retry_later";
  }
  return "unknown";
}

std::string WebhookResultLabel(stats::WebhookResult result) {
  switch (result) {
    case stats::WebhookResult::kDelivered:
      return "delivered";
    case stats::WebhookResult::kRefused:
      return "refused";
    case stats::WebhookResult::kGaveUp:
      return "gave_up";
  }
  return "unknown";
}

}  // namespace seedance::server::metrics
