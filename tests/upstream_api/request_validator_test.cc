#include "upstream_api/request_validator.h"

#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"

namespace seedance::upstream_api {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using upstream::v1::ContentItem;
using upstream::v1::VideosRequest;

constexpr char kPro[] = "doubao-seedance-1-0-pro-250528";
constexpr char kAudioModel[] = "doubao-seedance-1-5-pro-251215";
constexpr char kLiteT2v[] = "doubao-seedance-1-0-lite-t2v-250428";
constexpr char kLiteI2v[] = "doubao-seedance-1-0-lite-i2v-250428";
constexpr char kImage[] = "https://example.com/first.png";

VideosRequest TextRequest(const std::string& model = kPro) {
  VideosRequest r;
  r.set_model(model);
  ContentItem* text = r.add_content();
  text->set_type("text");
  text->set_text("A kitten yawning at the camera.");
  return r;
}

void AddImage(VideosRequest& r, const std::string& role, const std::string& url = kImage) {
  ContentItem* image = r.add_content();
  image->set_type("image_url");
  image->mutable_image_url()->set_url(url);
  image->set_role(role);
}

// One mutation of a valid request and the violation it must cause, or
// none (expect_field empty) when it sits just inside an edge.
struct Case {
  std::string name;
  std::function<void(VideosRequest&)> mutate;
  std::string expect_field;
  std::string expect_reason;
};

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    VideosRequest request = TextRequest();
    c.mutate(request);
    ValidationResult result = ValidateVideosRequest(request);
    if (c.expect_field.empty()) {
      EXPECT_THAT(result.violations, IsEmpty());
      EXPECT_THAT(result.ToStatus(), IsOk());
    } else {
      EXPECT_THAT(result.violations,
                  ElementsAre(AllOf(Field(&FieldViolation::field, c.expect_field),
                                    Field(&FieldViolation::reason, c.expect_reason))));
      EXPECT_THAT(result.ToStatus(), StatusIs(absl::StatusCode::kInvalidArgument,
                                              HasSubstr(c.expect_field)));
    }
  }
}

TEST(RequestValidatorTest, NumericRangesAtBothEdges) {
  RunCases({
      {"duration 2", [](auto& r) { r.set_duration(2); }, "", ""},
      {"duration 12", [](auto& r) { r.set_duration(12); }, "", ""},
      {"duration 1", [](auto& r) { r.set_duration(1); }, "duration", "OUT_OF_RANGE"},
      {"duration 13", [](auto& r) { r.set_duration(13); }, "duration", "OUT_OF_RANGE"},
      {"duration 0", [](auto& r) { r.set_duration(0); }, "duration", "OUT_OF_RANGE"},
      {"seed -1", [](auto& r) { r.set_seed(-1); }, "", ""},
      {"seed 4294967295", [](auto& r) { r.set_seed(4294967295.0); }, "", ""},
      {"seed -2", [](auto& r) { r.set_seed(-2); }, "seed", "OUT_OF_RANGE"},
      {"seed 4294967296", [](auto& r) { r.set_seed(4294967296.0); }, "seed",
       "OUT_OF_RANGE"},
      {"seed 1.5", [](auto& r) { r.set_seed(1.5); }, "seed", "WRONG_TYPE"},
      {"expires 3600", [](auto& r) { r.set_execution_expires_after(3600); }, "", ""},
      {"expires 259200", [](auto& r) { r.set_execution_expires_after(259200); }, "", ""},
      {"expires 3599", [](auto& r) { r.set_execution_expires_after(3599); },
       "execution_expires_after", "OUT_OF_RANGE"},
      {"expires 259201", [](auto& r) { r.set_execution_expires_after(259201); },
       "execution_expires_after", "OUT_OF_RANGE"},
      {"frames 29", [](auto& r) { r.set_frames(29); }, "", ""},
      {"frames 289", [](auto& r) { r.set_frames(289); }, "", ""},
      {"frames 33", [](auto& r) { r.set_frames(33); }, "", ""},
      {"frames 25", [](auto& r) { r.set_frames(25); }, "frames", "OUT_OF_RANGE"},
      {"frames 293", [](auto& r) { r.set_frames(293); }, "frames", "OUT_OF_RANGE"},
      {"frames 30", [](auto& r) { r.set_frames(30); }, "frames", "OUT_OF_RANGE"},
      {"frames and duration",
       [](auto& r) {
         r.set_frames(29);
         r.set_duration(5);
       },
       "frames", "CONFLICT"},
      {"framespersecond 24", [](auto& r) { r.set_framespersecond(24); }, "", ""},
      {"framespersecond 30", [](auto& r) { r.set_framespersecond(30); }, "framespersecond",
       "OUT_OF_RANGE"},
      {"framespersecond 0", [](auto& r) { r.set_framespersecond(0); }, "framespersecond",
       "OUT_OF_RANGE"},
  });
}

