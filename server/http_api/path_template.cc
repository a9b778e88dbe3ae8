#include "server/http_api/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "http/http_url.h"

namespace seedance::server::http_api {
namespace {

bool IsFieldName(absl::string_view name) {
  if (name.empty() || !(absl::ascii_isalpha(name[0]) || name[0] == '_')) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(c) && c != '_') return false;
  }
  return true;
}

}  // namespace

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
    std::string value = http::PercentDecode(parts[i], /*plus_is_space=*/false);
    if (value.empty()) return std::nullopt;
    bindings.emplace_back(s.variable, std::move(value));
  }
  return bindings;
}

}  // namespace seedance::server::http_api
