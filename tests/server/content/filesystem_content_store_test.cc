// FilesystemContentStore in a temp directory: an item counts as stored only
// once committed, whole; caps, ranges, keys, and what a crash leaves.
#include "server/content/filesystem_content_store.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::server::content {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::IsOkAndHolds;
using ::seedance::testing::StatusIs;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// SHA-256 of "hello world".
constexpr char kHelloWorldSha256[] =
    "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

std::vector<std::string> Names(const std::string& directory) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

class FilesystemContentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<FilesystemContentStore>> store =
        FilesystemContentStore::Open(directory_);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  std::unique_ptr<ContentWriter> Writer(const std::string& key, int64_t max_bytes = 1 << 20) {
    absl::StatusOr<std::unique_ptr<ContentWriter>> writer = store_->Create(key, max_bytes);
    EXPECT_THAT(writer, IsOk());
    return writer.ok() ? *std::move(writer) : nullptr;
  }

  testing::TempDir dir_;
  const std::string directory_ = dir_.path() + "/content";
  std::unique_ptr<FilesystemContentStore> store_;
};

TEST_F(FilesystemContentStoreTest, AnItemIsStoredOnlyOnceCommittedWithItsSizeAndDigest) {
  std::unique_ptr<ContentWriter> writer = Writer("task-1.mp4");
  ASSERT_THAT(writer->Append("hello "), IsOk());
  ASSERT_THAT(writer->Append("world"), IsOk());
  // Written but not committed: nothing reads as the item.
  EXPECT_THAT(store_->Size("task-1.mp4"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->Read("task-1.mp4", 0, 100), StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<ContentInfo> info = writer->Commit();
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->size, 11);
  EXPECT_EQ(info->sha256, kHelloWorldSha256);
  EXPECT_THAT(store_->Size("task-1.mp4"), IsOkAndHolds(11));
  EXPECT_THAT(store_->Read("task-1.mp4", 0, 100), IsOkAndHolds("hello world"));
  EXPECT_THAT(Names(directory_), UnorderedElementsAre("task-1.mp4"));
  // Spent.
  EXPECT_THAT(writer->Append("more"), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(writer->Commit(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(FilesystemContentStoreTest, AnAbandonedWriterLeavesNothing) {
  {
    std::unique_ptr<ContentWriter> writer = Writer("task-2.mp4");
    ASSERT_THAT(writer->Append("half a video"), IsOk());
  }
  EXPECT_THAT(Names(directory_), IsEmpty());
  EXPECT_THAT(store_->Size("task-2.mp4"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(FilesystemContentStoreTest, AnItemOverItsCapIsRefusedAndNotKept) {
  std::unique_ptr<ContentWriter> writer = Writer("big.mp4", /*max_bytes=*/10);
  ASSERT_THAT(writer->Append("0123456789"), IsOk());  // exactly the cap
  EXPECT_THAT(writer->Append("x"), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(writer->Commit(), StatusIs(absl::StatusCode::kFailedPrecondition));
  writer.reset();
  EXPECT_THAT(store_->Size("big.mp4"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(Names(directory_), IsEmpty());
}

TEST_F(FilesystemContentStoreTest, ACommitReplacesTheItemWhole) {
  std::unique_ptr<ContentWriter> first = Writer("task-3.png");
  ASSERT_THAT(first->Append("first version"), IsOk());
  ASSERT_THAT(first->Commit(), IsOk());
  std::unique_ptr<ContentWriter> second = Writer("task-3.png");
  ASSERT_THAT(second->Append("second"), IsOk());
  // Until the second commits, readers see the first whole.
  EXPECT_THAT(store_->Read("task-3.png", 0, 100), IsOkAndHolds("first version"));
  ASSERT_THAT(second->Commit(), IsOk());
  EXPECT_THAT(store_->Read("task-3.png", 0, 100), IsOkAndHolds("second"));
}

TEST_F(FilesystemContentStoreTest, ReadsRanges) {
  std::unique_ptr<ContentWriter> writer = Writer("task-4.mp4");
  ASSERT_THAT(writer->Append("0123456789"), IsOk());
  ASSERT_THAT(writer->Commit(), IsOk());
  EXPECT_THAT(store_->Read("task-4.mp4", 2, 3), IsOkAndHolds("234"));
  EXPECT_THAT(store_->Read("task-4.mp4", 8, 100), IsOkAndHolds("89"));  // fewer at the end
  EXPECT_THAT(store_->Read("task-4.mp4", 10, 5), IsOkAndHolds(""));
  EXPECT_THAT(store_->Read("task-4.mp4", 11, 5), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(store_->Read("task-4.mp4", -1, 5), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(FilesystemContentStoreTest, RemoveForgetsTheItemAndMayBeRepeated) {
  std::unique_ptr<ContentWriter> writer = Writer("task-5.mp4");
  ASSERT_THAT(writer->Commit(), IsOk());
  EXPECT_THAT(store_->Size("task-5.mp4"), IsOkAndHolds(0));
  EXPECT_THAT(store_->Remove("task-5.mp4"), IsOk());
  EXPECT_THAT(store_->Size("task-5.mp4"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(store_->Remove("task-5.mp4"), IsOk());
}

TEST_F(FilesystemContentStoreTest, ListsCommittedItemsOnly) {
  EXPECT_THAT(store_->List(), IsOkAndHolds(IsEmpty()));
  std::unique_ptr<ContentWriter> a = Writer("a.video");
  ASSERT_THAT(a->Commit(), IsOk());
  std::unique_ptr<ContentWriter> b = Writer("b.last_frame");
  ASSERT_THAT(b->Commit(), IsOk());
  std::unique_ptr<ContentWriter> writing = Writer("c.video");  // not committed yet
  ASSERT_THAT(writing->Append("half"), IsOk());
  std::ofstream(directory_ + "/.hidden") << "not an item";
  EXPECT_THAT(store_->List(), IsOkAndHolds(UnorderedElementsAre("a.video", "b.last_frame")));
  ASSERT_THAT(store_->Remove("a.video"), IsOk());
  EXPECT_THAT(store_->List(), IsOkAndHolds(UnorderedElementsAre("b.last_frame")));
}

TEST_F(FilesystemContentStoreTest, OpenRemovesWhatACrashedWriterLeft) {
  std::unique_ptr<ContentWriter> kept = Writer("kept.mp4");
  ASSERT_THAT(kept->Append("whole"), IsOk());
  ASSERT_THAT(kept->Commit(), IsOk());
  // What a process killed mid-write leaves: a partial file, never renamed.
  std::ofstream(directory_ + "/task-6.mp4.partial-0123456789abcdef") << "half";
  absl::StatusOr<std::unique_ptr<FilesystemContentStore>> reopened =
      FilesystemContentStore::Open(directory_);
  ASSERT_THAT(reopened, IsOk());
  EXPECT_THAT(Names(directory_), UnorderedElementsAre("kept.mp4"));
  EXPECT_THAT((*reopened)->Size("task-6.mp4"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT((*reopened)->Read("kept.mp4", 0, 10), IsOkAndHolds("whole"));
}

TEST_F(FilesystemContentStoreTest, ADirectoryThatCannotBeMadeIsUnavailable) {
  std::ofstream(dir_.path() + "/a-file") << "x";
  EXPECT_THAT(FilesystemContentStore::Open(dir_.path() + "/a-file/content"),
              StatusIs(absl::StatusCode::kUnavailable));
}

struct KeyCase {
  std::string key;
  bool valid;
};

class ContentKeyTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(ContentKeyTest, OnlyPlainFileNamesAreKeys) {
  EXPECT_EQ(CheckContentKey(GetParam().key).ok(), GetParam().valid) << GetParam().key;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ContentKeyTest,
    ::testing::Values(KeyCase{"3f2a9c1e-8b7d-4e6f-9a0b-1c2d3e4f5a6b.mp4", true},
                      KeyCase{"A_b-9.png", true}, KeyCase{std::string(200, 'a'), true},
                      KeyCase{std::string(201, 'a'), false}, KeyCase{"", false},
                      KeyCase{".hidden", false}, KeyCase{"..", false},
                      KeyCase{"../escape.mp4", false}, KeyCase{"a/b.mp4", false},
                      KeyCase{"a b.mp4", false}, KeyCase{"task.mp4.partial-1", false},
                      KeyCase{std::string("nul\0byte", 8), false}));

TEST_F(FilesystemContentStoreTest, EveryCallRefusesABadKey) {
  EXPECT_THAT(store_->Create("../x", 10), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Size("../x"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Read("a/b", 0, 1), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Remove(".x"), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace seedance::server::content
