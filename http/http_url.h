// Small URL helpers for the HTTP server and client: splitting an http:// URL
// into host, port and target, and reading a query string.
//
//   absl::StatusOr<HttpUrl> url = ParseHttpUrl("http://127.0.0.1:8080/cb?x=1");
//   // url->host == "127.0.0.1", url->port == 8080, url->target == "/cb?x=1"
//   std::vector<QueryParam> q = ParseQuery("task_id=a%20b&count=2");
//   // {{"task_id", "a b"}, {"count", "2"}}
//
// Pure functions, thread-safe.
#ifndef SEEDANCE_HTTP_HTTP_URL_H_
#define SEEDANCE_HTTP_HTTP_URL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::http {

struct HttpUrl {
  std::string host;         // "127.0.0.1", "localhost", "::1" (no brackets)
  int port = 80;
  std::string target = "/";  // path and query
};

// Reads an absolute http:// URL (https is not supported: INVALID_ARGUMENT).
absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url);

using QueryParam = std::pair<std::string, std::string>;

// The name=value pairs of `query` ("a=1&b=x%20y"), percent-decoded, '+' read
// as a space, in order.
std::vector<QueryParam> ParseQuery(absl::string_view query);

// The value of the first parameter named `name`, or nullptr.
const std::string* FindQueryParam(const std::vector<QueryParam>& params,
                                  absl::string_view name);

// `text` with %XX sequences decoded (and '+' as a space when `plus_is_space`).
std::string PercentDecode(absl::string_view text, bool plus_is_space);

// `text` with everything but unreserved characters (RFC 3986) as %XX.
std::string PercentEncode(absl::string_view text);

}  // namespace seedance::http

#endif  // SEEDANCE_HTTP_HTTP_URL_H_
