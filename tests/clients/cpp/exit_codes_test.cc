// The CLI's exit status of an ended task, by state and error code.
#include "clients/cpp/exit_codes.h"

#include "gtest/gtest.h"

namespace seedance::client {
namespace {

struct Row {
  v1::TaskState state;
  absl::StatusCode error;  // kOk: no error
  int exit_code;
};

TEST(ExitCodesTest, AnEndedTasksStatusSaysWhatToDoNext) {
  const Row rows[] = {
      {v1::TASK_STATE_SUCCEEDED, absl::StatusCode::kOk, kExitOk},
      {v1::TASK_STATE_FAILED, absl::StatusCode::kAborted, kExitTaskFailed},  // generation failed
      {v1::TASK_STATE_FAILED, absl::StatusCode::kUnauthenticated, kExitAuth},  // upstream 401
      {v1::TASK_STATE_FAILED, absl::StatusCode::kPermissionDenied, kExitAuth},
      {v1::TASK_STATE_FAILED, absl::StatusCode::kUnavailable, kExitUnavailable},  // unreachable
      // An unknown outcome is not "retry later": a retry could bill twice.
      {v1::TASK_STATE_FAILED, absl::StatusCode::kDeadlineExceeded, kExitTaskFailed},
      {v1::TASK_STATE_FAILED, absl::StatusCode::kOk, kExitTaskFailed},
      {v1::TASK_STATE_CANCELLED, absl::StatusCode::kCancelled, kExitTaskFailed},
      {v1::TASK_STATE_EXPIRED, absl::StatusCode::kDeadlineExceeded, kExitTaskFailed},
  };
  for (const Row& row : rows) {
    v1::VideoTask task;
    task.set_state(row.state);
    if (row.error != absl::StatusCode::kOk) task.mutable_error()->set_code(static_cast<int>(row.error));
    EXPECT_EQ(TaskExitCode(task), row.exit_code)
        << v1::TaskState_Name(row.state) << " " << absl::StatusCodeToString(row.error);
  }
}

TEST(ExitCodesTest, AFailedCallsStatusByCode) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), kExitOk);
  EXPECT_EQ(ExitCodeFor(absl::InvalidArgumentError("")), kExitInvalid);
  EXPECT_EQ(ExitCodeFor(absl::ResourceExhaustedError("")), kExitUnavailable);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("")), kExitAuth);
  EXPECT_EQ(ExitCodeFor(absl::InternalError("")), kExitOther);
}

}  // namespace
}  // namespace seedance::client
