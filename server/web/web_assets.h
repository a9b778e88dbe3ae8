// The gateway's web page (server/web/static/: index.html, app.js, app.css),
// built into the binary, and how the HTTP port serves it: GET / is the page,
// GET /app.js and /app.css its parts, with a Content-Security-Policy that
// lets it load only from the gateway itself.
//
//   if (std::optional<http::Response> page = web::ServeStatic(request)) {
//     return exchange->Respond(*std::move(page));
//   }
#ifndef SEEDANCE_SERVER_WEB_WEB_ASSETS_H_
#define SEEDANCE_SERVER_WEB_WEB_ASSETS_H_

#include <cstddef>
#include <optional>

#include "http/http_message.h"

namespace seedance::server::web {

struct WebAsset {
  const char* path;          // "/app.js"
  const char* content_type;  // "text/javascript" (UTF-8)
  const char* body;
};

// Generated from static/ (embed_web.cmake).
extern const WebAsset kWebAssets[];
extern const size_t kWebAssetCount;

// The answer to a GET or HEAD of the page or one of its files; nullopt for
// any other request (the API's).
std::optional<http::Response> ServeStatic(const http::Request& request);

}  // namespace seedance::server::web

#endif  // SEEDANCE_SERVER_WEB_WEB_ASSETS_H_
