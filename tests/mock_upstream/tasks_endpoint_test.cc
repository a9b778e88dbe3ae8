// TasksEndpoint over task records planned straight into a MockState: what
// "retrieve" and "retrieve_batch" show, at the injected clock's now, to
// whom.
#include "mock_upstream/tasks_endpoint.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock_upstream/task.h"
#include "tests/mock_upstream/mock_harness.h"
#include "tests/testing/json_value.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::kAsyncBody;
using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::ExchangeRecord;
using ::seedance::testing::IsOk;
using ::seedance::testing::JsonAt;
using ::seedance::testing::JsonNumber;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::testing::HasSubstr;

class TasksEndpointTest : public ::testing::Test {
 protected:
  TasksEndpointTest() : tasks_(mock_.state) {}

  // A task of `token` created now, as the videos endpoint would plan it.
  std::string Create(const std::string& token = "t1") {
    absl::StatusOr<upstream::v1::VideosRequest> request = upstream_api::ParseVideosRequest(kAsyncBody);
    EXPECT_THAT(request, IsOk());
    auto task = std::make_shared<const Task>(PlanTask({.request = *request,
                                                       .scenario = {},
                                                       .config = mock_.state.config(),
                                                       .now = mock_.clock.Now(),
                                                       .token_key = TokenFingerprint(token),
                                                       .epoch = mock_.state.epoch()}));
    mock_.state.tasks().Add(task);
    return task->id;
  }

  std::shared_ptr<ExchangeRecord> Tasks(std::string body, const std::string& token = "t1") {
    http::Request request =
        MockHarness::Post(kTasksPath, std::move(body), {{"Authorization", "Bearer " + token}});
    return mock_.Send(request, [&](int64_t seq, std::shared_ptr<http::Exchange> exchange) {
      tasks_.Handle(request, seq, std::move(exchange));
    });
  }

  // The one answer's JSON.
  static google::protobuf::Value Json(const ExchangeRecord& outcome) {
    EXPECT_EQ(outcome.responses.size(), 1u);
    if (outcome.responses.empty()) return {};
    absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(outcome.responses[0].body);
    EXPECT_THAT(json, IsOk());
    return json.ok() ? *json : google::protobuf::Value();
  }

  std::string Retrieve(const std::string& id) {
    return JsonString(Json(*Tasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"))),
                      "response.data.status");
  }

  MockHarness mock_;
  TasksEndpoint tasks_;
};

TEST_F(TasksEndpointTest, AsyncTaskMovesThroughItsStatuses) {
  std::string id = Create();
  EXPECT_EQ(Retrieve(id), "queued");
  mock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Retrieve(id), "running");
  mock_.Advance(absl::Seconds(10));
  EXPECT_EQ(Retrieve(id), "succeeded");
}

TEST_F(TasksEndpointTest, RecordsReportElapsedFromTheInjectedClock) {
  std::string id = Create();
  mock_.Advance(absl::Milliseconds(2500));
  google::protobuf::Value json =
      Json(*Tasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})")));
  EXPECT_DOUBLE_EQ(JsonNumber(json, "elapsed"), 2.5);
  EXPECT_DOUBLE_EQ(JsonNumber(json, "started_at") - JsonNumber(json, "created_at"), 1);
}

TEST_F(TasksEndpointTest, ATaskOfAnotherTokenIsNotFound) {
  std::string id = Create("t2");
  auto outcome = Tasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"));
  ASSERT_EQ(outcome->responses.size(), 1u);
  EXPECT_EQ(outcome->responses[0].status, 400);
  EXPECT_THAT(outcome->responses[0].body, HasSubstr(absl::StrCat("task not found: ", id)));
}

TEST_F(TasksEndpointTest, RetrieveBatchLeavesUnknownAndForeignIdsOut) {
  std::string mine = Create("t1");
  std::string theirs = Create("t2");
  google::protobuf::Value json = Json(*Tasks(absl::StrCat(
      R"({"action":"retrieve_batch","ids":[")", mine, R"(","nope",")", theirs, R"("]})")));
  EXPECT_DOUBLE_EQ(JsonNumber(json, "count"), 1);
  const google::protobuf::Value* items = JsonAt(json, "items");
  ASSERT_NE(items, nullptr);
  ASSERT_EQ(items->list_value().values_size(), 1);
  EXPECT_EQ(JsonString(items->list_value().values(0), "id"), mine);
}

TEST_F(TasksEndpointTest, AnUnsupportedActionIsRefusedNamingTheOnesThatAre) {
  auto outcome = Tasks(R"({"action":"cancel","id":"x"})");
  ASSERT_EQ(outcome->responses.size(), 1u);
  EXPECT_EQ(outcome->responses[0].status, 400);
  EXPECT_THAT(outcome->responses[0].body, HasSubstr("use \\\"retrieve\\\""));
}

TEST_F(TasksEndpointTest, TheAnswerIsJournaledAgainstItsRequest) {
  std::string id = Create();
  Tasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"));
  std::vector<JournalEntry> request = mock_.state.journal().Query({{"kind", "request"}}, 0);
  std::vector<JournalEntry> response = mock_.state.journal().Query({{"kind", "response"}}, 0);
  ASSERT_EQ(request.size(), 1u);
  ASSERT_EQ(response.size(), 1u);
  EXPECT_EQ(response[0].Text("request_seq"), absl::StrCat(request[0].seq));
  EXPECT_EQ(response[0].Text("task_id"), id);
  EXPECT_EQ(response[0].Text("status"), "200");
}

}  // namespace
}  // namespace seedance::mock_upstream
