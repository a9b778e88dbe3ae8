#include "upstream_api/request_validator.h"

#include <cmath>
#include <optional>
#include "absl/strings/string_view.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "upstream_api/known_models.h"
#include "upstream_api/url_check.h"
#include "upstream_api/wire_values.h"

namespace seedance::upstream_api {
namespace {

using upstream::v1::ContentItem;
using upstream::v1::VideosRequest;

// Integers without exponent or fraction (4294967295, not 4.29497e+09).
std::string FormatNumber(double n) {
  if (std::isfinite(n) && std::trunc(n) == n && std::fabs(n) < 1e18) {
    return absl::StrCat(static_cast<int64_t>(n));
  }
  return absl::StrCat(n);
}

class Checker {
 public:
  explicit Checker(ValidationResult& result) : result_(result) {}

  void Violation(std::string field, std::string description,
                 absl::string_view reason) {
    result_.violations.push_back(
        {std::move(field), std::move(description), std::string(reason)});
  }
  void Note(std::string note) { result_.notes.push_back(std::move(note)); }

  template <size_t N>
  void OneOf(absl::string_view field, const std::string& value,
             const std::array<absl::string_view, N>& allowed) {
    if (value.empty() || Contains(allowed, value)) return;
    Violation(std::string(field),
              absl::StrCat("\"", value, "\" is not allowed; use one of ",
                           absl::StrJoin(allowed, ", ")),
              kReasonUnknownValue);
  }

  void InRange(absl::string_view field, double value, double min, double max,
               absl::string_view unit) {
    if (value >= min && value <= max) return;
    Violation(std::string(field),
              absl::StrCat("must be from ", FormatNumber(min), " to ",
                           FormatNumber(max), unit, ", got ", FormatNumber(value)),
              kReasonOutOfRange);
  }

