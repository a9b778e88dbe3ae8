// BuildRequest: an HTTP call's body, path and query as the RPC's request
// message, by protobuf's JSON mapping; what does not fit is
// INVALID_ARGUMENT naming it.
#include "server/http_api/json_request.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "seedance/v1/video_gateway.grpc.pb.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"

namespace seedance::server::http_api {
namespace {

const google::protobuf::ServiceDescriptor& Gateway() {
  // Through a message of its file: that links the file's descriptors in.
  return *v1::CreateVideoTaskRequest::descriptor()->file()->FindServiceByName("VideoGateway");
}

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class JsonRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<HttpRoutes> routes = HttpRoutes::Of(Gateway());
    ASSERT_THAT(routes, IsOk());
    routes_ = *std::move(routes);
  }

  template <typename T>
  absl::StatusOr<T> Build(const std::string& verb, const std::string& path,
                          const std::string& query, const std::string& body) {
    HttpRoutes::Found found = routes_.Find(verb, path);
    if (found.route == nullptr) return absl::NotFoundError("no route");
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> built =
        BuildRequest(*found.route, found.bindings, query, body);
    if (!built.ok()) return built.status();
    T out;
    out.CopyFrom(**built);
    return out;
  }

  static std::string FieldOf(const absl::Status& status) {
    auto v = upstream_api::ViolationsFromStatus(status);
    return v.empty() ? "<none>" : v[0].field;
  }

  HttpRoutes routes_;
};

TEST_F(JsonRequestTest, ABodyIsTheRequestInProtobufJson) {
  absl::StatusOr<v1::CreateVideoTaskRequest> create = Build<v1::CreateVideoTaskRequest>(
      "POST", "/v1/videoTasks", "",
      R"({"requestId": "r-1", "spec": {"model": "m", "prompt": "a cat",
          "resolution": "RESOLUTION_720P", "duration_seconds": 5}, "validateOnly": true})");
  ASSERT_THAT(create, IsOk());
  EXPECT_EQ(create->request_id(), "r-1");
  EXPECT_EQ(create->spec().prompt(), "a cat");
  EXPECT_EQ(create->spec().resolution(), v1::RESOLUTION_720P);
  EXPECT_TRUE(create->validate_only());
  // No body is an empty request, for the service to judge.
  EXPECT_THAT((Build<v1::CreateVideoTaskRequest>("POST", "/v1/videoTasks", "", "")), IsOk());
}

TEST_F(JsonRequestTest, ABodyThatIsNotTheRequestIsRefusedSayingWhy) {
  for (const char* body : {"{", "[1]", R"({"spec": {"durtion": 5}})", R"({"spec": "x"})"}) {
    SCOPED_TRACE(body);
    absl::StatusOr<v1::CreateVideoTaskRequest> bad =
        Build<v1::CreateVideoTaskRequest>("POST", "/v1/videoTasks", "", body);
    EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("not a CreateVideoTaskRequest in JSON")));
  }
}

TEST_F(JsonRequestTest, ThePathNamesTheTaskWhateverTheBodySays) {
  absl::StatusOr<v1::CancelVideoTaskRequest> cancel = Build<v1::CancelVideoTaskRequest>(
      "POST", "/v1/videoTasks/t1:cancel", "", R"({"taskId": "other"})");
  ASSERT_THAT(cancel, IsOk());
  EXPECT_EQ(cancel->task_id(), "t1");
}

TEST_F(JsonRequestTest, QueryParametersSetScalarsEnumsAndRepeatedFields) {
  absl::StatusOr<v1::ListVideoTasksRequest> list = Build<v1::ListVideoTasksRequest>(
      "GET", "/v1/videoTasks", "pageSize=2&page_token=abc&states=TASK_STATE_RUNNING&states=4", "");
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->page_size(), 2);
  EXPECT_EQ(list->page_token(), "abc");
  EXPECT_THAT(list->states(), ElementsAre(v1::TASK_STATE_RUNNING, v1::TASK_STATE_SUCCEEDED));
  absl::StatusOr<v1::WatchVideoTaskRequest> watch =
      Build<v1::WatchVideoTaskRequest>("GET", "/v1/videoTasks/t1:watch", "afterSequence=3", "");
  ASSERT_THAT(watch, IsOk());
  EXPECT_TRUE(watch->has_after_sequence());
  EXPECT_EQ(watch->after_sequence(), 3u);
  absl::StatusOr<v1::ReadVideoContentRequest> frame = Build<v1::ReadVideoContentRequest>(
      "GET", "/v1/videoTasks/t1/content", "file=RESULT_FILE_LAST_FRAME&offset=10", "");
  ASSERT_THAT(frame, IsOk());
  EXPECT_EQ(frame->file(), v1::RESULT_FILE_LAST_FRAME);
  EXPECT_EQ(frame->offset(), 10);
}

TEST_F(JsonRequestTest, AQueryThatDoesNotFitIsRefusedNamingTheParameter) {
  struct Case {
    std::string query;
    std::string field;
  };
  for (const Case& c : {Case{"pageSize=two", "pageSize"}, Case{"states=RUNNING", "states"},
                        Case{"color=red", "color"}, Case{"pageSize=99999999999", "pageSize"}}) {
    SCOPED_TRACE(c.query);
    absl::StatusOr<v1::ListVideoTasksRequest> bad =
        Build<v1::ListVideoTasksRequest>("GET", "/v1/videoTasks", c.query, "");
    EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_EQ(FieldOf(bad.status()), c.field);
  }
  // A route with a body takes its fields there, not in the query.
  EXPECT_THAT((Build<v1::CreateVideoTaskRequest>("POST", "/v1/videoTasks", "requestId=x", "{}")),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // A GET takes no body.
  EXPECT_THAT((Build<v1::GetVideoTaskRequest>("GET", "/v1/videoTasks/t1", "", "{}")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("takes no body")));
}

TEST(ToJsonTest, UsesProtobufsJsonNames) {
  v1::VideoTask task;
  task.set_task_id("t1");
  task.set_state(v1::TASK_STATE_RUNNING);
  EXPECT_EQ(ToJson(task), R"({"taskId":"t1","state":"TASK_STATE_RUNNING"})");
}

}  // namespace
}  // namespace seedance::server::http_api
