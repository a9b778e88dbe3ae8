#include "server/upstream/upstream_answers.h"

#include <ostream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::ReadFixture;

const absl::Time kNow = absl::FromUnixSeconds(1766359894);

http::curl::HttpReply Reply(int status, std::string body) {
  http::curl::HttpReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

enum class Kind { kFinal, kAccepted, kError };

struct SubmitCase {
  std::string name;
  int http_status;
  std::string body;
  Kind kind;
  // kFinal: data[0].status ("" when none); kAccepted: the task_id;
  // kError: the gRPC code and the ErrorInfo reason.
  std::string expected = "";
  absl::StatusCode code = absl::StatusCode::kOk;
};

void PrintTo(const SubmitCase& c, std::ostream* os) { *os << c.name; }

class ReadSubmitAnswerTest : public ::testing::TestWithParam<SubmitCase> {};

TEST_P(ReadSubmitAnswerTest, ReadsTheAnswerByItsRule) {
  const SubmitCase& c = GetParam();
  absl::StatusOr<SubmitResult> r = ReadSubmitAnswer(Reply(c.http_status, c.body), kNow);
  switch (c.kind) {
    case Kind::kFinal:
      ASSERT_THAT(r, IsOk());
      ASSERT_TRUE(r->final_answer.has_value());
      EXPECT_FALSE(r->accepted.has_value());
      EXPECT_EQ(r->final_answer->data().empty() ? "" : r->final_answer->data(0).status(),
                c.expected);
      break;
    case Kind::kAccepted:
      ASSERT_THAT(r, IsOk());
      ASSERT_TRUE(r->accepted.has_value());
      EXPECT_FALSE(r->final_answer.has_value());
      EXPECT_EQ(r->accepted->task_id(), c.expected);
      break;
    case Kind::kError: {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), c.code) << r.status();
      auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(r.status());
      ASSERT_TRUE(info.has_value()) << r.status();
      EXPECT_EQ(info->reason(), c.expected);
      break;
    }
  }
}

// The failure bodies below are the mock's, which follows the guide's error
// envelope and adds the task's data (an assumption: the guide shows no
// failed task).
INSTANTIATE_TEST_SUITE_P(
    Rules, ReadSubmitAnswerTest,
    ::testing::Values(
        SubmitCase{"GuideSuccess", 200, ReadFixture("upstream/videos_response_text.json"),
                   Kind::kFinal, "succeeded"},
        SubmitCase{"GuideAcceptance", 200, ReadFixture("upstream/videos_accepted.json"),
                   Kind::kAccepted, "f7096c6c-9430-4392-8201-d259632d7afd"},
        SubmitCase{"FailedTaskOnA500IsATaskResult", 500,
                   R"({"success": false, "task_id": "t1", "trace_id": "tr",
                       "error": {"code": "api_error", "message": "video generation failed"},
                       "data": {"task_id": "cgt-1", "status": "failed"}})",
                   Kind::kFinal, "failed"},
        SubmitCase{"ExpiredTaskOnA500IsATaskResult", 500,
                   R"({"success": false, "task_id": "t1",
                       "error": {"code": "api_error", "message": "expired"},
                       "data": [{"task_id": "cgt-1", "status": "expired"}]})",
                   Kind::kFinal, "expired"},
        SubmitCase{"SuccessTrueWithTaskIdAndNoDataIsAnAcceptance", 200,
                   R"({"success": true, "task_id": "t2", "trace_id": "tr"})", Kind::kAccepted,
                   "t2"},
        SubmitCase{"DataWithoutStatusIsNoResult", 200,
                   R"({"success": true, "task_id": "t3", "data": {"task_id": "cgt-3"}})",
                   Kind::kAccepted, "t3"},
        SubmitCase{"FailureWithoutStatusOnA2xxIsAFailedResult", 200,
                   R"({"success": false, "task_id": "t4",
                       "error": {"code": "api_error", "message": "m"}})",
                   Kind::kFinal, ""},
        SubmitCase{"ErrorWithoutStatusOnA2xxIsAFailedResultToo", 200,
                   R"({"task_id": "t5", "error": {"code": "api_error", "message": "m"}})",
                   Kind::kFinal, ""},
        SubmitCase{"A429WithDataIsStillANotProcessed", 429,
                   R"({"success": false, "error": {"code": "too_many_requests", "message": "m"},
                       "data": {"task_id": "cgt-1", "status": "failed"}})",
                   Kind::kError, "TOO_MANY_REQUESTS", absl::StatusCode::kResourceExhausted},
        SubmitCase{"OnlyTheFirstTaskCounts", 200,
                   R"({"task_id": "t6", "data": [{"task_id": "a"}, {"status": "succeeded"}]})",
                   Kind::kAccepted, "t6"},
        SubmitCase{"ErrorEnvelopeGoesThroughTheTable", 401,
                   ReadFixture("upstream/error_response.json"), Kind::kError,
                   "API_ERROR", absl::StatusCode::kUnauthenticated},
        SubmitCase{"A500WithoutResultIsAnUnclearSubmission", 500,
                   R"({"success": false, "error": {"code": "api_error", "message": "m"}})",
                   Kind::kError, "API_ERROR", absl::StatusCode::kInternal},
        SubmitCase{"UnreadableErrorBodyGoesThroughTheTable", 503, "<html>busy</html>",
                   Kind::kError, "UPSTREAM_HTTP_503", absl::StatusCode::kUnavailable},
        SubmitCase{"UnreadableSuccessIsMalformed", 200, "{\"success\": tru", Kind::kError,
                   "UPSTREAM_MALFORMED_RESPONSE", absl::StatusCode::kInternal},
        SubmitCase{"EmptyObjectIsMalformed", 200, "{}", Kind::kError,
                   "UPSTREAM_MALFORMED_RESPONSE", absl::StatusCode::kInternal}),
    [](const ::testing::TestParamInfo<SubmitCase>& info) { return info.param.name; });

TEST(ReadRetrieveAnswerTest, ReadsTheRecordOrMapsTheErrorAsARead) {
  absl::StatusOr<seedance::upstream::v1::TaskRecord> record =
      ReadRetrieveAnswer(Reply(200, ReadFixture("upstream/sibling_task_record.json")), kNow);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->response().data(0).status(), "succeeded");
  EXPECT_EQ(ReadRetrieveAnswer(Reply(500, ReadFixture("upstream/error_response.json")), kNow)
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReadRetrieveAnswer(Reply(200, "[]"), kNow).status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace seedance::server::upstream
