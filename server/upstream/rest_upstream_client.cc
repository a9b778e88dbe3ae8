#include "server/upstream/rest_upstream_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/upstream/upstream_errors.h"
#include "upstream_api/status_details.h"
#include "upstream_api/upstream_json.h"

namespace seedance::server::upstream {
namespace {

// A 2xx answer whose body cannot be read. For a submission the task may
// exist (and be billed) upstream, so the caller must not resubmit: INTERNAL
// unless the call was a read.
absl::Status Unreadable(const absl::Status& parse, CallKind kind, int http_status) {
  absl::Status status(kind == CallKind::kRetrieve ? absl::StatusCode::kUnavailable
                                                  : absl::StatusCode::kInternal,
                      absl::StrCat("upstream answered HTTP ", http_status,
                                   " with a body that is not the documented JSON: ",
                                   parse.message()));
  return upstream_api::WithErrorInfo(std::move(status), "UPSTREAM_MALFORMED_RESPONSE",
                            kUpstreamErrorDomain,
                            {{"http_status", absl::StrCat(http_status)}});
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

}  // namespace

RestUpstreamClient::RestUpstreamClient(http::curl::HttpTransport& transport, Options options,
                                       const Clock& clock)
    : transport_(transport), options_(std::move(options)), clock_(clock) {}

http::curl::HttpCall RestUpstreamClient::MakeCall(absl::string_view path, std::string body,
                                      const std::string& token,
                                      absl::Duration timeout) const {
  http::curl::HttpCall call;
  call.method = "POST";
  call.url = absl::StrCat(options_.base_url, path);
  call.headers = {{"authorization", absl::StrCat("Bearer ", token)},
                  {"accept", "application/json"},
                  {"content-type", "application/json"}};
  call.body = std::move(body);
  call.timeout = timeout;
  return call;
}

UpstreamClient::CallId RestUpstreamClient::Submit(
    const seedance::upstream::v1::VideosRequest& request, const std::string& token,
    absl::Duration timeout, std::function<void(absl::StatusOr<SubmitResult>)> done) {
  http::curl::HttpCall call =
      MakeCall("/v1/seedance/videos", upstream_api::ToWireJson(request), token, timeout);
  return transport_.Start(
      std::move(call), [this, done = std::move(done)](absl::StatusOr<http::curl::HttpReply> reply) {
        if (!reply.ok()) return done(reply.status());
        if (!IsSuccess(reply->status)) {
          return done(MapUpstreamHttpError(*reply, CallKind::kSubmit, clock_.Now()));
        }
        absl::StatusOr<seedance::upstream::v1::VideosResponse> answer =
            upstream_api::ParseVideosResponse(reply->body);
        if (!answer.ok()) {
          return done(Unreadable(answer.status(), CallKind::kSubmit, reply->status));
        }
        SubmitResult result;
        // {"task_id"} alone is the immediate answer; anything with data,
        // success or error is a final one.
        if (answer->data().empty() && !answer->has_success() && !answer->has_error()) {
          if (answer->task_id().empty()) {
            return done(Unreadable(absl::InvalidArgumentError("no task_id"),
                                   CallKind::kSubmit, reply->status));
          }
          seedance::upstream::v1::VideosAccepted accepted;
          accepted.set_task_id(answer->task_id());
          result.accepted = std::move(accepted);
        } else {
          result.final_answer = *std::move(answer);
        }
        done(std::move(result));
      });
}

UpstreamClient::CallId RestUpstreamClient::Retrieve(
    const std::string& upstream_task_id, const std::string& token, absl::Duration timeout,
    std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)> done) {
  seedance::upstream::v1::TasksRequest body;
  body.set_action("retrieve");
  body.set_id(upstream_task_id);
  http::curl::HttpCall call = MakeCall("/v1/seedance/tasks", upstream_api::ToWireJson(body), token, timeout);
  return transport_.Start(
      std::move(call), [this, done = std::move(done)](absl::StatusOr<http::curl::HttpReply> reply) {
        if (!reply.ok()) return done(reply.status());
        if (!IsSuccess(reply->status)) {
          return done(MapUpstreamHttpError(*reply, CallKind::kRetrieve, clock_.Now()));
        }
        absl::StatusOr<seedance::upstream::v1::TaskRecord> record = upstream_api::ParseTaskRecord(reply->body);
        if (!record.ok()) {
          return done(Unreadable(record.status(), CallKind::kRetrieve, reply->status));
        }
        done(*std::move(record));
      });
}

void RestUpstreamClient::Cancel(CallId id) { transport_.Cancel(id); }

}  // namespace seedance::server::upstream
