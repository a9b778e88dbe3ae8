#include "upstream_api/field_violation.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::upstream_api {
namespace {

using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(FieldViolationTest, StatusCarriesViolationsAsBadRequestPayload) {
  std::vector<FieldViolation> violations = {
      {"duration", "must be from 2 to 12 seconds, got 13",
       std::string(kReasonOutOfRange)},
      {"content[0].image_url", "must be an object", std::string(kReasonWrongType)},
  };
  absl::Status status = InvalidArgumentWithViolations(violations);
  EXPECT_THAT(status,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "invalid request: duration: must be from 2 to 12 seconds, "
                       "got 13; content[0].image_url: must be an object"));
  EXPECT_EQ(ViolationsFromStatus(status), violations);
}

TEST(FieldViolationTest, BodyLevelViolationHasNoFieldPrefix) {
  EXPECT_EQ(ToString({"", "the body is not valid JSON", "MALFORMED"}),
            "the body is not valid JSON");
}

TEST(FieldViolationTest, StatusWithoutPayloadHasNoViolations) {
  EXPECT_THAT(ViolationsFromStatus(absl::OkStatus()), IsEmpty());
  EXPECT_THAT(ViolationsFromStatus(absl::InvalidArgumentError("x")), IsEmpty());
}

TEST(FieldViolationTest, CorruptPayloadYieldsNoViolations) {
  absl::Status status = absl::InvalidArgumentError("x");
  status.SetPayload(kBadRequestTypeUrl, absl::Cord("\xff\xff\xff"));
  EXPECT_THAT(ViolationsFromStatus(status), IsEmpty());
}

TEST(FieldViolationTest, PathsJoinNamesAndIndexes) {
  EXPECT_EQ(JoinPath("", "model"), "model");
  EXPECT_EQ(JoinPath(IndexPath("content", 2), "image_url"), "content[2].image_url");
  EXPECT_THAT(std::vector<std::string>{JoinPath("a", "b")}, ElementsAre("a.b"));
}

}  // namespace
}  // namespace seedance::upstream_api
