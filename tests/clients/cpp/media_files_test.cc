#include "clients/cpp/media_files.h"

#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::client {
namespace {

using ::seedance::testing::IsOkAndHolds;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

std::string Write(const testing::TempDir& dir, const std::string& name, const std::string& bytes) {
  std::string path = dir.path() + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(MediaFilesTest, ImageTypeComesFromTheBytesNotTheName) {
  testing::TempDir dir;
  const std::string png("\x89PNG\r\n\x1a\n0000", 12);
  std::string path = Write(dir, "picture.jpg", png);
  EXPECT_THAT(ImageFileToDataUrl(path),
              IsOkAndHolds("data:image/png;base64," + absl::Base64Escape(png)));
  const std::string jpeg("\xff\xd8\xff\xe0xx", 6);
  EXPECT_THAT(ImageFileToDataUrl(Write(dir, "a.bin", jpeg)),
              IsOkAndHolds(HasSubstr("data:image/jpeg;base64,")));
}

TEST(MediaFilesTest, UnknownMissingOrLargeFilesAreInvalid) {
  testing::TempDir dir;
  EXPECT_THAT(ImageFileToDataUrl(Write(dir, "notes.txt", "hello")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ImageFileToDataUrl(dir.path() + "/missing.png"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  std::string big("\x89PNG\r\n\x1a\n", 8);
  big.resize(2048, '0');
  EXPECT_THAT(ImageFileToDataUrl(Write(dir, "big.png", big), /*max_bytes=*/1024),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace seedance::client
