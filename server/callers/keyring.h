// Keyring: the gateway's secrets, derived from one master key kept in the
// data directory (created with mode 0600 on first start). It turns caller
// tokens into owner ids (HMAC-SHA256: the store never holds a token, and an
// id cannot be reversed) and seals the upstream token a task needs after a
// restart (AES-256-GCM).
//
//   absl::StatusOr<Keyring> keys = Keyring::LoadOrCreate("/var/lib/seedance/master.key");
//   std::string owner = keys->OwnerId(token);
//   absl::StatusOr<std::string> sealed = keys->Seal(token);
//   absl::StatusOr<std::string> back = keys->Open(*sealed);   // == token
#ifndef SEEDANCE_SERVER_CALLERS_KEYRING_H_
#define SEEDANCE_SERVER_CALLERS_KEYRING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::server::callers {

// Immutable after creation; thread-safe.
class Keyring {
 public:
  // Reads the 32-byte master key at `path`, or creates it (0600) if the file
  // does not exist.
  static absl::StatusOr<Keyring> LoadOrCreate(const std::string& path);

  // A keyring from a given master key (tests, ephemeral runs).
  static Keyring FromMasterKey(absl::string_view master_key);

  // 32 hex characters identifying `token`'s owner.
  std::string OwnerId(absl::string_view token) const;

  // The Standard Webhooks signing secret ("whsec_" + base64) for results
  // forwarded to callers' callback_url, derived from the master key so that
  // it survives restarts without a file of its own.
  std::string WebhookSecret() const;

  // `plaintext` encrypted and authenticated: nonce || ciphertext || tag.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext) const;

  // The plaintext of Seal's output; DATA_LOSS if it was altered or sealed
  // with another key.
  absl::StatusOr<std::string> Open(absl::string_view sealed) const;

 private:
  Keyring(std::string owner_key, std::string vault_key, std::string webhook_key)
      : owner_key_(std::move(owner_key)),
        vault_key_(std::move(vault_key)),
        webhook_key_(std::move(webhook_key)) {}

  std::string owner_key_;
  std::string vault_key_;
  std::string webhook_key_;
};

// HMAC-SHA256 of `data` under `key`, raw 32 bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);

// SHA-256 of `data`, lower-case hex.
std::string Sha256Hex(absl::string_view data);

// Compares without leaking, through timing, where the first difference is.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace seedance::server::callers

#endif  // SEEDANCE_SERVER_CALLERS_KEYRING_H_
