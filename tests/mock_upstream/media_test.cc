#include "mock_upstream/media.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::mock_upstream {
namespace {

using ::testing::ElementsAre;

// The top-level ISO BMFF boxes of `file`: type names in order.
std::vector<std::string> TopLevelBoxes(absl::string_view file) {
  std::vector<std::string> boxes;
  size_t at = 0;
  while (at + 8 <= file.size()) {
    uint32_t size = (static_cast<uint8_t>(file[at]) << 24) |
                    (static_cast<uint8_t>(file[at + 1]) << 16) |
                    (static_cast<uint8_t>(file[at + 2]) << 8) |
                    static_cast<uint8_t>(file[at + 3]);
    boxes.emplace_back(file.substr(at + 4, 4));
    if (size < 8) break;
    at += size;
  }
  EXPECT_EQ(at, file.size()) << "boxes do not tile the file";
  return boxes;
}

TEST(MediaTest, SampleVideoIsAnMp4WithMoovBeforeMdat) {
  absl::string_view video = SampleVideo();
  EXPECT_GT(video.size(), 1000u);
  std::vector<std::string> boxes = TopLevelBoxes(video);
  ASSERT_FALSE(boxes.empty());
  EXPECT_EQ(boxes.front(), "ftyp");
  auto moov = std::find(boxes.begin(), boxes.end(), "moov");
  auto mdat = std::find(boxes.begin(), boxes.end(), "mdat");
  ASSERT_NE(moov, boxes.end());
  ASSERT_NE(mdat, boxes.end());
  EXPECT_LT(moov, mdat);  // "faststart": playable while downloading
}

TEST(MediaTest, SampleLastFrameIsAPng) {
  EXPECT_EQ(SampleLastFrame().substr(0, 8), absl::string_view("\x89PNG\r\n\x1a\n", 8));
}

TEST(MediaTest, SelectsRanges) {
  struct Case {
    std::string header;
    RangeSelection::Kind kind;
    size_t first;
    size_t last;
  };
  std::vector<Case> cases = {
      {"bytes=0-99", RangeSelection::kPart, 0, 99},
      {"bytes=100-", RangeSelection::kPart, 100, 999},
      {"bytes=-50", RangeSelection::kPart, 950, 999},
      {"bytes=-5000", RangeSelection::kPart, 0, 999},
      {"bytes=990-5000", RangeSelection::kPart, 990, 999},
      {"bytes=999-999", RangeSelection::kPart, 999, 999},
      {"bytes=1000-", RangeSelection::kUnsatisfiable, 0, 0},
      {"bytes=-0", RangeSelection::kUnsatisfiable, 0, 0},
      {"bytes=5-1", RangeSelection::kWhole, 0, 0},
      {"bytes=0-1,5-6", RangeSelection::kWhole, 0, 0},
      {"items=0-1", RangeSelection::kWhole, 0, 0},
      {"bytes=x-", RangeSelection::kWhole, 0, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    RangeSelection s = SelectRange(c.header, 1000);
    EXPECT_EQ(s.kind, c.kind);
    if (c.kind == RangeSelection::kPart) {
      EXPECT_EQ(s.first, c.first);
      EXPECT_EQ(s.last, c.last);
    }
  }
}

http::Request Get(const std::string& path, const std::string& range = "") {
  http::Request request;
  request.method = "GET";
  request.path = path;
  if (!range.empty()) request.headers.push_back({"Range", range});
  return request;
}

TEST(MediaTest, ServesWholeFilesAndRanges) {
  size_t size = SampleVideo().size();
  http::Response whole = ServeMedia(Get("/seedance/abc.mp4"));
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(*whole.FindHeader("Content-Type"), "video/mp4");
  EXPECT_EQ(*whole.FindHeader("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.body, SampleVideo());

  http::Response part = ServeMedia(Get("/seedance/abc.mp4", "bytes=4-11"));
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(*part.FindHeader("Content-Range"), absl::StrCat("bytes 4-11/", size));
  EXPECT_EQ(part.body, SampleVideo().substr(4, 8));
  EXPECT_EQ(part.body.substr(0, 4), "ftyp");

  http::Response past = ServeMedia(Get("/seedance/abc.mp4", absl::StrCat("bytes=", size, "-")));
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(*past.FindHeader("Content-Range"), absl::StrCat("bytes */", size));

  http::Response png = ServeMedia(Get("/seedance/abc.png"));
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(*png.FindHeader("Content-Type"), "image/png");
}

TEST(MediaTest, OnlyMediaPathsAreServed) {
  EXPECT_TRUE(IsMediaPath("/seedance/0d0a.mp4"));
  EXPECT_TRUE(IsMediaPath("/seedance/0d0a.png"));
  for (const char* path : {"/seedance/.mp4", "/seedance/a/b.mp4", "/seedance/a.gif",
                           "/v1/seedance/videos", "/other/a.mp4"}) {
    SCOPED_TRACE(path);
    EXPECT_FALSE(IsMediaPath(path));
    EXPECT_EQ(ServeMedia(Get(path)).status, 404);
  }
}

TEST(MediaTest, ALargerVideoIsTheSamplePaddedWithAFreeBoxOfExactlyThatSize) {
  constexpr int64_t kSize = int64_t{3} << 20;
  absl::StatusOr<std::shared_ptr<const std::string>> video = VideoOfSize(kSize);
  ASSERT_TRUE(video.ok()) << video.status();
  EXPECT_EQ(static_cast<int64_t>((*video)->size()), kSize);
  EXPECT_EQ((*video)->substr(0, SampleVideo().size()), SampleVideo());
  std::vector<std::string> boxes = TopLevelBoxes(**video);
  ASSERT_FALSE(boxes.empty());
  EXPECT_EQ(boxes.front(), "ftyp");
  EXPECT_EQ(boxes.back(), "free");
  // Made once: the same bytes for every download of that size.
  EXPECT_EQ(VideoOfSize(kSize)->get(), video->get());
  EXPECT_EQ(**VideoOfSize(MinVideoBytes()), std::string(SampleVideo()) + std::string("\0\0\0\x08" "free", 8));
}

TEST(MediaTest, VideoSizesThatCannotHoldTheSampleAreRefused) {
  for (int64_t bytes : {int64_t{1}, MinVideoBytes() - 1, int64_t{1} << 32, int64_t{-5}}) {
    SCOPED_TRACE(bytes);
    EXPECT_EQ(VideoOfSize(bytes).status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(**VideoOfSize(0), SampleVideo());
}

TEST(MediaTest, ServesTheConfiguredVideoSizeWithRanges) {
  constexpr int64_t kSize = 1 << 20;
  const std::string& video = **VideoOfSize(kSize);
  http::Response whole = ServeMedia(Get("/seedance/abc.mp4"), {.video_bytes = kSize});
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, video);
  http::Response tail = ServeMedia(Get("/seedance/abc.mp4", "bytes=1000000-"), {.video_bytes = kSize});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, video.substr(1000000));
  EXPECT_EQ(*tail.FindHeader("Content-Range"), absl::StrCat("bytes 1000000-", kSize - 1, "/", kSize));
  // The last frame keeps its size.
  EXPECT_EQ(ServeMedia(Get("/seedance/abc.png"), {.video_bytes = kSize}).body, SampleLastFrame());
}

TEST(MediaTest, ALinkAnswers403OnceItsExpiryPassed) {
  const absl::Time expires = absl::FromUnixSeconds(1800000000);
  http::Request request = Get("/seedance/abc.mp4");
  request.query = "expires=1800000000";
  EXPECT_EQ(ServeMedia(request, {.now = expires - absl::Seconds(1)}).status, 200);
  http::Response expired = ServeMedia(request, {.now = expires});
  EXPECT_EQ(expired.status, 403);
  EXPECT_THAT(expired.body, ::testing::HasSubstr("expired"));
  request.query = "x=1&expires=1800000000";
  EXPECT_EQ(ServeMedia(request, {.now = expires + absl::Hours(1)}).status, 403);
  // Without ?expires= a link never expires.
  EXPECT_EQ(ServeMedia(Get("/seedance/abc.mp4"), {.now = absl::InfiniteFuture()}).status, 200);
}

}  // namespace
}  // namespace seedance::mock_upstream
