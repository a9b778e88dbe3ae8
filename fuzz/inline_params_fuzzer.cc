// Fuzzes the inline parameter parser (upstream_api/inline_params.h) with any bytes as
// a prompt: the generalisation of inline_params_test.cc's
// ParseOfRenderIsIdentityOnRandomInput. Invariants:
//
//  * Parse never crashes, on any bytes (NULs, invalid UTF-8);
//  * each parsed setting is valid (in its set or range), and --frames and
//    --dur never both take effect;
//  * the remaining text holds no parameter name as a word;
//  * Parse(Render(text, params)) gives back the same text and settings, with
//    no note, and rendering that again gives the same bytes;
//  * a prompt without a parameter name comes back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "upstream_api/inline_params.h"
#include "upstream_api/wire_values.h"

namespace seedance::upstream_api {
namespace {

void CheckValid(const InlineParams& p, absl::string_view prompt) {
  if (p.resolution) FUZZ_CHECK(Contains(kResolutions, *p.resolution), prompt);
  if (p.ratio) FUZZ_CHECK(Contains(kRatios, *p.ratio), prompt);
  if (p.duration) {
    FUZZ_CHECK(*p.duration >= kMinDurationSeconds && *p.duration <= kMaxDurationSeconds,
               prompt);
  }
  if (p.frames) FUZZ_CHECK(IsValidFrameCount(*p.frames), prompt);
  if (p.frames_per_second) FUZZ_CHECK(*p.frames_per_second == kOnlyFramesPerSecond, prompt);
  if (p.seed) FUZZ_CHECK(*p.seed >= kMinSeed && *p.seed <= kMaxSeed, prompt);
  FUZZ_CHECK(!(p.duration && p.frames), "--dur and --frames both set: " << prompt);
}

// Whether `text` has a word that reads as a parameter name.
bool HasParameterWord(absl::string_view text) {
  for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" \t\n\v\f\r"),
                                               absl::SkipEmpty())) {
    ParsedPrompt alone = ParseInlineParams(word);
    if (!alone.notes.empty() || !alone.params.empty()) return true;
  }
  return false;
}

}  // namespace
}  // namespace seedance::upstream_api

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace seedance::upstream_api;  // NOLINT: a fuzz entry point
  // Prompts are short; long inputs only slow the search down.
  if (size > 4096) return 0;
  std::string prompt(reinterpret_cast<const char*>(data), size);
  ParsedPrompt first = ParseInlineParams(prompt);
  CheckValid(first.params, prompt);
  FUZZ_CHECK(!HasParameterWord(first.text), "a parameter is left in the text: ["
                                                << first.text << "] of [" << prompt << "]");
  if (first.notes.empty() && first.params.empty()) {
    FUZZ_CHECK(first.text == prompt, "changed without a parameter: [" << prompt << "]");
  }
  std::string rendered = RenderInlineParams(first.text, first.params);
  ParsedPrompt second = ParseInlineParams(rendered);
  FUZZ_CHECK(second.params == first.params, "settings differ after Render: ["
                                                << prompt << "] -> [" << rendered << "]");
  FUZZ_CHECK(second.text == first.text, "text differs after Render: ["
                                            << first.text << "] -> [" << second.text
                                            << "]");
  FUZZ_CHECK(second.notes.empty(), "a note on rendered parameters: [" << rendered
                                                                      << "]: "
                                                                      << second.notes[0]);
  FUZZ_CHECK(RenderInlineParams(second.text, second.params) == rendered,
             "Render is not stable: [" << rendered << "]");
  return 0;
}
