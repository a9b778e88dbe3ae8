// Reading test data files of the source tree.
//
//   std::string json = ReadFixture("upstream/videos_response_text.json");
#ifndef SEEDANCE_TESTS_TESTING_FIXTURES_H_
#define SEEDANCE_TESTS_TESTING_FIXTURES_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace seedance::testing {

// The repository's root directory.
inline std::filesystem::path SourceDir() { return SEEDANCE_SOURCE_DIR; }

// The contents of tests/fixtures/<relative>; fails the test if unreadable.
inline std::string ReadFixture(const std::string& relative) {
  std::filesystem::path path = SourceDir() / "tests" / "fixtures" / relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The names of the files in tests/fixtures/<dir> whose names start with
// `prefix`, sorted.
inline std::vector<std::string> FixtureNames(const std::string& dir,
                                             const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourceDir() / "tests" / "fixtures" / dir)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".json") {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_FIXTURES_H_
