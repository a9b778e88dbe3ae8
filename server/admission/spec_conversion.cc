#include "server/admission/spec_conversion.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/model/upstream_body.h"
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
    {"framespersecond", "frames_per_second"},
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
  CheckEnum(spec.callback_format(), v1::CallbackFormat_IsValid, "callback_format", prefix,
            violations);
  if (spec.callback_format() != v1::CALLBACK_FORMAT_UNSPECIFIED &&
      spec.callback_url().empty()) {
    violations.push_back({upstream_api::JoinPath(prefix, "callback_format"),
                          "needs a callback_url to send to",
                          std::string(upstream_api::kReasonConflict)});
  }
  if (!spec.callback_url().empty()) {
    std::string why = upstream_api::CheckHttpUrl(spec.callback_url());
    if (!why.empty()) {
      violations.push_back({upstream_api::JoinPath(prefix, "callback_url"), why,
                            std::string(upstream_api::kReasonMalformed)});
    }
  }
  CheckedSpec checked;
  // Validated on the body it becomes; the body is derived again when sent
  // (the record keeps the spec only).
  upstream_api::ValidationResult result =
      upstream_api::ValidateVideosRequest(model::ToUpstreamRequest(spec));
  for (FieldViolation& v : result.violations) {
    v.field = SpecPathOf(v.field, spec, prefix);
    violations.push_back(std::move(v));
  }
  if (!violations.empty()) return upstream_api::InvalidArgumentWithViolations(violations);
  checked.notes = std::move(result.notes);
  return checked;
}

}  // namespace seedance::server::admission
