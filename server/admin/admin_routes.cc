#include "server/admin/admin_routes.h"

#include "absl/strings/str_cat.h"
#include "server/metrics/exposition.h"

namespace seedance::server::admin {

http::Response AnswerAdmin(const http::Request& request, const AdminSources& sources) {
  bool known = request.path == "/metrics" || request.path == "/healthz" ||
               request.path == "/readyz";
  if (!known) return http::MakeResponse(404, "text/plain", "not found\n");
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response r = http::MakeResponse(405, "text/plain", "method not allowed\n");
    r.headers.push_back({"Allow", "GET, HEAD"});
    return r;
  }
  if (request.path == "/metrics") {
    return http::MakeResponse(200, metrics::kTextExpositionType, sources.metrics());
  }
  if (request.path == "/healthz") return http::MakeResponse(200, "text/plain", "ok\n");
  absl::Status ready = sources.ready();
  if (ready.ok()) return http::MakeResponse(200, "text/plain", "ready\n");
  return http::MakeResponse(503, "text/plain", absl::StrCat("not ready: ", ready.message(), "\n"));
}

}  // namespace seedance::server::admin
