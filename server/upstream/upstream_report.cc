#include "server/upstream/upstream_report.h"

#include <map>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/upstream/upstream_errors.h"
#include "upstream_api/status_details.h"
#include "upstream_api/wire_values.h"

namespace seedance::server::upstream {
namespace {

// Why a task did not succeed, as the upstream's answer tells it.
absl::Status OutcomeError(v1::TaskState state,
                          const seedance::upstream::v1::VideosResponse& answer) {
  std::string detail = answer.error().message();
  absl::Status status;
  std::string reason;
  switch (state) {
    case v1::TASK_STATE_EXPIRED:
      status = absl::DeadlineExceededError(
          "the upstream expired the task: it did not finish within "
          "execution_expires_after");
      reason = "TASK_EXPIRED";
      break;
    case v1::TASK_STATE_CANCELLED:
      status = absl::CancelledError("the upstream cancelled the task");
      reason = "UPSTREAM_CANCELLED";
      break;
    default:
      // ABORTED: this task is over, but a new one may well succeed.
      status = absl::AbortedError(absl::StrCat(
          "the upstream could not generate the video", detail.empty() ? "" : ": ",
          detail));
      reason = "GENERATION_FAILED";
  }
  std::map<std::string, std::string> metadata;
  if (!answer.error().code().empty()) metadata["upstream_code"] = answer.error().code();
  if (!answer.trace_id().empty()) metadata["trace_id"] = answer.trace_id();
  if (!answer.data().empty() && !answer.data(0).task_id().empty()) {
    metadata["provider_task_id"] = answer.data(0).task_id();
  }
  return upstream_api::WithErrorInfo(std::move(status), reason, kUpstreamErrorDomain, metadata);
}

}  // namespace

v1::TaskState StateFromUpstreamStatus(absl::string_view status) {
  std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(status));
  if (s == upstream_api::kStatusQueued || s == upstream_api::kStatusPending) {
    return v1::TASK_STATE_QUEUED;
  }
  if (s == upstream_api::kStatusRunning || s == upstream_api::kStatusProcessing) {
    return v1::TASK_STATE_RUNNING;
  }
  if (s == upstream_api::kStatusSucceeded) return v1::TASK_STATE_SUCCEEDED;
  if (s == upstream_api::kStatusFailed) return v1::TASK_STATE_FAILED;
  if (s == upstream_api::kStatusCancelled) return v1::TASK_STATE_CANCELLED;
  if (s == upstream_api::kStatusExpired) return v1::TASK_STATE_EXPIRED;
  return v1::TASK_STATE_UNSPECIFIED;
}

absl::Status CheckSameTask(const v1::UpstreamRef& known, const v1::UpstreamRef& reported) {
  auto differ = [](const std::string& a, const std::string& b) {
    return !a.empty() && !b.empty() && a != b;
  };
  if (differ(known.task_id(), reported.task_id())) {
    return absl::FailedPreconditionError(
        absl::StrCat("the answer is about upstream task ", reported.task_id(),
                     ", not this task's ", known.task_id()));
  }
  if (differ(known.provider_task_id(), reported.provider_task_id())) {
    return absl::FailedPreconditionError(
        absl::StrCat("the answer is about provider task ", reported.provider_task_id(),
                     ", not this task's ", known.provider_task_id()));
  }
  return absl::OkStatus();
}

UpstreamReport ReadUpstreamReport(const seedance::upstream::v1::VideosResponse& answer) {
  UpstreamReport report;
  const seedance::upstream::v1::TaskData* data =
      answer.data().empty() ? nullptr : &answer.data(0);
  report.ref.set_task_id(answer.task_id());
  report.ref.set_trace_id(answer.trace_id());
  if (data != nullptr) report.ref.set_provider_task_id(data->task_id());
  report.state = data != nullptr ? StateFromUpstreamStatus(data->status())
                                 : v1::TASK_STATE_UNSPECIFIED;
  if (report.state == v1::TASK_STATE_UNSPECIFIED &&
      ((answer.has_success() && !answer.success()) || answer.has_error())) {
    report.state = v1::TASK_STATE_FAILED;
  }
  switch (report.state) {
    case v1::TASK_STATE_SUCCEEDED:
      if (data == nullptr || data->video_url().empty()) {
        report.state = v1::TASK_STATE_FAILED;
        report.error = upstream_api::WithErrorInfo(
            absl::InternalError("the upstream reported success without a video_url"),
            "UPSTREAM_MALFORMED_RESPONSE", kUpstreamErrorDomain,
            {{"trace_id", answer.trace_id()}});
        break;
      }
      report.result.emplace();
      report.result->set_video_url(data->video_url());
      report.result->set_last_frame_url(data->last_frame_url());
      report.result->set_model(data->model());
      break;
    case v1::TASK_STATE_FAILED:
    case v1::TASK_STATE_EXPIRED:
    case v1::TASK_STATE_CANCELLED:
      report.error = OutcomeError(report.state, answer);
      break;
    default:
      break;
  }
  return report;
}

}  // namespace seedance::server::upstream
