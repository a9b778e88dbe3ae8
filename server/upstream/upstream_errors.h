// The HTTP -> Status edge for the upstream API: one table maps an upstream
// answer that is not a success to an absl::Status whose code tells callers
// what to do, with the upstream's error code and trace id attached as a
// google.rpc.ErrorInfo and its Retry-After as a google.rpc.RetryInfo.
//
//   | HTTP | upstream code        | gRPC code                                 |
//   |------|----------------------|-------------------------------------------|
//   | 400  | token_mismatched     | PERMISSION_DENIED (a token of another API)|
//   | 400  | api_not_implemented, | INVALID_ARGUMENT                          |
//   |      | other                |                                           |
//   | 401  | invalid_token, other | UNAUTHENTICATED                           |
//   | 403  | any                  | PERMISSION_DENIED                         |
//   | 404  | any                  | NOT_FOUND                                 |
//   | 408  | any                  | DEADLINE_EXCEEDED                         |
//   | 413  | any                  | INVALID_ARGUMENT (request too large)      |
//   | 429  | too_many_requests    | RESOURCE_EXHAUSTED + RetryInfo            |
//   | 500  | api_error, other     | UNAVAILABLE if the call is idempotent,    |
//   |      |                      | INTERNAL if not (it may have taken effect)|
//   | 502, | any                  | same as 500                               |
//   | 504  |                      |                                           |
//   | 503  | any                  | UNAVAILABLE + RetryInfo (never processed) |
//   | other| any                  | UNKNOWN                                   |
//
//   absl::Status s = MapUpstreamHttpError(reply, CallKind::kSubmit, clock.Now());
//   if (SafeToResubmit(s)) { /* retry after RetryDelayOf(s) */ }
#ifndef SEEDANCE_SERVER_UPSTREAM_UPSTREAM_ERRORS_H_
#define SEEDANCE_SERVER_UPSTREAM_UPSTREAM_ERRORS_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "http/curl/http_transport.h"

namespace seedance::server::upstream {

// The ErrorInfo domain of errors the upstream reported.
inline constexpr absl::string_view kUpstreamErrorDomain = "upstream.seedance";

enum class CallKind {
  // Creates a (billed) task: repeating it after an unclear failure could
  // create a second one.
  kSubmit,
  // Reads state: always safe to repeat.
  kRetrieve,
};

// The Status for an upstream answer with a status code outside 2xx. Thread-safe.
absl::Status MapUpstreamHttpError(const http::curl::HttpReply& reply, CallKind kind, absl::Time now);

// The delay a Retry-After header value asks for (delta-seconds or an
// HTTP-date relative to `now`), or nullopt when it is absent or unreadable.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

// True when repeating a submission that failed with `status` cannot create
// a second task: the upstream said it did not process it (429, 503), or the
// request never reached it.
bool SafeToResubmit(const absl::Status& status);

// True when `status` reports an answer of the upstream (the table above, or
// an unreadable 2xx), false for a call that got none (refused, reset, timed
// out: the transport's Status).
bool UpstreamAnswered(const absl::Status& status);

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_SERVER_UPSTREAM_UPSTREAM_ERRORS_H_
