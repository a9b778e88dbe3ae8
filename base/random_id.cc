#include "base/random_id.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"

namespace seedance {
namespace {

void FillRandom(uint8_t* out, size_t size) {
  // RAND_bytes fails only when the OS has no entropy source at all; there
  // is no safe fallback for secrets, so stop.
  if (RAND_bytes(out, static_cast<int>(size)) != 1) std::abort();
}

}  // namespace

std::string NewUuid() {
  uint8_t b[16];
  FillRandom(b, sizeof(b));
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
      b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
      b[13], b[14], b[15]);
}

std::string NewSecret(size_t bytes) {
  std::vector<uint8_t> raw(bytes);
  if (bytes > 0) FillRandom(raw.data(), raw.size());
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

}  // namespace seedance
