// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its
// contents when the object goes away.
//
//   TempDir dir;
//   std::string db = dir.path() + "/tasks.db";
#ifndef SEEDANCE_TESTS_TESTING_TEMP_DIR_H_
#define SEEDANCE_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "gtest/gtest.h"

namespace seedance::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/seedance-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed for " << pattern;
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_TEMP_DIR_H_
