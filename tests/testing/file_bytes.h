// A file's bytes and a SHA-256 in hex, for tests that check what a program
// saved (link OpenSSL::Crypto).
//
//   EXPECT_EQ(ReadFileBytes(path), expected);
//   EXPECT_THAT(output, HasSubstr("sha256=" + Sha256Hex(expected)));
#ifndef SEEDANCE_TESTS_TESTING_FILE_BYTES_H_
#define SEEDANCE_TESTS_TESTING_FILE_BYTES_H_

#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "tests/testing/read_file.h"

namespace seedance::testing {

inline std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_FILE_BYTES_H_
