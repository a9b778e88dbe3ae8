#include "server/upstream/rest_upstream_client.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/upstream/upstream_answers.h"
#include "upstream_api/upstream_json.h"

namespace seedance::server::upstream {

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
        done(ReadSubmitAnswer(*reply, clock_.Now()));
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
        done(ReadRetrieveAnswer(*reply, clock_.Now()));
      });
}

void RestUpstreamClient::Cancel(CallId id) { transport_.Cancel(id); }

}  // namespace seedance::server::upstream
