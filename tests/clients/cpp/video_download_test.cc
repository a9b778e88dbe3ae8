// DownloadToFile against a local HTTP server: the bytes, their SHA-256 and
// the progress; a failed link or an unwritable path leaves no file.
#include "clients/cpp/video_download.h"

#include <filesystem>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/file_bytes.h"
#include "tests/testing/scripted_http_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::client {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

std::string Video() { return std::string("\0\0\0\x18" "ftypmp42", 12) + std::string(256 << 10, '\7'); }



TEST(VideoDownloadTest, TheFileHoldsTheBytesWithTheirDigestAndProgressIsReported) {
  testing::ScriptedHttpServer server;
  server.On("/video.mp4", testing::Script::Reply(
                              {.status = 200, .headers = {{"Content-Type", "video/mp4"}},
                               .body = Video()}));
  testing::TempDir dir;
  std::vector<std::pair<int64_t, int64_t>> progress;
  absl::StatusOr<Downloaded> saved =
      DownloadToFile(server.Url("/video.mp4"), dir.path() + "/out.mp4",
                     [&](int64_t received, int64_t total) { progress.emplace_back(received, total); });
  ASSERT_THAT(saved, IsOk());
  EXPECT_EQ(testing::ReadFileBytes(dir.path() + "/out.mp4"), Video());
  EXPECT_EQ(saved->size, static_cast<int64_t>(Video().size()));
  EXPECT_EQ(saved->sha256, testing::Sha256Hex(Video()));
  EXPECT_EQ(saved->content_type, "video/mp4");
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(saved->size, saved->size));
  for (size_t i = 1; i < progress.size(); ++i) EXPECT_GE(progress[i].first, progress[i - 1].first);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/out.mp4.part"));
}

TEST(VideoDownloadTest, AnExpiredLinkIsUnavailableAndLeavesNoFile) {
  testing::ScriptedHttpServer server;
  testing::TempDir dir;
  EXPECT_THAT(DownloadToFile(server.Url("/gone.mp4"), dir.path() + "/out.mp4"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 404")));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(VideoDownloadTest, AnUnwritablePathFailsBeforeAnythingIsFetched) {
  testing::ScriptedHttpServer server;
  server.On("/video.mp4", testing::Script::Reply({.status = 200, .body = Video()}));
  testing::TempDir dir;
  EXPECT_THAT(DownloadToFile(server.Url("/video.mp4"), dir.path() + "/no-such-dir/out.mp4"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(server.Requests().empty());
}

TEST(VideoDownloadTest, ATaskWithoutAVideoUrlIsRefused) {
  EXPECT_THAT(DownloadToFile("", "/tmp/never.mp4"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace seedance::client
