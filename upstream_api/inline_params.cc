#include "upstream_api/inline_params.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "upstream_api/wire_values.h"

namespace seedance::upstream_api {
namespace {

enum class Param {
  kResolution,
  kRatio,
  kDuration,
  kFrames,
  kFps,
  kSeed,
  kCameraFixed,
  kWatermark
};

struct Alias {
  absl::string_view name;
  Param param;
};

// Short names from the guide's table, long names as they occur in practice
// (the guide's own example writes --ratio); "framespersecond" is the guide's
// spelling of the field, "framepersecond" the provider's flag.
constexpr Alias kAliases[] = {
    {"rs", Param::kResolution},      {"resolution", Param::kResolution},
    {"rt", Param::kRatio},           {"ratio", Param::kRatio},
    {"dur", Param::kDuration},       {"duration", Param::kDuration},
    {"frames", Param::kFrames},      {"fps", Param::kFps},
    {"framepersecond", Param::kFps}, {"framespersecond", Param::kFps},
    {"seed", Param::kSeed},          {"cf", Param::kCameraFixed},
    {"camerafixed", Param::kCameraFixed},
    {"wm", Param::kWatermark},       {"watermark", Param::kWatermark},
};

std::optional<Param> LookUp(absl::string_view token) {
  if (token.size() < 3 || token[0] != '-' || token[1] != '-') return std::nullopt;
  absl::string_view name = token.substr(2);
  for (const Alias& alias : kAliases) {
    if (alias.name == name) return alias.param;
  }
  return std::nullopt;
}

bool IsSpace(char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }

struct Token {
  size_t begin;
  size_t end;
  absl::string_view text;
};

std::vector<Token> Tokenize(absl::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i == s.size()) break;
    size_t begin = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    tokens.push_back({begin, i, s.substr(begin, i - begin)});
  }
  return tokens;
}

std::optional<int64_t> ParseInteger(absl::string_view value) {
  int64_t out = 0;
  if (!absl::SimpleAtoi(value, &out)) return std::nullopt;
  return out;
}

std::optional<bool> ParseBool(absl::string_view value) {
  if (absl::EqualsIgnoreCase(value, "true")) return true;
  if (absl::EqualsIgnoreCase(value, "false")) return false;
  return std::nullopt;
}

template <size_t N>
std::string OneOf(const std::array<absl::string_view, N>& set) {
  return absl::StrCat("must be one of ", absl::StrJoin(set, ", "));
}

// Applies one "--name value" to `params`; returns why it was ignored, or an
// empty string when it was taken.
std::string Apply(Param param, absl::string_view value, InlineParams& params) {
  switch (param) {
    case Param::kResolution:
      if (!Contains(kResolutions, value)) return OneOf(kResolutions);
      params.resolution = std::string(value);
      return "";
    case Param::kRatio:
      if (!Contains(kRatios, value)) return OneOf(kRatios);
      params.ratio = std::string(value);
      return "";
    case Param::kDuration: {
      std::optional<int64_t> n = ParseInteger(value);
      if (!n || *n < kMinDurationSeconds || *n > kMaxDurationSeconds) {
        return absl::StrCat("must be an integer number of seconds, ",
                            kMinDurationSeconds, "-", kMaxDurationSeconds);
      }
      params.duration = static_cast<int>(*n);
      return "";
    }
    case Param::kFrames: {
      std::optional<int64_t> n = ParseInteger(value);
      if (!n || !IsValidFrameCount(*n)) {
        return absl::StrCat("must be an integer 25+4n in [", kMinFrames, ", ",
                            kMaxFrames, "]");
      }
      params.frames = static_cast<int>(*n);
      return "";
    }
    case Param::kFps: {
      std::optional<int64_t> n = ParseInteger(value);
      if (!n || *n != kOnlyFramesPerSecond) {
        return absl::StrCat("only ", kOnlyFramesPerSecond, " is supported");
      }
      params.frames_per_second = kOnlyFramesPerSecond;
      return "";
    }
    case Param::kSeed: {
      std::optional<int64_t> n = ParseInteger(value);
      if (!n || *n < kMinSeed || *n > kMaxSeed) {
        return absl::StrCat("must be an integer from ", kMinSeed, " to ",
                            kMaxSeed);
      }
      params.seed = *n;
      return "";
    }
    case Param::kCameraFixed:
    case Param::kWatermark: {
      std::optional<bool> b = ParseBool(value);
      if (!b) return "must be true or false";
      (param == Param::kCameraFixed ? params.camerafixed : params.watermark) = *b;
      return "";
    }
  }
  return "unsupported";  // Unreachable: the switch covers every Param.
}

