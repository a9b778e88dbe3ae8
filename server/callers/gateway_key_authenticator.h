// GatewayKeyAuthenticator: callers authenticate with keys the gateway issues
// (one per client), and the gateway calls the upstream with its own single
// upstream key, which clients never see. Tasks are owned per client key.
//
//   GatewayKeyAuthenticator auth(keyring, {"key-of-alice", "key-of-bob"},
//                                upstream_key);
#ifndef SEEDANCE_SERVER_CALLERS_GATEWAY_KEY_AUTHENTICATOR_H_
#define SEEDANCE_SERVER_CALLERS_GATEWAY_KEY_AUTHENTICATOR_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "server/callers/authenticator.h"
#include "server/callers/keyring.h"

namespace seedance::server::callers {

// Thread-safe.
class GatewayKeyAuthenticator : public Authenticator {
 public:
  // `keyring` must outlive this. Only the keys' owner ids are kept.
  GatewayKeyAuthenticator(const Keyring& keyring, const std::vector<std::string>& client_keys,
                          std::string upstream_token);

  // Authenticator:
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization) const override;

 private:
  const Keyring& keyring_;
  absl::flat_hash_set<std::string> allowed_owners_;
  const std::string upstream_token_;
};

}  // namespace seedance::server::callers

#endif  // SEEDANCE_SERVER_CALLERS_GATEWAY_KEY_AUTHENTICATOR_H_
