#include "server/admission/spec_conversion.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/request_validator.h"
#include "upstream_api/url_check.h"
#include "upstream_api/wire_values.h"

namespace seedance::server::admission {
namespace {

using upstream_api::FieldViolation;

// Top-level upstream fields and their VideoSpec names.
struct FieldName {
  absl::string_view upstream;
  absl::string_view spec;
};
constexpr FieldName kFieldNames[] = {
    {"model", "model"},
    {"resolution", "resolution"},
    {"ratio", "ratio"},
    {"duration", "duration_seconds"},
    {"frames", "frames"},
    {"seed", "seed"},
    {"camerafixed", "camera_fixed"},
    {"watermark", "watermark"},
    {"generate_audio", "generate_audio"},
    {"service_tier", "service_tier"},
    {"return_last_frame", "return_last_frame"},
    {"execution_expires_after", "execution_expires_after_seconds"},
    {"callback_url", "callback_url"},
};

bool HasPrompt(const v1::VideoSpec& spec) { return !spec.prompt().empty(); }

template <typename Enum>
void CheckEnum(Enum value, bool (*is_valid)(int), absl::string_view field,
               absl::string_view prefix, std::vector<FieldViolation>& out) {
  if (is_valid(static_cast<int>(value))) return;
  out.push_back({upstream_api::JoinPath(prefix, field),
                 absl::StrCat("unknown value ", static_cast<int>(value)),
                 std::string(upstream_api::kReasonUnknownValue)});
}

}  // namespace

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
  if (HasPrompt(spec)) {
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

std::string SpecPathOf(absl::string_view upstream_path, const v1::VideoSpec& spec,
                       absl::string_view prefix) {
  if (upstream_path == "content") {
    return upstream_api::JoinPath(prefix, spec.images().empty() ? "prompt" : "images");
  }
  if (absl::StartsWith(upstream_path, "content[")) {
    size_t close = upstream_path.find(']');
    int index = 0;
    if (close == absl::string_view::npos ||
        !absl::SimpleAtoi(upstream_path.substr(8, close - 8), &index)) {
      return std::string(prefix);
    }
    absl::string_view rest = upstream_path.substr(close + 1);
    int first_image = HasPrompt(spec) ? 1 : 0;
    if (index < first_image) return upstream_api::JoinPath(prefix, "prompt");
    std::string image = upstream_api::IndexPath(upstream_api::JoinPath(prefix, "images"), index - first_image);
    if (absl::StartsWith(rest, ".role")) return upstream_api::JoinPath(image, "role");
    if (absl::StartsWith(rest, ".image_url")) return upstream_api::JoinPath(image, "url");
    return image;
  }
  for (const FieldName& name : kFieldNames) {
    if (upstream_path == name.upstream) return upstream_api::JoinPath(prefix, name.spec);
  }
  return upstream_api::JoinPath(prefix, upstream_path);
}

absl::StatusOr<CheckedSpec> CheckSpec(const v1::VideoSpec& spec, absl::string_view prefix) {
  std::vector<FieldViolation> violations;
  CheckEnum(spec.resolution(), v1::Resolution_IsValid, "resolution", prefix, violations);
  CheckEnum(spec.ratio(), v1::AspectRatio_IsValid, "ratio", prefix, violations);
  CheckEnum(spec.service_tier(), v1::ServiceTier_IsValid, "service_tier", prefix,
            violations);
  for (int i = 0; i < spec.images_size(); ++i) {
    CheckEnum(spec.images(i).role(), v1::FrameRole_IsValid,
              absl::StrCat("images[", i, "].role"), prefix, violations);
  }
  if (!spec.callback_url().empty()) {
    std::string why = upstream_api::CheckHttpUrl(spec.callback_url());
    if (!why.empty()) {
      violations.push_back({upstream_api::JoinPath(prefix, "callback_url"), why,
                            std::string(upstream_api::kReasonMalformed)});
    }
  }
  CheckedSpec checked;
  checked.upstream_request = ToUpstreamRequest(spec);
  upstream_api::ValidationResult result = upstream_api::ValidateVideosRequest(checked.upstream_request);
  for (FieldViolation& v : result.violations) {
    v.field = SpecPathOf(v.field, spec, prefix);
    violations.push_back(std::move(v));
  }
  if (!violations.empty()) return upstream_api::InvalidArgumentWithViolations(violations);
  checked.notes = std::move(result.notes);
  return checked;
}

}  // namespace seedance::server::admission
