#include "server/admission/spec_conversion.h"

#include "upstream_api/field_violation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::admission {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

v1::VideoSpec FullSpec() {
  v1::VideoSpec s;
  s.set_model("doubao-seedance-1-0-pro-250528");
  s.set_prompt("360 degree shot --rs 480p");
  v1::ImageInput* first = s.add_images();
  first->set_url("https://example.com/first.png");
  first->set_role(v1::FRAME_ROLE_FIRST_FRAME);
  v1::ImageInput* last = s.add_images();
  last->set_url("data:image/png;base64,iVBORw0K");
  last->set_role(v1::FRAME_ROLE_LAST_FRAME);
  s.set_resolution(v1::RESOLUTION_1080P);
  s.set_ratio(v1::ASPECT_RATIO_21_9);
  s.set_duration_seconds(7);
  s.set_seed(4294967295);
  s.set_camera_fixed(true);
  s.set_watermark(false);
  s.set_service_tier(v1::SERVICE_TIER_FLEX);
  s.set_return_last_frame(true);
  s.set_execution_expires_after_seconds(3600);
  s.set_callback_url("https://me.example/hook");
  return s;
}

TEST(SpecConversionTest, EveryFieldMapsToItsWireForm) {
  seedance::upstream::v1::VideosRequest r = ToUpstreamRequest(FullSpec());
  EXPECT_EQ(r.model(), "doubao-seedance-1-0-pro-250528");
  ASSERT_EQ(r.content_size(), 3);
  EXPECT_EQ(r.content(0).type(), "text");
  EXPECT_EQ(r.content(0).text(), "360 degree shot --rs 480p");
  EXPECT_EQ(r.content(1).type(), "image_url");
  EXPECT_EQ(r.content(1).image_url().url(), "https://example.com/first.png");
  EXPECT_EQ(r.content(1).role(), "first_frame");
  EXPECT_EQ(r.content(2).role(), "last_frame");
  EXPECT_EQ(r.resolution(), "1080p");
  EXPECT_EQ(r.ratio(), "21:9");
  EXPECT_EQ(r.duration(), 7);
  EXPECT_EQ(r.seed(), 4294967295.0);
  EXPECT_TRUE(r.camerafixed());
  ASSERT_TRUE(r.has_watermark());
  EXPECT_FALSE(r.watermark());
  EXPECT_FALSE(r.has_generate_audio());
  EXPECT_EQ(r.service_tier(), "flex");
  EXPECT_TRUE(r.return_last_frame());
  EXPECT_EQ(r.execution_expires_after(), 3600);
  // The caller's callback_url is the gateway's to honour, not the upstream's.
  EXPECT_EQ(r.callback_url(), "");
}

TEST(SpecConversionTest, EnumWireValuesCoverEveryValue) {
  for (int v = 1; v <= 3; ++v) {
    EXPECT_NE(ResolutionToWire(static_cast<v1::Resolution>(v)), "") << v;
  }
  for (int v = 1; v <= 7; ++v) {
    EXPECT_NE(AspectRatioToWire(static_cast<v1::AspectRatio>(v)), "") << v;
  }
  EXPECT_EQ(ResolutionToWire(v1::RESOLUTION_UNSPECIFIED), "");
  EXPECT_EQ(AspectRatioToWire(v1::ASPECT_RATIO_ADAPTIVE), "adaptive");
  EXPECT_EQ(ServiceTierToWire(v1::SERVICE_TIER_DEFAULT), "default");
  EXPECT_EQ(FrameRoleToWire(v1::FRAME_ROLE_UNSPECIFIED), "");
}

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
  absl::StatusOr<CheckedSpec> checked = CheckSpec(s);
  EXPECT_THAT(checked, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(checked.status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.resolution"),
                          Field(&upstream_api::FieldViolation::field, "spec.callback_url"),
                          Field(&upstream_api::FieldViolation::field, "spec.images[1].url"),
                          Field(&upstream_api::FieldViolation::field, "spec.duration_seconds"),
                          Field(&upstream_api::FieldViolation::field,
                                "spec.execution_expires_after_seconds")));
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
