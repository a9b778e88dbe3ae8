// ReadUpstreamReport: what one upstream answer says about a task, as a plain
// function of the answer. Every report, whatever its way in (the held
// call's final answer, a callback, a poll of the tasks endpoint), is read
// here and then applied through the registry's state machine by the driver,
// so that all delivery modes map the same words the same way.
//
//   UpstreamReport report = ReadUpstreamReport(answer);
//   if (report.state == v1::TASK_STATE_UNSPECIFIED) { /* says nothing known */ }
//   // else: report.result (SUCCEEDED) or report.error (FAILED, EXPIRED,
//   // CANCELLED), and report.ref with the ids the answer carried
//
// Pure and thread-safe.
#ifndef SEEDANCE_SERVER_UPSTREAM_UPSTREAM_REPORT_H_
#define SEEDANCE_SERVER_UPSTREAM_UPSTREAM_REPORT_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "seedance/upstream/v1/videos.pb.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::server::upstream {

struct UpstreamReport {
  // The state the answer reports; TASK_STATE_UNSPECIFIED when it reports
  // none the gateway knows (an unknown status word and no failure flag).
  v1::TaskState state = v1::TASK_STATE_UNSPECIFIED;
  // For SUCCEEDED: the video.
  std::optional<v1::VideoResult> result;
  // For FAILED, EXPIRED and CANCELLED: why, with an ErrorInfo in the
  // upstream's domain (the upstream's code, trace id, provider task id).
  absl::Status error;
  // The ids the answer carries (empty fields where it carries none).
  v1::UpstreamRef ref;
};

// The report in `answer`. A success without a video_url is a FAILED report
// (UPSTREAM_MALFORMED_RESPONSE); `success: false` or an `error` without a
// known status is FAILED too.
UpstreamReport ReadUpstreamReport(const seedance::upstream::v1::VideosResponse& answer);

// OK when `reported` (the ids an answer carries) can be about the task
// whose ids so far are `known`; FAILED_PRECONDITION, naming both, when an
// id both have differs (a callback posted with one task's URL and another
// task's body). Ids either side lacks never conflict.
absl::Status CheckSameTask(const v1::UpstreamRef& known, const v1::UpstreamRef& reported);

// The state an upstream status word means ("queued" and "pending",
// "running" and "processing", "succeeded", "failed", "cancelled", "expired"; case and
// surrounding spaces ignored), or TASK_STATE_UNSPECIFIED for a word it does
// not know.
v1::TaskState StateFromUpstreamStatus(absl::string_view status);

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_SERVER_UPSTREAM_UPSTREAM_REPORT_H_
