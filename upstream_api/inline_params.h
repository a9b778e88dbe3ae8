// Inline parameters: the upstream's older, weakly validated way to pass
// generation settings, as "--name value" pairs in a text prompt:
//
//   "A kitten yawning. --rs 720p --rt 16:9 --dur 5 --fps 24 --wm true"
//
// Weak semantics (the guide): a wrong value silently falls back to the
// default. Here a wrong value leaves the setting unset and adds a note, so
// callers can tell the user what was ignored. Names are recognised only as
// whole whitespace-separated tokens; anything else stays prompt text.
//
//   ParsedPrompt p = ParseInlineParams("A cat --dur 5 --rs 4k");
//   // p.text == "A cat", *p.params.duration == 5, !p.params.resolution,
//   // p.notes == {"--rs 4k ignored: must be one of 480p, 720p, 1080p"}
//   RenderInlineParams(p.text, p.params);  // "A cat --dur 5"
//
// Both functions are pure and thread-safe, never throw, and accept any byte
// string (invalid UTF-8 included).
#ifndef SEEDANCE_UPSTREAM_API_INLINE_PARAMS_H_
#define SEEDANCE_UPSTREAM_API_INLINE_PARAMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

namespace seedance::upstream_api {

// The settings inline parameters can carry; unset means "provider default".
struct InlineParams {
  std::optional<std::string> resolution = std::nullopt;  // --rs, --resolution
  std::optional<std::string> ratio = std::nullopt;       // --rt, --ratio
  std::optional<int> duration = std::nullopt;            // --dur, --duration (seconds)
  std::optional<int> frames = std::nullopt;              // --frames
  std::optional<int> frames_per_second = std::nullopt;   // --fps, --framepersecond
  std::optional<int64_t> seed = std::nullopt;            // --seed
  std::optional<bool> camerafixed = std::nullopt;        // --cf, --camerafixed
  std::optional<bool> watermark = std::nullopt;          // --wm, --watermark

  bool empty() const { return *this == InlineParams{}; }
  bool operator==(const InlineParams&) const = default;
};

struct ParsedPrompt {
  // The prompt without the recognised parameters (and their values).
  std::string text;
  // The valid parameters. When a name is repeated, the last valid value
  // wins; --frames wins over --dur (they are mutually exclusive).
  InlineParams params;
  // One plain-English line per ignored or overridden parameter.
  std::vector<std::string> notes;
};

// Reads the inline parameters out of `prompt`.
ParsedPrompt ParseInlineParams(absl::string_view prompt);

// `text` followed by the set parameters in canonical short form
// ("--rs 720p --rt 16:9 --dur 5 --frames 29 --fps 24 --seed 11 --cf false
// --wm true"). ParseInlineParams(RenderInlineParams(t, p)) gives back t and
// p for any valid p and any t that holds no parameter of its own.
std::string RenderInlineParams(absl::string_view text, const InlineParams& params);

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_INLINE_PARAMS_H_
