// PlanContentRead, table-driven: what a ReadVideoContent call sends for each
// state of the task and its copy, and the range it sends.
#include "server/content/content_read.h"

#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/content/task_content.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::content {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kId[] = "0b7e3c6a-1f1e-4c1e-9a4e-5d3c2b1a0f9e";
constexpr int64_t kSize = 1000;

v1::VideoTask Succeeded(v1::ContentState video_state) {
  v1::VideoTask task;
  task.set_task_id(kId);
  task.set_state(v1::TASK_STATE_SUCCEEDED);
  task.mutable_result()->set_video_url("https://cdn.example/v.mp4");
  v1::ContentCopy& copy = *task.mutable_video_content();
  copy.set_state(video_state);
  if (video_state == v1::CONTENT_STATE_STORED) {
    copy.set_content_type("video/mp4");
    copy.set_size_bytes(kSize);
    copy.set_sha256(std::string(64, 'a'));
  }
  if (video_state == v1::CONTENT_STATE_FAILED) {
    copy.mutable_error()->set_code(5);
    copy.mutable_error()->set_message("the provider's URL answered HTTP 404");
  }
  return task;
}

v1::ReadVideoContentRequest Range(int64_t offset, int64_t length,
                                  v1::ResultFile file = v1::RESULT_FILE_UNSPECIFIED) {
  v1::ReadVideoContentRequest request;
  request.set_task_id(kId);
  request.set_offset(offset);
  request.set_length(length);
  request.set_file(file);
  return request;
}

std::string ReasonOf(const absl::Status& status) {
  std::optional<google::rpc::ErrorInfo> info =
      upstream_api::GetDetail<google::rpc::ErrorInfo>(status);
  return info.has_value() ? info->reason() : "";
}

TEST(PlanContentReadTest, AStoredCopySendsTheAskedRangeClampedToTheFile) {
  struct Case {
    int64_t offset, length, expected_length;
  };
  for (const Case& c : std::vector<Case>{{0, 0, kSize},
                                         {0, 10, 10},
                                         {990, 0, 10},
                                         {990, 100, 10},
                                         {kSize, 0, 0},
                                         {500, 500, 500}}) {
    SCOPED_TRACE(::testing::PrintToString(std::vector<int64_t>{c.offset, c.length}));
    absl::StatusOr<ContentReadPlan> plan =
        PlanContentRead(Succeeded(v1::CONTENT_STATE_STORED), Range(c.offset, c.length));
    ASSERT_THAT(plan, IsOk());
    EXPECT_EQ(plan->key, ResultContentKey(kId, model::ResultFile::kVideo));
    EXPECT_EQ(plan->header.content_type(), "video/mp4");
    EXPECT_EQ(plan->header.total_size(), kSize);
    EXPECT_EQ(plan->header.sha256(), std::string(64, 'a'));
    EXPECT_EQ(plan->header.offset(), c.offset);
    EXPECT_EQ(plan->header.length(), c.expected_length);
  }
}

