// CORS for the HTTP/JSON port (--http_cors_origins): which origins a
// browser may call it from (none by default), the preflight answer, and the
// headers every answer to an allowed origin carries. Plain functions, and
// an Exchange decorator that adds the headers to whatever the handler
// answers.
//
//   CorsPolicy cors({"https://app.example"});
//   if (request.method == "OPTIONS") return exchange->Respond(cors.Preflight(request, verbs));
//   auto wrapped = cors.Wrap(request, exchange);  // answers carry the headers
#ifndef SEEDANCE_SERVER_HTTP_API_CORS_H_
#define SEEDANCE_SERVER_HTTP_API_CORS_H_

#include <memory>
#include <string>
#include <vector>

#include "http/exchange.h"
#include "http/http_message.h"

namespace seedance::server::http_api {

class CorsPolicy {
 public:
  // Origins as browsers send them ("https://app.example:8443"); "*" allows
  // any (then no credentials are implied: the token is a header).
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  // Whether `request` comes from an allowed origin (false without Origin).
  bool Allows(const http::Request& request) const;

  // The answer to a preflight (OPTIONS with Access-Control-Request-Method)
  // for a path that takes `verbs`: 204 with the CORS headers, or 403 for
  // an origin not allowed or a verb the path does not take.
  http::Response Preflight(const http::Request& request,
                           const std::vector<std::string>& verbs) const;

  // The headers an answer to an allowed origin carries.
  std::vector<http::Header> ResponseHeaders(const http::Request& request) const;

  // `exchange`, its answers carrying ResponseHeaders when the origin is
  // allowed (else `exchange` itself).
  std::shared_ptr<http::Exchange> Wrap(const http::Request& request,
                                       std::shared_ptr<http::Exchange> exchange) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_CORS_H_
