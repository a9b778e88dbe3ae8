// ReadUpstreamReport: every kind of upstream answer, table-driven, mapped to
// the state, result, error and ids it reports.
#include "server/upstream/upstream_report.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/upstream/upstream_errors.h"
#include "upstream_api/status_details.h"

namespace seedance::server::upstream {
namespace {

using seedance::upstream::v1::VideosResponse;

// An answer with one data item of `status` (no data item when "-").
VideosResponse AnswerWith(const std::string& status, const std::string& video_url = "",
                          bool success = true) {
  VideosResponse a;
  a.set_success(success);
  a.set_task_id("up-1");
  a.set_trace_id("trace-1");
  if (status != "-") {
    seedance::upstream::v1::TaskData* d = a.add_data();
    d->set_task_id("cgt-1");
    d->set_status(status);
    d->set_video_url(video_url);
    d->set_last_frame_url(video_url.empty() ? "" : video_url + ".png");
    d->set_model("doubao-seedance-1-0-pro-250528");
  }
  return a;
}

TEST(UpstreamReportTest, EachAnswerMapsToItsStateResultAndError) {
  struct Case {
    std::string name;
    VideosResponse answer;
    v1::TaskState state;
    bool has_result;
    absl::StatusCode error_code;
    std::string error_reason;
  };
  VideosResponse error_no_data = AnswerWith("-");
  error_no_data.clear_success();
  error_no_data.mutable_error()->set_code("api_error");
  VideosResponse failed_with_code = AnswerWith("failed", "", false);
  failed_with_code.mutable_error()->set_code("content_blocked");
  failed_with_code.mutable_error()->set_message("the prompt was refused");
  const Case cases[] = {
      {"queued", AnswerWith("queued"), v1::TASK_STATE_QUEUED, false, absl::StatusCode::kOk, ""},
      {"running", AnswerWith("running"), v1::TASK_STATE_RUNNING, false, absl::StatusCode::kOk,
       ""},
      {"processing", AnswerWith("processing"), v1::TASK_STATE_RUNNING, false,
       absl::StatusCode::kOk, ""},
      {"succeeded", AnswerWith("succeeded", "https://cdn.test/v.mp4"), v1::TASK_STATE_SUCCEEDED,
       true, absl::StatusCode::kOk, ""},
      {"succeeded without a video", AnswerWith("succeeded"), v1::TASK_STATE_FAILED, false,
       absl::StatusCode::kInternal, "UPSTREAM_MALFORMED_RESPONSE"},
      {"failed", failed_with_code, v1::TASK_STATE_FAILED, false, absl::StatusCode::kAborted,
       "GENERATION_FAILED"},
      {"expired", AnswerWith("expired"), v1::TASK_STATE_EXPIRED, false,
       absl::StatusCode::kDeadlineExceeded, "TASK_EXPIRED"},
      {"cancelled", AnswerWith("cancelled"), v1::TASK_STATE_CANCELLED, false,
       absl::StatusCode::kCancelled, "UPSTREAM_CANCELLED"},
      {"success false, no data", AnswerWith("-", "", false), v1::TASK_STATE_FAILED, false,
       absl::StatusCode::kAborted, "GENERATION_FAILED"},
      {"an error, no success, no data", error_no_data, v1::TASK_STATE_FAILED, false,
       absl::StatusCode::kAborted, "GENERATION_FAILED"},
      {"unknown word", AnswerWith("done"), v1::TASK_STATE_UNSPECIFIED, false,
       absl::StatusCode::kOk, ""},
      {"no data", AnswerWith("-"), v1::TASK_STATE_UNSPECIFIED, false, absl::StatusCode::kOk, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    UpstreamReport report = ReadUpstreamReport(c.answer);
    EXPECT_EQ(report.state, c.state);
    EXPECT_EQ(report.result.has_value(), c.has_result);
    EXPECT_EQ(report.error.code(), c.error_code) << report.error;
    std::optional<google::rpc::ErrorInfo> info =
        upstream_api::GetDetail<google::rpc::ErrorInfo>(report.error);
    EXPECT_EQ(info.has_value() ? info->reason() : "", c.error_reason);
    if (info.has_value()) {
      EXPECT_EQ(info->domain(), kUpstreamErrorDomain);
    }
    EXPECT_EQ(report.ref.task_id(), "up-1");
    EXPECT_EQ(report.ref.trace_id(), "trace-1");
  }
}

TEST(UpstreamReportTest, SuccessCarriesTheVideoAndTheIds) {
  UpstreamReport report = ReadUpstreamReport(AnswerWith("succeeded", "https://cdn.test/v.mp4"));
  ASSERT_TRUE(report.result.has_value());
  EXPECT_EQ(report.result->video_url(), "https://cdn.test/v.mp4");
  EXPECT_EQ(report.result->last_frame_url(), "https://cdn.test/v.mp4.png");
  EXPECT_EQ(report.result->model(), "doubao-seedance-1-0-pro-250528");
  EXPECT_EQ(report.ref.provider_task_id(), "cgt-1");
  EXPECT_TRUE(report.error.ok());
}

TEST(UpstreamReportTest, FailureKeepsTheUpstreamsCodeMessageAndIds) {
  VideosResponse answer = AnswerWith("failed", "", false);
  answer.mutable_error()->set_code("content_blocked");
  answer.mutable_error()->set_message("the prompt was refused");
  UpstreamReport report = ReadUpstreamReport(answer);
  EXPECT_THAT(std::string(report.error.message()), ::testing::HasSubstr("the prompt was refused"));
  std::optional<google::rpc::ErrorInfo> info =
      upstream_api::GetDetail<google::rpc::ErrorInfo>(report.error);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->metadata().at("upstream_code"), "content_blocked");
  EXPECT_EQ(info->metadata().at("trace_id"), "trace-1");
  EXPECT_EQ(info->metadata().at("provider_task_id"), "cgt-1");
}

TEST(UpstreamReportTest, StatusWordsMapToStates) {
  struct Case {
    const char* word;
    v1::TaskState state;
  };
  const Case cases[] = {
      {"queued", v1::TASK_STATE_QUEUED},       {"pending", v1::TASK_STATE_QUEUED},
      {"running", v1::TASK_STATE_RUNNING},
      {"processing", v1::TASK_STATE_RUNNING},  {"succeeded", v1::TASK_STATE_SUCCEEDED},
      {"failed", v1::TASK_STATE_FAILED},       {"cancelled", v1::TASK_STATE_CANCELLED},
      {"expired", v1::TASK_STATE_EXPIRED},     {" Succeeded ", v1::TASK_STATE_SUCCEEDED},
      {"done", v1::TASK_STATE_UNSPECIFIED},    {"", v1::TASK_STATE_UNSPECIFIED},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.word);
    EXPECT_EQ(StateFromUpstreamStatus(c.word), c.state);
  }
}

TEST(UpstreamReportTest, OnlyIdsBothSidesHaveCanConflict) {
  auto ref = [](const char* task_id, const char* provider_task_id) {
    v1::UpstreamRef r;
    r.set_task_id(task_id);
    r.set_provider_task_id(provider_task_id);
    return r;
  };
  struct Case {
    v1::UpstreamRef known, reported;
    bool same;
  };
  const Case cases[] = {
      {ref("up-1", "cgt-1"), ref("up-1", "cgt-1"), true},
      {ref("", ""), ref("up-1", "cgt-1"), true},   // nothing known yet
      {ref("up-1", "cgt-1"), ref("", ""), true},   // nothing reported
      {ref("up-1", ""), ref("up-1", "cgt-9"), true},
      {ref("up-1", "cgt-1"), ref("up-2", "cgt-1"), false},
      {ref("up-1", "cgt-1"), ref("up-1", "cgt-2"), false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.known.ShortDebugString() + " vs " + c.reported.ShortDebugString());
    absl::Status s = CheckSameTask(c.known, c.reported);
    EXPECT_EQ(s.ok(), c.same) << s;
    if (!c.same) {
      EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
    }
  }
}

}  // namespace
}  // namespace seedance::server::upstream
