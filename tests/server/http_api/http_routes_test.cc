// The VideoGateway service's HTTP routes, as its proto declares them, and
// how requests find them (404 and 405 included).
#include "server/http_api/http_routes.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "seedance/v1/video_gateway.grpc.pb.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::http_api {
namespace {

const google::protobuf::ServiceDescriptor& Gateway() {
  // Through a message of its file: that links the file's descriptors in.
  return *v1::CreateVideoTaskRequest::descriptor()->file()->FindServiceByName("VideoGateway");
}

using ::seedance::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class HttpRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<HttpRoutes> routes = HttpRoutes::Of(Gateway());
    ASSERT_THAT(routes, IsOk());
    routes_ = *std::move(routes);
  }
  HttpRoutes routes_;
};

TEST_F(HttpRoutesTest, EveryRpcHasItsRoute) {
  std::vector<std::string> seen;
  for (const HttpRoute& r : routes_.routes()) {
    seen.push_back(r.verb + " " + r.path.text() + " " + r.grpc_method);
  }
  EXPECT_THAT(seen, UnorderedElementsAre(
                        "POST /v1/videoTasks /seedance.v1.VideoGateway/CreateVideoTask",
                        "GET /v1/videoTasks/{task_id} /seedance.v1.VideoGateway/GetVideoTask",
                        "GET /v1/videoTasks /seedance.v1.VideoGateway/ListVideoTasks",
                        "POST /v1/videoTasks/{task_id}:cancel "
                        "/seedance.v1.VideoGateway/CancelVideoTask",
                        "GET /v1/videoTasks/{task_id}:watch "
                        "/seedance.v1.VideoGateway/WatchVideoTask",
                        "POST /v1/videoTasks:createAndWatch "
                        "/seedance.v1.VideoGateway/CreateAndWatchVideoTask",
                        "GET /v1/models /seedance.v1.VideoGateway/ListModels",
                        "GET /v1/videoTasks/{task_id}/content "
                        "/seedance.v1.VideoGateway/ReadVideoContent"));
  EXPECT_EQ(static_cast<int>(seen.size()), Gateway().method_count());
}

TEST_F(HttpRoutesTest, RequestsFindTheirRpc) {
  struct Case {
    std::string verb, path, rpc;
  };
  for (const Case& c :
       std::vector<Case>{{"POST", "/v1/videoTasks", "CreateVideoTask"},
                         {"GET", "/v1/videoTasks", "ListVideoTasks"},
                         {"GET", "/v1/videoTasks/t1", "GetVideoTask"},
                         {"POST", "/v1/videoTasks/t1:cancel", "CancelVideoTask"},
                         {"GET", "/v1/videoTasks/t1:watch", "WatchVideoTask"},
                         {"POST", "/v1/videoTasks:createAndWatch", "CreateAndWatchVideoTask"},
                         {"GET", "/v1/videoTasks/t1/content", "ReadVideoContent"},
                         {"GET", "/v1/models", "ListModels"}}) {
    SCOPED_TRACE(c.verb + " " + c.path);
    HttpRoutes::Found found = routes_.Find(c.verb, c.path);
    ASSERT_NE(found.route, nullptr);
    EXPECT_EQ(found.route->rpc->name(), c.rpc);
  }
  HttpRoutes::Found get = routes_.Find("GET", "/v1/videoTasks/t1");
  EXPECT_THAT(get.bindings, ElementsAre(Pair("task_id", "t1")));
  EXPECT_EQ(get.route->body, "");
  EXPECT_EQ(routes_.Find("POST", "/v1/videoTasks").route->body, "*");
}

TEST_F(HttpRoutesTest, AKnownPathWithAnotherVerbSaysWhichVerbsItTakes) {
  HttpRoutes::Found cancel = routes_.Find("GET", "/v1/videoTasks/t1:cancel");
  EXPECT_EQ(cancel.route, nullptr);
  EXPECT_THAT(cancel.allowed, ElementsAre("POST"));
  HttpRoutes::Found tasks = routes_.Find("DELETE", "/v1/videoTasks");
  EXPECT_EQ(tasks.route, nullptr);
  EXPECT_THAT(tasks.allowed, UnorderedElementsAre("POST", "GET"));
  HttpRoutes::Found nothing = routes_.Find("GET", "/v2/anything");
  EXPECT_EQ(nothing.route, nullptr);
  EXPECT_TRUE(nothing.allowed.empty());
}

}  // namespace
}  // namespace seedance::server::http_api