TEST(RequestValidatorTest, EnumeratedStrings) {
  std::vector<Case> cases;
  for (const char* v : {"480p", "720p", "1080p"}) {
    cases.push_back({std::string("resolution ") + v,
                     [v](auto& r) { r.set_resolution(v); }, "", ""});
  }
  for (const char* v : {"16:9", "4:3", "1:1", "3:4", "9:16", "21:9", "adaptive"}) {
    cases.push_back(
        {std::string("ratio ") + v, [v](auto& r) { r.set_ratio(v); }, "", ""});
  }
  for (const char* v : {"default", "flex"}) {
    cases.push_back({std::string("tier ") + v,
                     [v](auto& r) { r.set_service_tier(v); }, "", ""});
  }
  cases.push_back({"resolution 4k", [](auto& r) { r.set_resolution("4k"); },
                   "resolution", "UNKNOWN_VALUE"});
  cases.push_back({"resolution 720P", [](auto& r) { r.set_resolution("720P"); },
                   "resolution", "UNKNOWN_VALUE"});
  cases.push_back({"ratio 2:1", [](auto& r) { r.set_ratio("2:1"); }, "ratio",
                   "UNKNOWN_VALUE"});
  cases.push_back({"tier online", [](auto& r) { r.set_service_tier("online"); },
                   "service_tier", "UNKNOWN_VALUE"});
  RunCases(cases);
}

TEST(RequestValidatorTest, ModelMustBeKnown) {
  RunCases({
      {"no model", [](auto& r) { r.clear_model(); }, "model", "REQUIRED"},
      {"unknown model", [](auto& r) { r.set_model("seedance-2"); }, "model",
       "UNKNOWN_VALUE"},
      {"fast model", [](auto& r) { r.set_model("doubao-seedance-1-0-pro-fast-251015"); },
       "", ""},
  });
}

TEST(RequestValidatorTest, ContentItems) {
  RunCases({
      {"empty content", [](auto& r) { r.clear_content(); }, "content", "REQUIRED"},
      {"blank text", [](auto& r) { r.mutable_content(0)->set_text("  "); },
       "content[0].text", "REQUIRED"},
      {"unknown type", [](auto& r) { r.mutable_content(0)->set_type("video_url"); },
       "content[0].type", "UNKNOWN_VALUE"},
      {"no type", [](auto& r) { r.mutable_content(0)->clear_type(); },
       "content[0].type", "REQUIRED"},
      {"role on text", [](auto& r) { r.mutable_content(0)->set_role("first_frame"); },
       "content[0].role", "NOT_ALLOWED"},
      {"image_url on text",
       [](auto& r) { r.mutable_content(0)->mutable_image_url()->set_url(kImage); },
       "content[0].image_url", "NOT_ALLOWED"},
      {"two texts",
       [](auto& r) { *r.add_content() = r.content(0); },
       "content", "CONFLICT"},
      {"image without image_url",
       [](auto& r) {
         AddImage(r, "first_frame");
         r.mutable_content(1)->clear_image_url();
       },
       "content[1].image_url", "REQUIRED"},
      {"image with empty url", [](auto& r) { AddImage(r, "first_frame", ""); },
       "content[1].image_url.url", "REQUIRED"},
      {"image with bad url", [](auto& r) { AddImage(r, "", "ftp://x/y.png"); },
       "content[1].image_url.url", "MALFORMED"},
      {"image with data url",
       [](auto& r) { AddImage(r, "first_frame", "data:image/png;base64,iVBORw0K"); },
       "", ""},
      {"text on image",
       [](auto& r) {
         AddImage(r, "first_frame");
         r.mutable_content(1)->set_text("x");
       },
       "content[1].text", "NOT_ALLOWED"},
      {"unknown role", [](auto& r) { AddImage(r, "reference_image"); },
       "content[1].role", "UNKNOWN_VALUE"},
      {"image without role", [](auto& r) { AddImage(r, ""); }, "", ""},
      {"first and last frame",
       [](auto& r) {
         AddImage(r, "first_frame");
         AddImage(r, "last_frame");
       },
       "", ""},
      {"last frame alone", [](auto& r) { AddImage(r, "last_frame"); }, "content",
       "CONFLICT"},
      {"two first frames",
       [](auto& r) {
         AddImage(r, "first_frame");
         AddImage(r, "first_frame");
       },
       "content", "CONFLICT"},
      {"three images",
       [](auto& r) {
         AddImage(r, "first_frame");
         AddImage(r, "last_frame");
         AddImage(r, "");
       },
       "content", "CONFLICT"},
  });
}

TEST(RequestValidatorTest, TwoImagesWithoutRolesAreReported) {
  VideosRequest r = TextRequest();
  AddImage(r, "");
  AddImage(r, "");
  EXPECT_THAT(ValidateVideosRequest(r).violations,
              Contains(Field(&FieldViolation::description,
                             HasSubstr("roles first_frame and last_frame"))));
}

