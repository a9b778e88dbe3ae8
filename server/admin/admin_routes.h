// The admin port's routes, as a plain function of the request and what the
// gateway reports, so that they are tested without a socket:
//
//   GET /metrics  the Prometheus text exposition
//   GET /healthz  200 while the process serves at all (liveness)
//   GET /readyz   200 when it should get traffic: the store reachable, an
//                 upstream configured, not shutting down; else 503 with why
//
//   http::Response r = AnswerAdmin(request, {.metrics = ..., .ready = ...});
#ifndef SEEDANCE_SERVER_ADMIN_ADMIN_ROUTES_H_
#define SEEDANCE_SERVER_ADMIN_ADMIN_ROUTES_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "http/http_message.h"

namespace seedance::server::admin {

struct AdminSources {
  // The exposition's body (metrics/exposition.h).
  std::function<std::string()> metrics;
  // OK when ready; else why not (the message is shown to the prober, so it
  // must hold no secret).
  std::function<absl::Status()> ready;
};

http::Response AnswerAdmin(const http::Request& request, const AdminSources& sources);

}  // namespace seedance::server::admin

#endif  // SEEDANCE_SERVER_ADMIN_ADMIN_ROUTES_H_
