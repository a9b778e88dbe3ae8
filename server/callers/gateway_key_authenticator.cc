#include "server/callers/gateway_key_authenticator.h"

#include "server/model/gateway_errors.h"
#include "upstream_api/status_details.h"

namespace seedance::server::callers {

GatewayKeyAuthenticator::GatewayKeyAuthenticator(const Keyring& keyring,
                                                 const std::vector<std::string>& client_keys,
                                                 std::string upstream_token)
    : keyring_(keyring), upstream_token_(std::move(upstream_token)) {
  for (const std::string& key : client_keys) allowed_owners_.insert(keyring_.OwnerId(key));
}

absl::StatusOr<Caller> GatewayKeyAuthenticator::Authenticate(
    absl::string_view authorization) const {
  absl::StatusOr<std::string> token = ParseBearerToken(authorization);
  if (!token.ok()) return token.status();
  // Compared as keyed hashes: lookups leak nothing useful about the keys.
  std::string owner = keyring_.OwnerId(*token);
  if (!allowed_owners_.contains(owner)) {
    return upstream_api::WithErrorInfo(absl::UnauthenticatedError("unknown gateway key"),
                              "INVALID_GATEWAY_KEY", model::kGatewayErrorDomain);
  }
  return Caller{std::move(owner), upstream_token_};
}

}  // namespace seedance::server::callers
