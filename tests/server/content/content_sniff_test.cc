#include "server/content/content_sniff.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::content {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::IsOkAndHolds;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

const std::string kMp4 = std::string("\x00\x00\x00\x20" "ftypisom", 12);
const std::string kPng = "\x89PNG\r\n\x1a\n\x00\x00\x00\x0d";
const std::string kJpeg = "\xff\xd8\xff\xe0\x00\x10JFIF";

struct SniffCase {
  std::string head;
  std::string type;  // "" if refused
};

class SniffContentTypeTest : public ::testing::TestWithParam<SniffCase> {};

TEST_P(SniffContentTypeTest, KnowsTheThreeKindsAndNothingElse) {
  absl::StatusOr<std::string> type = SniffContentType(GetParam().head);
  if (GetParam().type.empty()) {
    EXPECT_THAT(type, StatusIs(absl::StatusCode::kInvalidArgument));
  } else {
    EXPECT_THAT(type, IsOkAndHolds(GetParam().type));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SniffContentTypeTest,
    ::testing::Values(SniffCase{kMp4, "video/mp4"}, SniffCase{kPng, "image/png"},
                      SniffCase{kJpeg, "image/jpeg"},
                      SniffCase{std::string("\x00\x00\x00\x18" "ftyp", 8), "video/mp4"},
                      SniffCase{"<!DOCTYPE html><html>", ""}, SniffCase{"", ""},
                      SniffCase{std::string("\x00\x00\x00\x20" "moov", 8), ""},
                      SniffCase{"\x89PNG", ""}, SniffCase{"\xff\xd8", ""},
                      SniffCase{"{\"error\":\"expired\"}", ""}));

TEST(CheckContentKindTest, AVideoMustBeAnMp4AndAFrameAnImage) {
  EXPECT_THAT(CheckContentKind(kMp4, ContentKind::kVideo), IsOk());
  EXPECT_THAT(CheckContentKind(kPng, ContentKind::kImage), IsOk());
  EXPECT_THAT(CheckContentKind(kJpeg, ContentKind::kImage), IsOk());
  EXPECT_THAT(CheckContentKind(kPng, ContentKind::kVideo),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected a video (MP4), got image/png")));
  EXPECT_THAT(CheckContentKind(kMp4, ContentKind::kImage),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got video/mp4")));
}

TEST(CheckContentKindTest, SaysWhatWasFoundInstead) {
  EXPECT_THAT(CheckContentKind("<!DOCTYPE html>", ContentKind::kVideo),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bytes starting \"<!DOCTYP\"")));
  EXPECT_THAT(CheckContentKind(std::string("\x01\x02\x03", 3), ContentKind::kVideo),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("0x010203")));
  EXPECT_THAT(CheckContentKind("", ContentKind::kImage),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no bytes")));
}

}  // namespace
}  // namespace seedance::server::content
