// Authenticator: who is calling, from the call's `authorization: Bearer
// <token>` metadata, and which token to present upstream on their behalf.
// Implementations: ForwardingAuthenticator (callers bring upstream tokens)
// and GatewayKeyAuthenticator (callers bring gateway keys; the gateway uses
// its own upstream key).
//
//   absl::StatusOr<Caller> caller = authenticator.Authenticate(header);
//   if (!caller.ok()) return caller.status();  // UNAUTHENTICATED
#ifndef SEEDANCE_SERVER_CALLERS_AUTHENTICATOR_H_
#define SEEDANCE_SERVER_CALLERS_AUTHENTICATOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::server::callers {

struct Caller {
  // Whose tasks these are: a keyed hash of the caller's token.
  std::string owner;
  // The bearer token for upstream calls. Never log it.
  std::string upstream_token;
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;

  // The caller presenting `authorization` (the metadata value, possibly
  // empty). UNAUTHENTICATED when it is missing, malformed or not accepted.
  // Thread-safe.
  virtual absl::StatusOr<Caller> Authenticate(absl::string_view authorization) const = 0;
};

// The token of "Bearer <token>" (scheme case-insensitive); UNAUTHENTICATED
// with a message that says how to send it when absent or malformed. The
// message never contains the token.
absl::StatusOr<std::string> ParseBearerToken(absl::string_view authorization);

}  // namespace seedance::server::callers

#endif  // SEEDANCE_SERVER_CALLERS_AUTHENTICATOR_H_