bool IsSet(Param param, const InlineParams& p) {
  switch (param) {
    case Param::kResolution: return p.resolution.has_value();
    case Param::kRatio: return p.ratio.has_value();
    case Param::kDuration: return p.duration.has_value();
    case Param::kFrames: return p.frames.has_value();
    case Param::kFps: return p.frames_per_second.has_value();
    case Param::kSeed: return p.seed.has_value();
    case Param::kCameraFixed: return p.camerafixed.has_value();
    case Param::kWatermark: return p.watermark.has_value();
  }
  return false;
}

}  // namespace

ParsedPrompt ParseInlineParams(absl::string_view prompt) {
  ParsedPrompt out;
  std::vector<Token> tokens = Tokenize(prompt);
  // Byte ranges of `prompt` to drop: a flag (with the whitespace before it)
  // through its value.
  std::vector<std::pair<size_t, size_t>> removed;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::optional<Param> param = LookUp(tokens[i].text);
    if (!param) continue;
    absl::string_view flag = tokens[i].text;
    size_t cut_begin = tokens[i].begin;
    while (cut_begin > 0 && IsSpace(prompt[cut_begin - 1])) --cut_begin;
    bool has_value = i + 1 < tokens.size() && !LookUp(tokens[i + 1].text);
    if (!has_value) {
      out.notes.push_back(absl::StrCat(flag, " ignored: it has no value"));
      removed.emplace_back(cut_begin, tokens[i].end);
      continue;
    }
    absl::string_view value = tokens[i + 1].text;
    bool was_set = IsSet(*param, out.params);
    std::string why = Apply(*param, value, out.params);
    if (!why.empty()) {
      out.notes.push_back(absl::StrCat(flag, " ", value, " ignored: ", why));
    } else if (was_set) {
      out.notes.push_back(
          absl::StrCat(flag, " given more than once: the last value, ", value,
                       ", is used"));
    }
    removed.emplace_back(cut_begin, tokens[i + 1].end);
    ++i;
  }
  if (out.params.frames && out.params.duration) {
    out.notes.push_back(absl::StrCat("--dur ", *out.params.duration,
                                     " ignored: --frames ", *out.params.frames,
                                     " sets the length instead"));
    out.params.duration.reset();
  }
  size_t kept_from = 0;
  for (const auto& [begin, end] : removed) {
    absl::StrAppend(&out.text, prompt.substr(kept_from, begin - kept_from));
    kept_from = end;
  }
  absl::StrAppend(&out.text, prompt.substr(kept_from));
  // A removed parameter at the very start leaves the next word's leading
  // whitespace behind.
  out.text = std::string(absl::StripAsciiWhitespace(out.text));
  if (removed.empty()) out.text = std::string(prompt);
  return out;
}

std::string RenderInlineParams(absl::string_view text, const InlineParams& p) {
  std::string out(text);
  auto add = [&out](absl::string_view flag, absl::string_view value) {
    if (!out.empty()) out.push_back(' ');
    absl::StrAppend(&out, flag, " ", value);
  };
  auto bool_text = [](bool b) { return b ? "true" : "false"; };
  if (p.resolution) add("--rs", *p.resolution);
  if (p.ratio) add("--rt", *p.ratio);
  if (p.duration) add("--dur", absl::StrCat(*p.duration));
  if (p.frames) add("--frames", absl::StrCat(*p.frames));
  if (p.frames_per_second) add("--fps", absl::StrCat(*p.frames_per_second));
  if (p.seed) add("--seed", absl::StrCat(*p.seed));
  if (p.camerafixed) add("--cf", bool_text(*p.camerafixed));
  if (p.watermark) add("--wm", bool_text(*p.watermark));
  return out;
}

}  // namespace seedance::upstream_api
