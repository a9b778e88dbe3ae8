#include "server/admin/admin_routes.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace seedance::server::admin {
namespace {

http::Request Get(const std::string& path, const std::string& method = "GET") {
  http::Request r;
  r.method = method;
  r.path = path;
  r.target = path;
  return r;
}

TEST(AdminRoutesTest, AnswersEachRoute) {
  absl::Status ready = absl::OkStatus();
  AdminSources sources{.metrics = [] { return std::string("up 1\n"); },
                       .ready = [&ready] { return ready; }};
  struct Case {
    std::string method;
    std::string path;
    absl::Status ready;
    int status;
    std::string body_starts;
  };
  const std::vector<Case> cases = {
      {"GET", "/metrics", absl::OkStatus(), 200, "up 1"},
      {"HEAD", "/metrics", absl::OkStatus(), 200, "up 1"},
      {"GET", "/healthz", absl::UnavailableError("store down"), 200, "ok"},
      {"GET", "/readyz", absl::OkStatus(), 200, "ready"},
      {"GET", "/readyz", absl::UnavailableError("shutting down"), 503,
       "not ready: shutting down"},
      {"POST", "/metrics", absl::OkStatus(), 405, "method not allowed"},
      {"GET", "/", absl::OkStatus(), 404, "not found"},
      {"GET", "/metrics/extra", absl::OkStatus(), 404, "not found"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    ready = c.ready;
    http::Response r = AnswerAdmin(Get(c.path, c.method), sources);
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.body.rfind(c.body_starts, 0), 0u) << r.body;
  }
  http::Response metrics = AnswerAdmin(Get("/metrics"), sources);
  ASSERT_NE(metrics.FindHeader("Content-Type"), nullptr);
  EXPECT_EQ(*metrics.FindHeader("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(AnswerAdmin(Get("/readyz", "PUT"), sources).FindHeader("Allow"), nullptr);
}

}  // namespace
}  // namespace seedance::server::admin
