#include "server/upstream/rest_upstream_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/trace_context.h"
#include "server/upstream/upstream_answers.h"
#include "upstream_api/upstream_json.h"

namespace seedance::server::upstream {

RestUpstreamClient::RestUpstreamClient(http::curl::HttpTransport& transport, Options options,
                                       const Clock& clock)
    : transport_(transport), options_(std::move(options)), clock_(clock) {}

http::curl::HttpCall RestUpstreamClient::MakeCall(absl::string_view path, std::string body,
                                                  const CallContext& context,
                                                  absl::Duration timeout) const {
  http::curl::HttpCall call;
  call.method = "POST";
  call.url = absl::StrCat(options_.base_url, path);
  call.headers = {{"authorization", absl::StrCat("Bearer ", context.token)},
                  {"accept", "application/json"},
                  {"content-type", "application/json"}};
  if (!context.traceparent.empty()) {
    call.headers.push_back({kTraceparentHeader, context.traceparent});
  }
  call.body = std::move(body);
  call.timeout = timeout;
  return call;
}

UpstreamClient::CallId RestUpstreamClient::Submit(
    const seedance::upstream::v1::VideosRequest& request, const CallContext& context,
    absl::Duration timeout, std::function<void(absl::StatusOr<SubmitResult>)> done) {
  http::curl::HttpCall call =
      MakeCall("/v1/seedance/videos", upstream_api::ToWireJson(request), context, timeout);
  return transport_.Start(
      std::move(call), [this, start = clock_.Now(), done = std::move(done)](
                           absl::StatusOr<http::curl::HttpReply> reply) {
        absl::StatusOr<SubmitResult> result =
            reply.ok() ? ReadSubmitAnswer(*reply, clock_.Now())
                       : absl::StatusOr<SubmitResult>(reply.status());
        Count(stats::UpstreamCall::kSubmit, result.status(), reply, start);
        done(std::move(result));
      });
}

UpstreamClient::CallId RestUpstreamClient::Retrieve(
    const std::string& upstream_task_id, const CallContext& context, absl::Duration timeout,
    std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)> done) {
  seedance::upstream::v1::TasksRequest body;
  body.set_action("retrieve");
  body.set_id(upstream_task_id);
  http::curl::HttpCall call = MakeCall("/v1/seedance/tasks", upstream_api::ToWireJson(body), context, timeout);
  return transport_.Start(
      std::move(call), [this, start = clock_.Now(), done = std::move(done)](
                           absl::StatusOr<http::curl::HttpReply> reply) {
        absl::StatusOr<seedance::upstream::v1::TaskRecord> record =
            reply.ok() ? ReadRetrieveAnswer(*reply, clock_.Now())
                       : absl::StatusOr<seedance::upstream::v1::TaskRecord>(reply.status());
        Count(stats::UpstreamCall::kRetrieve, record.status(), reply, start);
        done(std::move(record));
      });
}

void RestUpstreamClient::Cancel(CallId id) { transport_.Cancel(id); }

void RestUpstreamClient::Count(stats::UpstreamCall call, const absl::Status& outcome,
                               const absl::StatusOr<http::curl::HttpReply>& reply,
                               absl::Time start) const {
  // Calls the gateway itself ended (a task cancelled, the transport
  // shutting down) say nothing of the upstream: not counted.
  if (!reply.ok() && (absl::IsCancelled(reply.status()) ||
                      absl::IsFailedPrecondition(reply.status()))) {
    return;
  }
  options_.stats->UpstreamRequest(call, outcome, reply.ok() ? reply->status : 0,
                                  clock_.Now() - start);
}

}  // namespace seedance::server::upstream
