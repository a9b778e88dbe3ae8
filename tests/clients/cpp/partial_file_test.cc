// PartialFile: a download is at `<path>.part` until committed, never half
// at `path`; its digest covers what was written.
#include "clients/cpp/partial_file.h"

#include <fstream>
#include <iterator>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::client {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(PartialFileTest, IsRenamedIntoPlaceOnlyWhenCommitted) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/v.mp4";
  absl::StatusOr<PartialFile> part = PartialFile::Create(path);
  ASSERT_THAT(part, IsOk());
  ASSERT_THAT(part->Append("abc"), IsOk());
  ASSERT_THAT(part->Append("def"), IsOk());
  EXPECT_EQ(part->size(), 6);
  EXPECT_FALSE(Exists(path));
  EXPECT_EQ(ReadFile(path + ".part"), "abcdef");
  // SHA-256("abcdef").
  EXPECT_EQ(*part->Sha256(), "bef57ec7f53a6d40beb640a780a639c83bc29ac8a9816f1fc6c5c6dcd93c4721");
  ASSERT_THAT(part->Commit(), IsOk());
  EXPECT_EQ(ReadFile(path), "abcdef");
  EXPECT_FALSE(Exists(path + ".part"));
}

TEST(PartialFileTest, AnUncommittedFileIsRemoved) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/v.mp4";
  {
    absl::StatusOr<PartialFile> part = PartialFile::Create(path);
    ASSERT_THAT(part, IsOk());
    ASSERT_THAT(part->Append("half"), IsOk());
  }
  EXPECT_FALSE(Exists(path));
  EXPECT_FALSE(Exists(path + ".part"));
}

TEST(PartialFileTest, APlaceThatCannotBeWrittenIsInvalidArgument) {
  EXPECT_THAT(PartialFile::Create("/nonexistent-dir/v.mp4"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace seedance::client
