// CurlMultiTransport: the HttpTransport the gateway uses in production, on
// libcurl's multi interface. One event-loop thread drives every transfer
// through curl_multi_socket_action and an epoll set, so thousands of calls
// held open for minutes cost a socket each, not a thread; Start and Cancel
// post to that thread through a queue and an eventfd.
//
//   absl::StatusOr<std::unique_ptr<CurlMultiTransport>> transport =
//       CurlMultiTransport::Create({.user_agent = "seedance-gateway/0.1"});
//   if (!transport.ok()) return transport.status();
//   HttpTransport::CallId id = (*transport)->Start(
//       {.url = "https://api.example/v1/videos", .body = json},
//       [](absl::StatusOr<HttpReply> reply) { /* on the loop thread */ });
//   (*transport)->Cancel(id);  // optional: the callback gets kCancelled
//
// Choices: HTTP/1.1 only; http and https only; redirects are not followed
// (a 3xx is a reply); no proxy, whatever http_proxy/https_proxy say (the
// upstream is called directly, and a proxy picked up by accident from a
// server's environment would see the bearer token); no "Expect:
// 100-continue" (it costs a round trip on large bodies); TCP keep-alive
// probes on, so that a call held for minutes notices a dead peer. Failure
// messages name the method and the URL without userinfo, query or
// fragment, never a header value or the body.
#ifndef SEEDANCE_HTTP_CURL_CURL_MULTI_TRANSPORT_H_
#define SEEDANCE_HTTP_CURL_CURL_MULTI_TRANSPORT_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/curl/http_transport.h"

namespace seedance::http::curl {

class CurlMultiTransport : public HttpTransport {
 public:
  struct Options {
    // Connections kept open for reuse once their call is done
    // (CURLMOPT_MAXCONNECTS); connections of calls in flight do not count.
    int max_idle_connections = 64;
    // A reply whose headers and body together are larger fails the call
    // with kResourceExhausted; the transfer is aborted as soon as it is
    // known (Content-Length) or reached.
    size_t max_reply_bytes = size_t{8} << 20;
    // The User-Agent header; empty sends none.
    std::string user_agent = "seedance-gateway";
    // Verify the server's certificate chain and host name. Off only for
    // tests against self-signed servers.
    bool verify_tls = true;
    // PEM file of trusted CAs; empty uses the system's store.
    std::string ca_file;
    // Connections open at once per host (CURLMOPT_MAX_HOST_CONNECTIONS);
    // 0 is unlimited. With a limit, calls beyond it wait for a connection,
    // and libcurl 7.88 does not time them out while they wait.
    int max_host_connections = 0;
  };

  // A transport with its loop thread running, or why it could not start
  // (kInternal: curl, epoll or eventfd setup failed).
  static absl::StatusOr<std::unique_ptr<CurlMultiTransport>> Create(Options options);

  // Stops the loop thread: calls still in flight, and calls started from
  // callbacks meanwhile, end with kFailedPrecondition (each callback runs
  // exactly once, on the loop thread). Must not run on the loop thread,
  // that is, not from a callback.
  ~CurlMultiTransport() override;

  CurlMultiTransport(const CurlMultiTransport&) = delete;
  CurlMultiTransport& operator=(const CurlMultiTransport&) = delete;

  // Starts `call`; `done` runs exactly once on the loop thread (a call that
  // cannot be started, e.g. a bad URL, fails there too). Thread-safe, also
  // from callbacks.
  CallId Start(HttpCall call, Callback done) override;

  // Aborts call `id` if it is in flight: its connection is closed and its
  // callback runs with kCancelled. Unknown or finished ids are ignored.
  // Thread-safe, also from callbacks.
  void Cancel(CallId id) override;

 private:
  class Loop;
  explicit CurlMultiTransport(std::unique_ptr<Loop> loop);

  std::unique_ptr<Loop> loop_;
};

}  // namespace seedance::http::curl

#endif  // SEEDANCE_HTTP_CURL_CURL_MULTI_TRANSPORT_H_
