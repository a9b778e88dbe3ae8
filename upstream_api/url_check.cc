#include "upstream_api/url_check.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "upstream_api/wire_values.h"

namespace seedance::upstream_api {
namespace {

bool IsBase64Char(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '+' ||
         c == '/' || c == '=' || c == '-' || c == '_';
}

std::string CheckDataUrl(absl::string_view url) {
  constexpr absl::string_view kPrefix = "data:image/";
  constexpr absl::string_view kBase64 = ";base64,";
  absl::string_view rest = url.substr(kPrefix.size());
  size_t marker = rest.find(kBase64);
  if (marker == absl::string_view::npos) {
    return "a data URL must look like data:image/png;base64,<data>";
  }
  std::string type = absl::AsciiStrToLower(rest.substr(0, marker));
  if (!Contains(kDataUrlImageTypes, type)) {
    return absl::StrCat("image type \"", type, "\" is not supported; use one of ",
                        absl::StrJoin(kDataUrlImageTypes, ", "));
  }
  absl::string_view data = rest.substr(marker + kBase64.size());
  if (data.empty()) return "the data URL holds no image data";
  for (char c : data) {
    if (!IsBase64Char(c)) return "the data URL's image data is not base64";
  }
  return "";
}

}  // namespace

std::string CheckHttpUrl(absl::string_view url) {
  if (url.size() > kMaxHttpUrlLength) {
    return absl::StrCat("URL is longer than ", kMaxHttpUrlLength, " characters");
  }
  absl::string_view rest;
  if (absl::StartsWithIgnoreCase(url, "https://")) {
    rest = url.substr(8);
  } else if (absl::StartsWithIgnoreCase(url, "http://")) {
    rest = url.substr(7);
  } else {
    return "must be an absolute http:// or https:// URL";
  }
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return "URL must not contain whitespace or control characters";
    }
  }
  absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = authority.rfind('@');
  absl::string_view host_port =
      at == absl::string_view::npos ? authority : authority.substr(at + 1);
  if (host_port.empty() || host_port.front() == ':') return "URL has no host";
  return "";
}

std::string CheckImageUrl(absl::string_view url) {
  if (url.empty()) return "must not be empty";
  if (absl::StartsWithIgnoreCase(url, "data:")) {
    if (!absl::StartsWithIgnoreCase(url, "data:image/")) {
      return "a data URL must hold an image (data:image/...)";
    }
    return CheckDataUrl(url);
  }
  return CheckHttpUrl(url);
}

}  // namespace seedance::upstream_api
