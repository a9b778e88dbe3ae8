#include "server/upstream/upstream_answers.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/upstream/upstream_errors.h"
#include "upstream_api/status_details.h"
#include "upstream_api/upstream_json.h"

namespace seedance::server::upstream {
namespace {

namespace wire = seedance::upstream::v1;

// A 2xx answer whose body cannot be read. For a submission the task may
// exist (and be billed) upstream, so the caller must not resubmit: INTERNAL
// unless the call was a read.
absl::Status Unreadable(absl::string_view why, CallKind kind, int http_status) {
  absl::Status status(kind == CallKind::kRetrieve ? absl::StatusCode::kUnavailable
                                                  : absl::StatusCode::kInternal,
                      absl::StrCat("upstream answered HTTP ", http_status,
                                   " with a body that is not the documented JSON: ", why));
  return upstream_api::WithErrorInfo(std::move(status), "UPSTREAM_MALFORMED_RESPONSE",
                                     kUpstreamErrorDomain,
                                     {{"http_status", absl::StrCat(http_status)}});
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

// The task the answer is about is data[0] (ReadUpstreamReport reads that).
bool CarriesTaskStatus(const wire::VideosResponse& answer) {
  return !answer.data().empty() && !answer.data(0).status().empty();
}

// Statuses whose body may report the task itself: success, and the server
// errors a failed generation comes with. 429 and 503 say "not processed"
// and 4xx the call was refused, whatever their body adds: the table's.
bool MayCarryTaskResult(int status) {
  return IsSuccess(status) || status == 500 || status == 502 || status == 504;
}

}  // namespace

absl::StatusOr<SubmitResult> ReadSubmitAnswer(const http::curl::HttpReply& reply,
                                              absl::Time now) {
  absl::StatusOr<wire::VideosResponse> answer = upstream_api::ParseVideosResponse(reply.body);
  SubmitResult result;
  if (answer.ok() && MayCarryTaskResult(reply.status) && CarriesTaskStatus(*answer)) {
    result.final_answer = *std::move(answer);
    return result;
  }
  if (!IsSuccess(reply.status)) return MapUpstreamHttpError(reply, CallKind::kSubmit, now);
  if (!answer.ok()) return Unreadable(answer.status().message(), CallKind::kSubmit, reply.status);
  if ((answer->has_success() && !answer->success()) || answer->has_error()) {
    result.final_answer = *std::move(answer);
    return result;
  }
  if (answer->task_id().empty()) {
    return Unreadable("neither a task result nor a task_id", CallKind::kSubmit, reply.status);
  }
  wire::VideosAccepted accepted;
  accepted.set_task_id(answer->task_id());
  result.accepted = std::move(accepted);
  return result;
}

absl::StatusOr<wire::TaskRecord> ReadRetrieveAnswer(const http::curl::HttpReply& reply,
                                                    absl::Time now) {
  if (!IsSuccess(reply.status)) return MapUpstreamHttpError(reply, CallKind::kRetrieve, now);
  absl::StatusOr<wire::TaskRecord> record = upstream_api::ParseTaskRecord(reply.body);
  if (!record.ok()) {
    return Unreadable(record.status().message(), CallKind::kRetrieve, reply.status);
  }
  return record;
}

}  // namespace seedance::server::upstream
