#include "http/curl/url_redaction.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace seedance::http::curl {
namespace {

// Header values shorter than this are not scrubbed from messages: they are
// not secrets and replacing them would mangle ordinary words.
constexpr size_t kMinRedactedLength = 4;

}  // namespace

std::string SafeUrl(absl::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.find('#')));
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(url);
  const size_t host_start = scheme_end + 3;
  const size_t authority_end = std::min(url.find('/', host_start), url.size());
  const size_t at = url.rfind('@', authority_end);
  if (at == absl::string_view::npos || at < host_start) return std::string(url);
  return absl::StrCat(url.substr(0, host_start), url.substr(at + 1));
}

void AddUrlSecrets(absl::string_view url, std::vector<std::string>& secrets) {
  const size_t query = std::min(url.find('?'), url.find('#'));
  if (query != absl::string_view::npos && query + 1 < url.size()) {
    secrets.emplace_back(url.substr(query + 1));
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return;
  const size_t host_start = scheme_end + 3;
  const size_t at = url.substr(0, std::min(url.find('/', host_start), query)).rfind('@');
  if (at != absl::string_view::npos && at > host_start) {
    secrets.emplace_back(url.substr(host_start, at - host_start));
  }
}

std::string Redact(absl::string_view text, const std::vector<std::string>& secrets) {
  std::vector<std::pair<absl::string_view, absl::string_view>> replacements;
  for (const std::string& secret : secrets) {
    if (secret.size() >= kMinRedactedLength) replacements.emplace_back(secret, "<redacted>");
  }
  return absl::StrReplaceAll(text, replacements);
}

}  // namespace seedance::http::curl