 private:
  ValidationResult& result_;
};

// What the content items amount to.
struct ContentSummary {
  int text_items = 0;
  int image_items = 0;
  int first_frames = 0;
  int last_frames = 0;
  const ContentItem* prompt = nullptr;  // the first text item
};

ContentSummary CheckContent(const VideosRequest& request, Checker& check) {
  ContentSummary summary;
  if (request.content().empty()) {
    check.Violation("content", "must hold a text prompt, an image, or both",
                    kReasonRequired);
    return summary;
  }
  for (int i = 0; i < request.content_size(); ++i) {
    const ContentItem& item = request.content(i);
    std::string path = IndexPath("content", i);
    if (item.type() == kContentText) {
      ++summary.text_items;
      if (summary.prompt == nullptr) summary.prompt = &item;
      if (absl::StripAsciiWhitespace(item.text()).empty()) {
        check.Violation(JoinPath(path, "text"),
                        "must not be empty for a \"text\" item", kReasonRequired);
      }
      if (item.has_image_url()) {
        check.Violation(JoinPath(path, "image_url"),
                        "is not allowed on a \"text\" item", kReasonNotAllowed);
      }
      if (!item.role().empty()) {
        check.Violation(JoinPath(path, "role"),
                        "is not allowed on a \"text\" item", kReasonNotAllowed);
      }
    } else if (item.type() == kContentImageUrl) {
      ++summary.image_items;
      if (!item.has_image_url()) {
        check.Violation(JoinPath(path, "image_url"),
                        "is required for an \"image_url\" item: "
                        "{\"url\": \"https://...\"}",
                        kReasonRequired);
      } else {
        std::string why = CheckImageUrl(item.image_url().url());
        if (!why.empty()) {
          check.Violation(JoinPath(path, "image_url.url"), why,
                          item.image_url().url().empty() ? kReasonRequired
                                                         : kReasonMalformed);
        }
      }
      if (!item.text().empty()) {
        check.Violation(JoinPath(path, "text"),
                        "is not allowed on an \"image_url\" item",
                        kReasonNotAllowed);
      }
      check.OneOf(JoinPath(path, "role"), item.role(), kFrameRoles);
      if (item.role() == kRoleFirstFrame) ++summary.first_frames;
      if (item.role() == kRoleLastFrame) ++summary.last_frames;
    } else if (item.type().empty()) {
      check.Violation(JoinPath(path, "type"),
                      "is required: \"text\" or \"image_url\"", kReasonRequired);
    } else {
      check.OneOf(JoinPath(path, "type"), item.type(), kContentTypes);
    }
  }
  if (summary.text_items > 1) {
    check.Violation("content", "must hold at most one \"text\" item",
                    kReasonConflict);
  }
  // The image rules, most general first: one message per problem.
  if (summary.image_items > 2) {
    check.Violation("content",
                    "must hold at most two images: a first and a last frame",
                    kReasonConflict);
  } else if (summary.first_frames > 1 || summary.last_frames > 1) {
    check.Violation("content",
                    "must hold at most one first_frame and one last_frame image",
                    kReasonConflict);
  } else if (summary.image_items == 2 &&
             (summary.first_frames != 1 || summary.last_frames != 1)) {
    check.Violation("content",
                    "two images need the roles first_frame and last_frame",
                    kReasonConflict);
  } else if (summary.last_frames > 0 && summary.first_frames == 0) {
    check.Violation("content", "a last_frame image needs a first_frame image too",
                    kReasonConflict);
  }
  if (summary.last_frames > 0 && summary.text_items == 0) {
    check.Violation("content",
                    "a first and last frame video needs a text prompt too",
                    kReasonRequired);
  }
  return summary;
}

void CheckModel(const VideosRequest& request, const ContentSummary& content,
                Checker& check) {
  if (request.model().empty()) {
    check.Violation("model", absl::StrCat("is required; use one of ", KnownModelList()),
                    kReasonRequired);
    return;
  }
  const ModelInfo* model = FindModel(request.model());
  if (model == nullptr) {
    check.Violation("model",
                    absl::StrCat("\"", request.model(),
                                 "\" is not a known model; use one of ",
                                 KnownModelList()),
                    kReasonUnknownValue);
    return;
  }
  if (request.content().empty()) return;
  if (content.image_items > 0 && !model->image_to_video) {
    check.Violation("content",
                    absl::StrCat(model->id,
                                 " is text-to-video only: remove the images"),
                    kReasonNotAllowed);
  } else if (content.last_frames > 0 && !model->first_last_frame) {
    check.Violation("content",
                    absl::StrCat(model->id,
                                 " does not take a first and a last frame"),
                    kReasonNotAllowed);
  }
  if (content.image_items == 0 && model->requires_image) {
    check.Violation("content",
                    absl::StrCat(model->id,
                                 " needs an image: add an image_url item "
                                 "(first_frame)"),
                    kReasonRequired);
  }
  if (request.has_generate_audio() && !model->audio) {
    check.Note(absl::StrCat("generate_audio is ignored: only models with audio "
                            "(doubao-seedance-1-5-pro-251215) use it, not ",
                            model->id));
  }
}

void CheckScalars(const VideosRequest& request, Checker& check) {
  check.OneOf("resolution", request.resolution(), kResolutions);
  check.OneOf("ratio", request.ratio(), kRatios);
  check.OneOf("service_tier", request.service_tier(), kServiceTiers);
  if (request.has_duration()) {
    check.InRange("duration", request.duration(), kMinDurationSeconds,
                  kMaxDurationSeconds, " seconds");
  }
  if (request.has_frames()) {
    if (!IsValidFrameCount(request.frames())) {
      check.Violation("frames",
                      absl::StrCat("must be 25+4n within [", kMinFrames, ", ",
                                   kMaxFrames, "] (29, 33, ..., 289), got ",
                                   request.frames()),
                      kReasonOutOfRange);
    }
    if (request.has_duration()) {
      check.Violation("frames",
                      "cannot be combined with duration: give one of them",
                      kReasonConflict);
    }
  }
  if (request.has_framespersecond() && request.framespersecond() != kOnlyFramesPerSecond) {
    check.Violation("framespersecond",
                    absl::StrCat("must be ", kOnlyFramesPerSecond, " (the only rate), got ",
                                 request.framespersecond()),
                    kReasonOutOfRange);
  }
  if (request.has_seed()) {
    double seed = request.seed();
    if (!std::isfinite(seed) || std::trunc(seed) != seed) {
      check.Violation("seed", absl::StrCat("must be an integer, got ", FormatNumber(seed)),
                      kReasonWrongType);
    } else {
      check.InRange("seed", seed, kMinSeed, kMaxSeed, "");
    }
  }
  if (request.has_execution_expires_after()) {
    check.InRange("execution_expires_after", request.execution_expires_after(),
                  kMinExpiresAfterSeconds, kMaxExpiresAfterSeconds, " seconds");
  }
  if (!request.callback_url().empty()) {
    std::string why = CheckHttpUrl(request.callback_url());
    if (!why.empty()) check.Violation("callback_url", why, kReasonMalformed);
  }
}

// Top-level fields win over inline parameters; both set is worth a note.
template <typename T, typename U>
void Merge(std::optional<T>& effective, bool top_set, const U& top_value,
           absl::string_view field, absl::string_view flag, Checker& check) {
  if (!top_set) return;
  if (effective.has_value()) {
    check.Note(absl::StrCat(flag, " in the prompt is ignored: the ", field,
                            " field takes precedence"));
  }
  effective = static_cast<T>(top_value);
}

InlineParams EffectiveParams(const VideosRequest& request,
                             const ContentSummary& content, Checker& check) {
  InlineParams effective;
  if (content.prompt != nullptr) {
    ParsedPrompt parsed = ParseInlineParams(content.prompt->text());
    for (std::string& note : parsed.notes) check.Note(std::move(note));
    effective = std::move(parsed.params);
  }
  Merge(effective.resolution, !request.resolution().empty(), request.resolution(),
        "resolution", "--rs", check);
  Merge(effective.ratio, !request.ratio().empty(), request.ratio(), "ratio",
        "--rt", check);
  // Length: a top-level duration or frames replaces any inline length.
  if (request.has_duration() || request.has_frames()) {
    if (effective.duration || effective.frames) {
      check.Note(absl::StrCat(effective.frames ? "--frames" : "--dur",
                              " in the prompt is ignored: the ",
                              request.has_frames() ? "frames" : "duration",
                              " field takes precedence"));
    }
    effective.duration.reset();
    effective.frames.reset();
    if (request.has_duration()) effective.duration = request.duration();
    if (request.has_frames()) effective.frames = request.frames();
  }
  // An invalid seed is a violation already; casting it could overflow.
  bool seed_usable = request.has_seed() && request.seed() >= kMinSeed &&
                     request.seed() <= kMaxSeed;
  Merge(effective.seed, seed_usable, request.seed(), "seed", "--seed", check);
  Merge(effective.camerafixed, request.has_camerafixed(), request.camerafixed(),
        "camerafixed", "--cf", check);
  Merge(effective.watermark, request.has_watermark(), request.watermark(),
        "watermark", "--wm", check);
  Merge(effective.frames_per_second,
        request.has_framespersecond() && request.framespersecond() == kOnlyFramesPerSecond,
        request.framespersecond(), "framespersecond", "--fps", check);
  return effective;
}

}  // namespace

absl::Status ValidationResult::ToStatus() const {
  if (violations.empty()) return absl::OkStatus();
  return InvalidArgumentWithViolations(violations);
}

ValidationResult ValidateVideosRequest(const VideosRequest& request) {
  ValidationResult result;
  Checker check(result);
  ContentSummary content = CheckContent(request, check);
  CheckModel(request, content, check);
  CheckScalars(request, check);
  result.effective = EffectiveParams(request, content, check);
  return result;
}

}  // namespace seedance::upstream_api
