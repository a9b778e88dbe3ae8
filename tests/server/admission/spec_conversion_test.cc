#include "server/admission/spec_conversion.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/model/full_spec.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"

namespace seedance::server::admission {
namespace {

using ::seedance::server::model::FullSpec;
using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(SpecConversionTest, ValidSpecPassesWithNotes) {
  v1::VideoSpec s = FullSpec();
  s.set_generate_audio(true);
  absl::StatusOr<CheckedSpec> checked = CheckSpec(s);
  ASSERT_THAT(checked, IsOk());
  EXPECT_THAT(checked->notes, ElementsAre(HasSubstr("generate_audio is ignored"),
                                          HasSubstr("--rs in the prompt is ignored")));
}

TEST(SpecConversionTest, ViolationsNameTheGrpcFields) {
  v1::VideoSpec s = FullSpec();
  s.set_duration_seconds(13);
  s.set_execution_expires_after_seconds(10);
  s.mutable_images(1)->set_url("ftp://x");
  s.set_callback_url("not a url");
  s.set_resolution(static_cast<v1::Resolution>(42));
  s.set_frames_per_second(30);
  absl::StatusOr<CheckedSpec> checked = CheckSpec(s);
  EXPECT_THAT(checked, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(checked.status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.resolution"),
                          Field(&upstream_api::FieldViolation::field, "spec.callback_url"),
                          Field(&upstream_api::FieldViolation::field, "spec.images[1].url"),
                          Field(&upstream_api::FieldViolation::field, "spec.duration_seconds"),
                          Field(&upstream_api::FieldViolation::field, "spec.frames_per_second"),
                          Field(&upstream_api::FieldViolation::field,
                                "spec.execution_expires_after_seconds")));
}

TEST(SpecConversionTest, ACallbackFormatNeedsACallbackUrlAndAKnownValue) {
  v1::VideoSpec s = FullSpec();
  s.set_callback_format(v1::CALLBACK_FORMAT_UPSTREAM);
  EXPECT_TRUE(CheckSpec(s).ok());
  s.clear_callback_url();
  EXPECT_THAT(upstream_api::ViolationsFromStatus(CheckSpec(s).status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.callback_format")));
  s = FullSpec();
  s.set_callback_format(static_cast<v1::CallbackFormat>(9));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(CheckSpec(s).status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.callback_format")));
}

TEST(SpecConversionTest, ContentLevelViolationsPointAtPromptOrImages) {
  v1::VideoSpec text_only;
  text_only.set_model("doubao-seedance-1-0-lite-i2v-250428");
  text_only.set_prompt("a cat");
  EXPECT_THAT(upstream_api::ViolationsFromStatus(CheckSpec(text_only).status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.prompt")));

  v1::VideoSpec images_for_t2v = FullSpec();
  images_for_t2v.set_model("doubao-seedance-1-0-lite-t2v-250428");
  EXPECT_THAT(upstream_api::ViolationsFromStatus(CheckSpec(images_for_t2v).status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.images")));
}

TEST(SpecConversionTest, PathsMapWithAndWithoutAPrompt) {
  v1::VideoSpec with_prompt = FullSpec();
  EXPECT_EQ(SpecPathOf("content[0].text", with_prompt), "spec.prompt");
  EXPECT_EQ(SpecPathOf("content[2].image_url.url", with_prompt), "spec.images[1].url");
  EXPECT_EQ(SpecPathOf("content[1].role", with_prompt), "spec.images[0].role");
  v1::VideoSpec no_prompt = FullSpec();
  no_prompt.clear_prompt();
  EXPECT_EQ(SpecPathOf("content[0].image_url", no_prompt), "spec.images[0].url");
  EXPECT_EQ(SpecPathOf("camerafixed", no_prompt), "spec.camera_fixed");
  EXPECT_EQ(SpecPathOf("model", no_prompt, "request"), "request.model");
  EXPECT_EQ(SpecPathOf("content[x", no_prompt), "spec");
}

}  // namespace
}  // namespace seedance::server::admission
