// Transfer: one call of CurlMultiTransport between Start and its callback,
// and NewTransfer, which checks the call and configures its libcurl easy
// handle (headers, timeouts, TLS, size limits, the peer check) on the
// caller's thread, so that the event loop only adds the finished handle.
// An implementation part of curl_multi_transport.h.
//
//   std::unique_ptr<Transfer> t = NewTransfer(options, id, std::move(call), done);
//   if (!t->setup_status.ok()) { /* fail it on the loop: t->done(...) */ }
#ifndef SEEDANCE_HTTP_CURL_CURL_TRANSFER_H_
#define SEEDANCE_HTTP_CURL_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "http/curl/curl_handles.h"
#include "http/curl/curl_multi_transport.h"
#include "http/curl/http_transport.h"

namespace seedance::http::curl {

// A call between Start and its callback. Heap-allocated and never moved:
// libcurl keeps pointers to `call.body`, `error` and the Transfer itself.
struct Transfer {
  HttpTransport::CallId id = 0;
  HttpCall call;
  HttpTransport::Callback done;
  // The URL as it may appear in messages and logs.
  std::string safe_url;
  // Substrings never to let into a message (header values, URL secrets).
  std::vector<std::string> secrets;
  // Not OK when the call could not be set up; it then fails on the loop.
  absl::Status setup_status;
  HeaderList request_headers;
  EasyHandle easy;  // after request_headers: cleaned up before them
  HttpReply reply;
  size_t max_reply_bytes = 0;
  size_t reply_bytes = 0;
  bool reply_too_large = false;
  // Why HttpCall::body_sink refused a chunk (the call fails with it).
  absl::Status sink_status;
  // The last address call.allow_peer refused, for the failure message.
  std::string refused_peer;
  // Addresses allow_peer let through: a failure after one of them is an
  // ordinary connect failure, not a refusal.
  int allowed_peers = 0;
  char error[CURL_ERROR_SIZE] = {};
};

// A transfer for `call`, configured for `options`: safe_url and secrets
// set, and setup_status not OK (naming the method and safe URL; marked
// never sent for a bad call) when the call cannot be made. Thread-safe.
std::unique_ptr<Transfer> NewTransfer(const CurlMultiTransport::Options& options,
                                      HttpTransport::CallId id, HttpCall call,
                                      HttpTransport::Callback done);

}  // namespace seedance::http::curl

#endif  // SEEDANCE_HTTP_CURL_CURL_TRANSFER_H_