TEST(RequestValidatorTest, FirstAndLastFrameNeedAPrompt) {
  VideosRequest r;
  r.set_model(kPro);
  AddImage(r, "first_frame");
  AddImage(r, "last_frame");
  EXPECT_THAT(ValidateVideosRequest(r).violations,
              ElementsAre(AllOf(Field(&FieldViolation::field, "content"),
                                Field(&FieldViolation::description,
                                      HasSubstr("needs a text prompt")))));
  // A first frame alone needs no prompt.
  VideosRequest image_only;
  image_only.set_model(kPro);
  AddImage(image_only, "first_frame");
  EXPECT_TRUE(ValidateVideosRequest(image_only).ok());
}

TEST(RequestValidatorTest, TextOnlyModelRejectsImages) {
  VideosRequest r = TextRequest(kLiteT2v);
  EXPECT_TRUE(ValidateVideosRequest(r).ok());
  AddImage(r, "first_frame");
  EXPECT_THAT(ValidateVideosRequest(r).violations,
              ElementsAre(AllOf(Field(&FieldViolation::field, "content"),
                                Field(&FieldViolation::description,
                                      HasSubstr("text-to-video only")))));
}

TEST(RequestValidatorTest, ImageModelNeedsAnImage) {
  VideosRequest r = TextRequest(kLiteI2v);
  EXPECT_THAT(ValidateVideosRequest(r).violations,
              ElementsAre(AllOf(Field(&FieldViolation::field, "content"),
                                Field(&FieldViolation::reason, "REQUIRED"))));
  AddImage(r, "first_frame");
  EXPECT_TRUE(ValidateVideosRequest(r).ok());
  AddImage(r, "last_frame");
  EXPECT_TRUE(ValidateVideosRequest(r).ok());
}

TEST(RequestValidatorTest, GenerateAudioIsOnlyANoteOnModelsWithoutAudio) {
  VideosRequest r = TextRequest(kPro);
  r.set_generate_audio(true);
  ValidationResult result = ValidateVideosRequest(r);
  EXPECT_TRUE(result.ok());
  EXPECT_THAT(result.notes, ElementsAre(HasSubstr("generate_audio is ignored")));

  VideosRequest audio = TextRequest(kAudioModel);
  audio.set_generate_audio(true);
  result = ValidateVideosRequest(audio);
  EXPECT_TRUE(result.ok());
  EXPECT_THAT(result.notes, IsEmpty());
}

TEST(RequestValidatorTest, CallbackUrlMustBeHttp) {
  RunCases({
      {"https callback", [](auto& r) { r.set_callback_url("https://me.example/cb"); },
       "", ""},
      {"ftp callback", [](auto& r) { r.set_callback_url("ftp://me.example/cb"); },
       "callback_url", "MALFORMED"},
  });
}

TEST(RequestValidatorTest, InlineParametersAreWeakAndLoseToFields) {
  VideosRequest r = TextRequest();
  r.mutable_content(0)->set_text("a cat --dur 99 --rs 480p --rt 4:3 --seed 7 --wm true");
  r.set_resolution("1080p");
  ValidationResult result = ValidateVideosRequest(r);
  EXPECT_TRUE(result.ok());  // --dur 99 is weak: never a violation
  EXPECT_THAT(result.notes, ElementsAre(HasSubstr("--dur 99 ignored"),
                                        HasSubstr("--rs in the prompt is ignored")));
  EXPECT_THAT(result.effective.resolution, Optional(std::string("1080p")));
  EXPECT_THAT(result.effective.ratio, Optional(std::string("4:3")));
  EXPECT_THAT(result.effective.seed, Optional(7));
  EXPECT_THAT(result.effective.watermark, Optional(true));
  EXPECT_FALSE(result.effective.duration.has_value());
}

TEST(RequestValidatorTest, LengthFieldReplacesInlineLength) {
  VideosRequest r = TextRequest();
  r.mutable_content(0)->set_text("a cat --frames 33");
  r.set_duration(8);
  ValidationResult result = ValidateVideosRequest(r);
  EXPECT_TRUE(result.ok());
  EXPECT_THAT(result.effective.duration, Optional(8));
  EXPECT_FALSE(result.effective.frames.has_value());
  EXPECT_THAT(result.notes,
              ElementsAre(HasSubstr("--frames in the prompt is ignored: the duration")));
}

TEST(RequestValidatorTest, EveryViolationIsReportedAtOnce) {
  VideosRequest r;
  r.set_model("nope");
  r.set_duration(1);
  r.set_ratio("2:1");
  ValidationResult result = ValidateVideosRequest(r);
  EXPECT_THAT(result.violations,
              ElementsAre(Field(&FieldViolation::field, "content"),
                          Field(&FieldViolation::field, "model"),
                          Field(&FieldViolation::field, "ratio"),
                          Field(&FieldViolation::field, "duration")));
  EXPECT_EQ(ViolationsFromStatus(result.ToStatus()), result.violations);
}

}  // namespace
}  // namespace seedance::upstream_api