TEST(PlanContentReadTest, EachStateThatHasNoCopyToSendSaysWhy) {
  struct Case {
    std::string name;
    v1::VideoTask task;
    absl::StatusCode code;
    std::string reason;
    std::string message;
  };
  v1::VideoTask running = Succeeded(v1::CONTENT_STATE_UNSPECIFIED);
  running.set_state(v1::TASK_STATE_RUNNING);
  running.clear_result();
  v1::VideoTask no_copy = Succeeded(v1::CONTENT_STATE_UNSPECIFIED);
  std::vector<Case> cases = {
      {"running", running, absl::StatusCode::kFailedPrecondition, "TASK_NOT_SUCCEEDED",
       "only a SUCCEEDED task has content"},
      {"pending", Succeeded(v1::CONTENT_STATE_PENDING), absl::StatusCode::kUnavailable,
       "CONTENT_PENDING", "still fetching the video"},
      {"failed", Succeeded(v1::CONTENT_STATE_FAILED), absl::StatusCode::kFailedPrecondition,
       "CONTENT_NOT_KEPT", "could not keep the video: the provider's URL answered HTTP 404"},
      {"expired", Succeeded(v1::CONTENT_STATE_EXPIRED), absl::StatusCode::kFailedPrecondition,
       "CONTENT_EXPIRED", "retention time"},
      {"not kept", no_copy, absl::StatusCode::kFailedPrecondition, "CONTENT_NOT_AVAILABLE",
       "keeps no copy"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<ContentReadPlan> plan = PlanContentRead(c.task, Range(0, 0));
    EXPECT_THAT(plan, StatusIs(c.code, HasSubstr(c.message)));
    EXPECT_EQ(ReasonOf(plan.status()), c.reason);
  }
  // Only a copy on its way is worth waiting for.
  EXPECT_EQ(upstream_api::RetryDelayOf(
                PlanContentRead(Succeeded(v1::CONTENT_STATE_PENDING), Range(0, 0)).status()),
            kContentPendingRetryDelay);
}

TEST(PlanContentReadTest, TheLastFrameIsReadFromItsOwnCopy) {
  v1::VideoTask task = Succeeded(v1::CONTENT_STATE_STORED);
  absl::StatusOr<ContentReadPlan> none =
      PlanContentRead(task, Range(0, 0, v1::RESULT_FILE_LAST_FRAME));
  EXPECT_THAT(none, StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr("return_last_frame")));
  EXPECT_EQ(ReasonOf(none.status()), "CONTENT_NOT_AVAILABLE");

  task.mutable_result()->set_last_frame_url("https://cdn.example/f.png");
  task.mutable_last_frame_content()->set_state(v1::CONTENT_STATE_STORED);
  task.mutable_last_frame_content()->set_content_type("image/png");
  task.mutable_last_frame_content()->set_size_bytes(77);
  absl::StatusOr<ContentReadPlan> frame =
      PlanContentRead(task, Range(0, 0, v1::RESULT_FILE_LAST_FRAME));
  ASSERT_THAT(frame, IsOk());
  EXPECT_EQ(frame->key, ResultContentKey(kId, model::ResultFile::kLastFrame));
  EXPECT_EQ(frame->header.content_type(), "image/png");
  EXPECT_EQ(frame->header.length(), 77);
}

TEST(PlanContentReadTest, ABadRangeIsRefusedNamingItsField) {
  v1::VideoTask task = Succeeded(v1::CONTENT_STATE_STORED);
  absl::StatusOr<ContentReadPlan> negative = PlanContentRead(task, Range(-1, -2));
  EXPECT_THAT(negative, StatusIs(absl::StatusCode::kInvalidArgument));
  std::vector<upstream_api::FieldViolation> violations =
      upstream_api::ViolationsFromStatus(negative.status());
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "offset");
  EXPECT_EQ(violations[1].field, "length");

  v1::ReadVideoContentRequest unknown = Range(0, 0);
  unknown.set_file(static_cast<v1::ResultFile>(9));
  EXPECT_EQ(upstream_api::ViolationsFromStatus(PlanContentRead(task, unknown).status())[0].field,
            "file");

  absl::StatusOr<ContentReadPlan> past = PlanContentRead(task, Range(kSize + 1, 0));
  EXPECT_THAT(past, StatusIs(absl::StatusCode::kOutOfRange,
                             HasSubstr("past the end of the 1000-byte video")));
  EXPECT_EQ(ReasonOf(past.status()), "OFFSET_PAST_END");
}

TEST(PlanContentReadTest, AGatewayServingNoContentSaysSo) {
  absl::Status s = NotServingContent();
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("--keep_content")));
  EXPECT_EQ(ReasonOf(s), "CONTENT_NOT_AVAILABLE");
}

}  // namespace
}  // namespace seedance::server::content
