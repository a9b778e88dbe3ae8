#include "server/http_api/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace seedance::server::http_api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsFieldName(absl::string_view name) {
  if (name.empty() || !(absl::ascii_isalpha(name[0]) || name[0] == '_')) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = HexValue(text[i + 1]);
    int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  auto refuse = [text](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
  };
  if (!absl::StartsWith(text, "/")) return refuse("must start with '/'");
  PathTemplate parsed;
  parsed.text_ = std::string(text);
  absl::string_view rest = text.substr(1);
  // A custom verb is what follows the last ':' outside a variable.
  size_t close = rest.rfind('}');
  size_t colon = rest.rfind(':');
  if (colon != absl::string_view::npos && (close == absl::string_view::npos || colon > close)) {
    parsed.verb_ = std::string(rest.substr(colon + 1));
    if (parsed.verb_.empty()) return refuse("an empty verb after ':'");
    rest = rest.substr(0, colon);
  }
  for (absl::string_view segment : absl::StrSplit(rest, '/')) {
    if (segment.empty()) return refuse("an empty segment");
    Segment s;
    if (absl::StartsWith(segment, "{")) {
      if (!absl::EndsWith(segment, "}")) return refuse("an unclosed variable");
      absl::string_view inner = segment.substr(1, segment.size() - 2);
      absl::string_view name = inner;
      size_t equals = inner.find('=');
      if (equals != absl::string_view::npos) {
        name = inner.substr(0, equals);
        if (inner.substr(equals + 1) != "*") {
          return refuse(
              "only single-segment variables ({name} or {name=*}) "
              "are supported");
        }
      }
      if (!IsFieldName(name)) return refuse("a variable must name a top-level field");
      s.variable = std::string(name);
    } else {
      if (absl::StrContains(segment, "{") || absl::StrContains(segment, "}")) {
        return refuse("a variable must be a whole segment");
      }
      s.literal = std::string(segment);
    }
    parsed.segments_.push_back(std::move(s));
  }
  return parsed;
}

std::optional<PathTemplate::Bindings> PathTemplate::Match(absl::string_view path) const {
  if (!absl::ConsumePrefix(&path, "/")) return std::nullopt;
  if (!verb_.empty()) {
    // The verb is after the last ':' of the last segment.
    size_t colon = path.rfind(':');
    size_t slash = path.rfind('/');
    if (colon == absl::string_view::npos || (slash != absl::string_view::npos && colon < slash) ||
        path.substr(colon + 1) != verb_) {
      return std::nullopt;
    }
    path = path.substr(0, colon);
  } else if (absl::StrContains(path.substr(path.rfind('/') + 1), ':')) {
    // A ':' in the last segment is a custom verb, which this template has not.
    return std::nullopt;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() != segments_.size()) return std::nullopt;
  Bindings bindings;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.variable.empty()) {
      if (parts[i] != s.literal) return std::nullopt;
      continue;
    }
    if (parts[i].empty()) return std::nullopt;
    std::optional<std::string> value = PercentDecode(parts[i]);
    if (!value.has_value() || value->empty()) return std::nullopt;
    bindings.emplace_back(s.variable, *std::move(value));
  }
  return bindings;
}

}  // namespace seedance::server::http_api
