// A kept file over HTTP: which Range headers are served, the head of the
// answer, 304 for a matching ETag, 416 past the end.
#include "server/http_api/content_http.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "upstream_api/status_details.h"

namespace seedance::server::http_api {
namespace {

TEST(ParseRangeTest, ServesOneRangeFromAStart) {
  struct Case {
    std::string header;
    std::optional<std::pair<int64_t, int64_t>> range;  // offset, length
  };
  for (const Case& c : std::vector<Case>{{"bytes=0-99", {{0, 100}}},
                                         {"bytes=100-", {{100, 0}}},
                                         {" bytes=5-5 ", {{5, 1}}},
                                         {"bytes=-500", std::nullopt},
                                         {"bytes=0-1,5-6", std::nullopt},
                                         {"bytes=9-2", std::nullopt},
                                         {"items=0-1", std::nullopt},
                                         {"bytes=x-", std::nullopt},
                                         {"", std::nullopt}}) {
    SCOPED_TRACE(c.header);
    std::optional<ByteRange> range = ParseRange(c.header);
    ASSERT_EQ(range.has_value(), c.range.has_value());
    if (range.has_value()) {
      EXPECT_EQ(range->offset, c.range->first);
      EXPECT_EQ(range->length, c.range->second);
    }
  }
}

v1::ContentHeader Header(int64_t offset, int64_t length) {
  v1::ContentHeader h;
  h.set_content_type("video/mp4");
  h.set_total_size(1000);
  h.set_sha256("ab12");
  h.set_offset(offset);
  h.set_length(length);
  return h;
}

std::string FirstMessage(int64_t offset, int64_t length) {
  v1::ReadVideoContentResponse r;
  *r.mutable_header() = Header(offset, length);
  return r.SerializeAsString();
}

TEST(ContentFormatTest, AWholeFileIs200AndARange206WithItsPlace) {
  http::Response whole = ContentHead(Header(0, 1000), false);
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(*whole.FindHeader("Content-Length"), "1000");
  EXPECT_EQ(*whole.FindHeader("ETag"), "\"ab12\"");
  EXPECT_EQ(*whole.FindHeader("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.FindHeader("Content-Range"), nullptr);
  ContentFormat ranged(true, "");
  StreamFormat::Start start = ranged.First(FirstMessage(100, 50));
  ASSERT_FALSE(start.instead.has_value());
  EXPECT_EQ(start.head.status, 206);
  EXPECT_EQ(*start.head.FindHeader("Content-Range"), "bytes 100-149/1000");
  EXPECT_EQ(*start.head.FindHeader("Content-Length"), "50");
  v1::ReadVideoContentResponse chunk;
  chunk.mutable_chunk()->set_data("bytes!");
  EXPECT_EQ(ranged.Next(chunk.SerializeAsString()), "bytes!");
}

TEST(ContentFormatTest, AMatchingETagIs304AndARangeAtTheEnd416) {
  ContentFormat cached(false, "\"ab12\"");
  StreamFormat::Start start = cached.First(FirstMessage(0, 1000));
  ASSERT_TRUE(start.instead.has_value());
  EXPECT_EQ(start.instead->status, 304);
  EXPECT_TRUE(start.instead->body.empty());
  EXPECT_FALSE(ContentFormat(false, "\"other\"").First(FirstMessage(0, 1000)).instead.has_value());
  ContentFormat at_end(true, "");
  StreamFormat::Start end = at_end.First(FirstMessage(1000, 0));
  ASSERT_TRUE(end.instead.has_value());
  EXPECT_EQ(end.instead->status, 416);
  EXPECT_EQ(*end.instead->FindHeader("Content-Range"), "bytes */1000");
}

TEST(ContentFormatTest, AnOffsetPastTheEndIs416WithTheSize) {
  absl::Status past = upstream_api::WithErrorInfo(absl::OutOfRangeError("past the end"),
                                                  "OFFSET_PAST_END", "d", {{"size", "1000"}});
  http::Response r = ContentFormat(true, "").Ended(upstream_api::ToRpcStatus(past));
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(*r.FindHeader("Content-Range"), "bytes */1000");
  // Any other refusal is the ordinary JSON error.
  http::Response pending = ContentFormat(false, "").Ended(
      upstream_api::ToRpcStatus(absl::UnavailableError("still fetching")));
  EXPECT_EQ(pending.status, 503);
}

}  // namespace
}  // namespace seedance::server::http_api
