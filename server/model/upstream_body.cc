#include "server/model/upstream_body.h"

#include <string>

#include "upstream_api/wire_values.h"

namespace seedance::server::model {

std::string ResolutionToWire(v1::Resolution value) {
  switch (value) {
    case v1::RESOLUTION_480P: return "480p";
    case v1::RESOLUTION_720P: return "720p";
    case v1::RESOLUTION_1080P: return "1080p";
    default: return "";
  }
}

std::string AspectRatioToWire(v1::AspectRatio value) {
  switch (value) {
    case v1::ASPECT_RATIO_16_9: return "16:9";
    case v1::ASPECT_RATIO_4_3: return "4:3";
    case v1::ASPECT_RATIO_1_1: return "1:1";
    case v1::ASPECT_RATIO_3_4: return "3:4";
    case v1::ASPECT_RATIO_9_16: return "9:16";
    case v1::ASPECT_RATIO_21_9: return "21:9";
    case v1::ASPECT_RATIO_ADAPTIVE: return "adaptive";
    default: return "";
  }
}

std::string ServiceTierToWire(v1::ServiceTier value) {
  switch (value) {
    case v1::SERVICE_TIER_DEFAULT: return "default";
    case v1::SERVICE_TIER_FLEX: return "flex";
    default: return "";
  }
}

std::string FrameRoleToWire(v1::FrameRole value) {
  switch (value) {
    case v1::FRAME_ROLE_FIRST_FRAME: return std::string(upstream_api::kRoleFirstFrame);
    case v1::FRAME_ROLE_LAST_FRAME: return std::string(upstream_api::kRoleLastFrame);
    default: return "";
  }
}

seedance::upstream::v1::VideosRequest ToUpstreamRequest(const v1::VideoSpec& spec) {
  seedance::upstream::v1::VideosRequest r;
  r.set_model(spec.model());
  if (!spec.prompt().empty()) {
    seedance::upstream::v1::ContentItem* text = r.add_content();
    text->set_type(std::string(upstream_api::kContentText));
    text->set_text(spec.prompt());
  }
  for (const v1::ImageInput& image : spec.images()) {
    seedance::upstream::v1::ContentItem* item = r.add_content();
    item->set_type(std::string(upstream_api::kContentImageUrl));
    item->mutable_image_url()->set_url(image.url());
    item->set_role(FrameRoleToWire(image.role()));
  }
  r.set_resolution(ResolutionToWire(spec.resolution()));
  r.set_ratio(AspectRatioToWire(spec.ratio()));
  r.set_service_tier(ServiceTierToWire(spec.service_tier()));
  if (spec.has_duration_seconds()) r.set_duration(spec.duration_seconds());
  if (spec.has_frames()) r.set_frames(spec.frames());
  if (spec.has_frames_per_second()) r.set_framespersecond(spec.frames_per_second());
  if (spec.has_seed()) r.set_seed(static_cast<double>(spec.seed()));
  if (spec.has_camera_fixed()) r.set_camerafixed(spec.camera_fixed());
  if (spec.has_watermark()) r.set_watermark(spec.watermark());
  if (spec.has_generate_audio()) r.set_generate_audio(spec.generate_audio());
  if (spec.has_return_last_frame()) r.set_return_last_frame(spec.return_last_frame());
  if (spec.has_execution_expires_after_seconds()) {
    r.set_execution_expires_after(spec.execution_expires_after_seconds());
  }
  return r;
}

}  // namespace seedance::server::model
