// What of a URL, or of libcurl's message about a call, may be shown: the
// transport's failure messages and logs name the method and the URL without
// userinfo, query or fragment (they may carry credentials), and every
// header value and URL secret is scrubbed from libcurl's own text.
//
//   SafeUrl("https://user:pw@api.test/v1?key=k")  // "https://api.test/v1"
//   std::vector<std::string> secrets = {"Bearer t0ken"};
//   AddUrlSecrets(url, secrets);                  // + "key=k", "user:pw"
//   Redact(curl_message, secrets);                // secrets -> "<redacted>"
//
// Pure and thread-safe.
#ifndef SEEDANCE_HTTP_CURL_URL_REDACTION_H_
#define SEEDANCE_HTTP_CURL_URL_REDACTION_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace seedance::http::curl {

// The URL without userinfo, query and fragment.
std::string SafeUrl(absl::string_view url);

// Appends the parts of `url` SafeUrl drops (query and fragment, userinfo).
void AddUrlSecrets(absl::string_view url, std::vector<std::string>& secrets);

// `text` with every secret of at least 4 characters replaced by
// "<redacted>" (shorter ones are not secrets, and replacing them would
// mangle ordinary words).
std::string Redact(absl::string_view text, const std::vector<std::string>& secrets);

}  // namespace seedance::http::curl

#endif  // SEEDANCE_HTTP_CURL_URL_REDACTION_H_
