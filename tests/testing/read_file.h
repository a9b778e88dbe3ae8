// ReadFileBytes: a whole file's bytes, for tests that check what a binary
// wrote (a log, a download).
//
//   std::string log = ReadFileBytes(dir.path() + "/gateway.log");
#ifndef SEEDANCE_TESTS_TESTING_READ_FILE_H_
#define SEEDANCE_TESTS_TESTING_READ_FILE_H_

#include <fstream>
#include <sstream>
#include <string>

namespace seedance::testing {

// "" when the file cannot be read.
inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_READ_FILE_H_
