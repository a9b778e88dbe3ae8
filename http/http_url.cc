#include "http/http_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace seedance::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url) {
  constexpr absl::string_view kScheme = "http://";
  if (!absl::StartsWithIgnoreCase(url, kScheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("only http:// URLs are supported, got \"", url, "\""));
  }
  absl::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, slash);
  HttpUrl parsed;
  if (slash != absl::string_view::npos) {
    absl::string_view target = rest.substr(slash);
    target = target.substr(0, target.find('#'));
    parsed.target = target.empty() || target[0] != '/' ? absl::StrCat("/", target)
                                                       : std::string(target);
  }
  if (size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    authority = authority.substr(at + 1);  // user info is not used
  }
  absl::string_view port_text;
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("bad IPv6 host in \"", url, "\""));
    }
    parsed.host = std::string(authority.substr(1, close - 1));
    absl::string_view after = authority.substr(close + 1);
    if (absl::StartsWith(after, ":")) port_text = after.substr(1);
  } else {
    size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no host in \"", url, "\""));
  }
  if (!port_text.empty() &&
      (!absl::SimpleAtoi(port_text, &parsed.port) || parsed.port <= 0 ||
       parsed.port > 65535)) {
    return absl::InvalidArgumentError(absl::StrCat("bad port in \"", url, "\""));
  }
  return parsed;
}

std::vector<QueryParam> ParseQuery(absl::string_view query) {
  std::vector<QueryParam> params;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    params.emplace_back(PercentDecode(kv.first, true), PercentDecode(kv.second, true));
  }
  return params;
}

const std::string* FindQueryParam(const std::vector<QueryParam>& params,
                                  absl::string_view name) {
  for (const QueryParam& param : params) {
    if (param.first == name) return &param.second;
  }
  return nullptr;
}

std::string PercentDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::string PercentEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      unsigned char u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace seedance::http
