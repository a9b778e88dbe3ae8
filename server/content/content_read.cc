#include "server/content/content_read.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/content/task_content.h"
#include "server/model/gateway_errors.h"
#include "server/model/task_state.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::content {
namespace {

absl::Status Refusal(absl::Status status, absl::string_view reason,
                     std::map<std::string, std::string> metadata) {
  return upstream_api::WithErrorInfo(std::move(status), reason, model::kGatewayErrorDomain,
                                     metadata);
}

const char* WhatOf(model::ResultFile file) {
  return file == model::ResultFile::kVideo ? "video" : "last frame";
}

}  // namespace

model::ResultFile ResultFileOf(v1::ResultFile file) {
  return file == v1::RESULT_FILE_LAST_FRAME ? model::ResultFile::kLastFrame
                                            : model::ResultFile::kVideo;
}

v1::ResultFile ResultFileProto(model::ResultFile file) {
  return file == model::ResultFile::kLastFrame ? v1::RESULT_FILE_LAST_FRAME
                                               : v1::RESULT_FILE_VIDEO;
}

absl::StatusOr<ContentReadPlan> PlanContentRead(const v1::VideoTask& task,
                                                const v1::ReadVideoContentRequest& request) {
  std::vector<upstream_api::FieldViolation> violations;
  if (request.offset() < 0) {
    violations.push_back({"offset", "must not be negative",
                          std::string(upstream_api::kReasonOutOfRange)});
  }
  if (request.length() < 0) {
    violations.push_back({"length", "must not be negative (0: to the end of the file)",
                          std::string(upstream_api::kReasonOutOfRange)});
  }
  if (!v1::ResultFile_IsValid(request.file())) {
    violations.push_back({"file", absl::StrCat("unknown value ", request.file()),
                          std::string(upstream_api::kReasonUnknownValue)});
  }
  if (!violations.empty()) return upstream_api::InvalidArgumentWithViolations(violations);

  const model::ResultFile file = ResultFileOf(request.file());
  const std::map<std::string, std::string> about = {
      {"task_id", task.task_id()}, {"file", model::ResultFileName(file)}};
  if (task.state() != v1::TASK_STATE_SUCCEEDED) {
    return Refusal(absl::FailedPreconditionError(absl::StrCat(
                       "task ", task.task_id(), " is ", model::StateName(task.state()),
                       ": only a SUCCEEDED task has content")),
                   "TASK_NOT_SUCCEEDED", about);
  }
  const v1::ContentCopy& copy = model::CopyOf(task, file);
  switch (copy.state()) {
    case v1::CONTENT_STATE_STORED:
      break;
    case v1::CONTENT_STATE_PENDING:
      return upstream_api::WithRetryDelay(
          Refusal(absl::UnavailableError(absl::StrCat("the gateway is still fetching the ",
                                                      WhatOf(file), " from the provider")),
                  "CONTENT_PENDING", about),
          kContentPendingRetryDelay);
    case v1::CONTENT_STATE_FAILED:
      return Refusal(absl::FailedPreconditionError(absl::StrCat(
                         "the gateway could not keep the ", WhatOf(file), ": ",
                         copy.error().message())),
                     "CONTENT_NOT_KEPT", about);
    case v1::CONTENT_STATE_EXPIRED:
      return Refusal(
          absl::FailedPreconditionError(absl::StrCat(
              "the gateway's copy of the ", WhatOf(file),
              " was removed after its retention time (expire_time)")),
          "CONTENT_EXPIRED", about);
    default:
      if (model::SourceUrlOf(task, file).empty()) {
        return Refusal(absl::FailedPreconditionError(absl::StrCat(
                           "task ", task.task_id(), " has no ", WhatOf(file),
                           file == model::ResultFile::kLastFrame
                               ? " (ask for one with spec.return_last_frame)"
                               : "")),
                       "CONTENT_NOT_AVAILABLE", about);
      }
      return Refusal(absl::FailedPreconditionError(absl::StrCat(
                         "the gateway keeps no copy of this task's ", WhatOf(file),
                         " (it was not keeping content when the task succeeded): download "
                         "the provider's URL in the task's result while it lasts")),
                     "CONTENT_NOT_AVAILABLE", about);
  }

  const int64_t size = copy.size_bytes();
  if (request.offset() > size) {
    return upstream_api::WithErrorInfo(
        absl::OutOfRangeError(absl::StrCat("offset ", request.offset(), " is past the end of the ",
                                           size, "-byte ", WhatOf(file))),
        "OFFSET_PAST_END", model::kGatewayErrorDomain,
        {{"task_id", task.task_id()}, {"size", absl::StrCat(size)}});
  }
  const int64_t left = size - request.offset();
  ContentReadPlan plan;
  plan.key = ResultContentKey(task.task_id(), file);
  plan.header.set_content_type(copy.content_type());
  plan.header.set_total_size(size);
  plan.header.set_sha256(copy.sha256());
  plan.header.set_offset(request.offset());
  plan.header.set_length(request.length() == 0 ? left : std::min(request.length(), left));
  return plan;
}

absl::Status NotServingContent() {
  return Refusal(absl::FailedPreconditionError(
                     "this gateway serves no kept result files (--keep_content=false)"),
                 "CONTENT_NOT_AVAILABLE", {});
}

}  // namespace seedance::server::content
