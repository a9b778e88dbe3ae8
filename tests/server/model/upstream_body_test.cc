#include "server/model/upstream_body.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/model/full_spec.h"

namespace seedance::server::model {
namespace {

TEST(UpstreamBodyTest, EveryFieldMapsToItsWireForm) {
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
  EXPECT_EQ(r.framespersecond(), 24);  // the guide's field for --fps
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

TEST(UpstreamBodyTest, EnumWireValuesCoverEveryValue) {
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

}  // namespace
}  // namespace seedance::server::model
