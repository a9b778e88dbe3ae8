// Random identifiers and secrets from the operating system's CSPRNG
// (OpenSSL RAND_bytes), safe to use as unguessable tokens.
//
//   std::string id = NewUuid();          // "3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b"
//   std::string secret = NewSecret(32);  // 64 hex characters
#ifndef SEEDANCE_BASE_RANDOM_ID_H_
#define SEEDANCE_BASE_RANDOM_ID_H_

#include <cstddef>
#include <string>

namespace seedance {

// A random (version 4) UUID in canonical lower-case form. Thread-safe.
std::string NewUuid();

// `bytes` random bytes as lower-case hex (2 * bytes characters). Thread-safe.
std::string NewSecret(size_t bytes);

}  // namespace seedance

#endif  // SEEDANCE_BASE_RANDOM_ID_H_
