#include "server/web/web_assets.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace seedance::server::web {

std::optional<http::Response> ServeStatic(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  const std::string path = request.path == "/" ? "/index.html" : request.path;
  for (size_t i = 0; i < kWebAssetCount; ++i) {
    const WebAsset& asset = kWebAssets[i];
    if (path != asset.path) continue;
    http::Response response =
        http::MakeResponse(200, absl::StrCat(asset.content_type, "; charset=utf-8"), asset.body);
    // The page runs only what the gateway serves; media and API calls go
    // to the gateway too (images picked by the user are data: URLs).
    response.headers.push_back(
        {"Content-Security-Policy",
         "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
         "base-uri 'none'; frame-ancestors 'none'"});
    response.headers.push_back({"X-Content-Type-Options", "nosniff"});
    response.headers.push_back({"Cache-Control", "no-cache"});
    return response;
  }
  return std::nullopt;
}

}  // namespace seedance::server::web
