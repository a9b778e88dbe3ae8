// HttpTransport: asynchronous HTTP calls, the one thing the gateway needs
// from an HTTP client. The upstream client (rest_upstream_client.h) and the
// webhook forwarder build on it; tests replace it with a fake.
//
//   transport.Start({.url = "https://api.example/v1/seedance/videos",
//                    .headers = {{"authorization", "Bearer ..."}},
//                    .body = json, .timeout = absl::Minutes(5)},
//                   [](absl::StatusOr<HttpReply> reply) { ... });
//
// Transport failures are absl::Status values whose code carries their retry
// meaning (see the codes below); an HTTP answer of any status code is a
// successful HttpReply: mapping it to a Status is the caller's edge.
#ifndef SEEDANCE_HTTP_CURL_HTTP_TRANSPORT_H_
#define SEEDANCE_HTTP_CURL_HTTP_TRANSPORT_H_

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace seedance::http::curl {

struct HttpReply {
  int status = 0;
  // Header names in lower case, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header with this lower-case name, or nullptr.
  const std::string* FindHeader(absl::string_view lower_name) const;
};

struct HttpCall {
  std::string method = "POST";
  std::string url;
  // Request headers, e.g. {"content-type", "application/json"}.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Limit for the whole call, connection included.
  absl::Duration timeout = absl::Seconds(30);
  absl::Duration connect_timeout = absl::Seconds(10);
  // When set, asked about each address the call would connect to (after
  // DNS, so a name that resolves elsewhere later cannot slip past); false
  // refuses that address, and the call fails with kPermissionDenied when
  // none is left. Such a call never reuses a pooled connection. Runs on the
  // transport's thread; must not block.
  std::function<bool(const sockaddr& address)> allow_peer;
  // When set, the reply's body is handed over here as it arrives, chunk by
  // chunk, instead of being collected in HttpReply::body (which stays
  // empty): for downloads larger than a reply should be held in memory.
  // `head` has the status code and headers. Only the headers count toward
  // the transport's reply size limit; the body's limit is the sink's to
  // keep. A non-OK return aborts the call, which then fails with that
  // status. Runs on the transport's thread; must not block for long.
  std::function<absl::Status(const HttpReply& head, absl::string_view chunk)> body_sink;
};

// Failure codes of HttpTransport calls:
//   kUnavailable       the call failed on the network. RequestNeverSent()
//                      tells whether the request may have reached the
//                      server (false: reset, empty or truncated reply after
//                      sending, so the outcome is unknown).
//   kDeadlineExceeded  `timeout` passed (outcome unknown).
//   kCancelled         Cancel() was called.
//   kResourceExhausted the reply was larger than the transport accepts.
//   kInvalidArgument   the call itself is unusable (bad URL, ...).
//   kPermissionDenied  HttpCall::allow_peer refused every address of the
//                      host (never sent).
//   kFailedPrecondition the transport is shutting down.

// Marks `status` as "the request never left this process or was refused
// before any byte reached the server" (DNS failure, connection refused):
// retrying cannot duplicate its effect.
absl::Status MarkRequestNeverSent(absl::Status status);

// True when `status` was marked by MarkRequestNeverSent.
bool RequestNeverSent(const absl::Status& status);

class HttpTransport {
 public:
  using CallId = uint64_t;
  using Callback = std::function<void(absl::StatusOr<HttpReply>)>;

  virtual ~HttpTransport() = default;

  // Starts `call`. `done` runs exactly once, on the transport's own thread
  // (it must not block), with the reply or the failure. Thread-safe.
  virtual CallId Start(HttpCall call, Callback done) = 0;

  // Aborts the call if it is still in flight; its callback then runs with
  // kCancelled. Unknown or finished ids are ignored. Thread-safe.
  virtual void Cancel(CallId id) = 0;
};

}  // namespace seedance::http::curl

#endif  // SEEDANCE_HTTP_CURL_HTTP_TRANSPORT_H_
