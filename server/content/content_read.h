// What a ReadVideoContent call sends, decided from the task as its caller
// sees it: a plain function, so every refusal is tested table-driven. The
// store key and the header (type, total size, digest, range) when the copy
// is STORED; otherwise the error that says why not, with its ErrorInfo
// reason (TASK_NOT_SUCCEEDED, CONTENT_PENDING with a RetryInfo,
// CONTENT_NOT_KEPT, CONTENT_EXPIRED, CONTENT_NOT_AVAILABLE) or a
// BadRequest/OUT_OF_RANGE for a range that does not fit.
//
//   absl::StatusOr<ContentReadPlan> plan = PlanContentRead(task, request);
//   // plan->key, plan->header.offset() .. + plan->header.length()
#ifndef SEEDANCE_SERVER_CONTENT_CONTENT_READ_H_
#define SEEDANCE_SERVER_CONTENT_CONTENT_READ_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "seedance/v1/video_gateway.pb.h"
#include "seedance/v1/video_task.pb.h"
#include "server/model/result_content.h"

namespace seedance::server::content {

// How long a caller is told to wait while a copy is still being fetched.
inline constexpr absl::Duration kContentPendingRetryDelay = absl::Seconds(1);

struct ContentReadPlan {
  // The content store key to read (ResultContentKey).
  std::string key;
  // The first message of the stream; offset and length are the range to send.
  v1::ContentHeader header;
};

// The result file `file` names (unset: the video), and back.
model::ResultFile ResultFileOf(v1::ResultFile file);
v1::ResultFile ResultFileProto(model::ResultFile file);

// The plan for `request` on `task` (already found as the caller's own).
absl::StatusOr<ContentReadPlan> PlanContentRead(const v1::VideoTask& task,
                                                const v1::ReadVideoContentRequest& request);

// FAILED_PRECONDITION (CONTENT_NOT_AVAILABLE): this gateway serves no kept
// files (--keep_content=false), though a task may say one was kept.
absl::Status NotServingContent();

}  // namespace seedance::server::content

#endif  // SEEDANCE_SERVER_CONTENT_CONTENT_READ_H_
