// ForwardingAuthenticator: callers authenticate with their own upstream
// token, which the gateway forwards. The gateway cannot check the token
// itself: the upstream does, on the first call (a rejected token fails the
// task with UNAUTHENTICATED). Tasks are owned by the token's keyed hash.
//
//   ForwardingAuthenticator auth(keyring);
#ifndef SEEDANCE_SERVER_CALLERS_FORWARDING_AUTHENTICATOR_H_
#define SEEDANCE_SERVER_CALLERS_FORWARDING_AUTHENTICATOR_H_

#include "server/callers/authenticator.h"
#include "server/callers/keyring.h"

namespace seedance::server::callers {

// Thread-safe.
class ForwardingAuthenticator : public Authenticator {
 public:
  // `keyring` must outlive this.
  explicit ForwardingAuthenticator(const Keyring& keyring) : keyring_(keyring) {}

  // Authenticator:
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization) const override;

 private:
  const Keyring& keyring_;
};

}  // namespace seedance::server::callers

#endif  // SEEDANCE_SERVER_CALLERS_FORWARDING_AUTHENTICATOR_H_
