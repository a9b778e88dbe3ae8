// RestUpstreamClient: UpstreamClient over an HttpTransport: builds the JSON
// bodies with the proto mirror, sends them with the documented headers, and
// turns answers into messages or Statuses (upstream_errors.h). It holds no
// state per call beyond what the transport holds.
//
//   RestUpstreamClient client(transport, {.base_url = "https://api.xhuoapi.ai"},
//                             SystemClock::Get());
#ifndef SEEDANCE_SERVER_UPSTREAM_REST_UPSTREAM_CLIENT_H_
#define SEEDANCE_SERVER_UPSTREAM_REST_UPSTREAM_CLIENT_H_

#include <string>

#include "base/clock.h"
#include "http/curl/http_transport.h"
#include "server/stats/gateway_stats.h"
#include "server/upstream/upstream_client.h"

namespace seedance::server::upstream {

// Thread-safe.
class RestUpstreamClient : public UpstreamClient {
 public:
  struct Options {
    // Scheme, host and optional path prefix, without a trailing slash.
    std::string base_url;
    // Where every request's outcome and latency is counted (must outlive
    // the client).
    stats::GatewayStats* stats = &stats::NoStats();
  };

  // `transport` and `clock` must outlive this client.
  RestUpstreamClient(http::curl::HttpTransport& transport, Options options, const Clock& clock);

  // UpstreamClient:
  CallId Submit(const seedance::upstream::v1::VideosRequest& request,
                const CallContext& context, absl::Duration timeout,
                std::function<void(absl::StatusOr<SubmitResult>)> done) override;
  CallId Retrieve(const std::string& upstream_task_id, const CallContext& context,
                  absl::Duration timeout,
                  std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)> done) override;
  void Cancel(CallId id) override;

 private:
  void Count(stats::UpstreamCall call, const absl::Status& outcome,
             const absl::StatusOr<http::curl::HttpReply>& reply, absl::Time start) const;
  http::curl::HttpCall MakeCall(absl::string_view path, std::string body,
                                const CallContext& context, absl::Duration timeout) const;

  http::curl::HttpTransport& transport_;
  const Options options_;
  const Clock& clock_;
};

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_SERVER_UPSTREAM_REST_UPSTREAM_CLIENT_H_
