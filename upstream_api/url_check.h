// Syntax checks for the URLs a request carries (image URLs, callback URLs).
// These look only at the text; whether a host may be contacted (SSRF rules,
// DNS) is the gateway's decision, made where it fetches or forwards.
//
//   std::string why = CheckImageUrl("data:image/png;base64,iVBORw0K...");
//   if (!why.empty()) { /* report `why` for the field */ }
#ifndef SEEDANCE_UPSTREAM_API_URL_CHECK_H_
#define SEEDANCE_UPSTREAM_API_URL_CHECK_H_

#include <string>
#include "absl/strings/string_view.h"

namespace seedance::upstream_api {

// The longest http(s) URL accepted anywhere (a common server limit).
inline constexpr size_t kMaxHttpUrlLength = 2048;

// Empty when `url` is an absolute http:// or https:// URL with a host and no
// whitespace or control characters, no longer than kMaxHttpUrlLength;
// otherwise why not. Thread-safe.
std::string CheckHttpUrl(absl::string_view url);

// Empty when `url` is an http(s) URL (as above) or a base64 image data URL
// "data:image/<png|jpeg|...>;base64,<data>" with non-empty, well-formed data;
// otherwise why not. Thread-safe.
std::string CheckImageUrl(absl::string_view url);

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_URL_CHECK_H_
