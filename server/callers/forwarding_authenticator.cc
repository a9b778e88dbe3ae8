#include "server/callers/forwarding_authenticator.h"

namespace seedance::server::callers {

absl::StatusOr<Caller> ForwardingAuthenticator::Authenticate(
    absl::string_view authorization) const {
  absl::StatusOr<std::string> token = ParseBearerToken(authorization);
  if (!token.ok()) return token.status();
  return Caller{keyring_.OwnerId(*token), *token};
}

}  // namespace seedance::server::callers
