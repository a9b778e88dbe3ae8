#include "clients/cpp/exit_codes.h"

namespace seedance::client {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return kExitInvalid;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kResourceExhausted:
      return kExitUnavailable;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kExitAuth;
    default: return kExitOther;
  }
}

int TaskExitCode(const v1::VideoTask& task) {
  if (task.state() == v1::TASK_STATE_SUCCEEDED) return kExitOk;
  if (task.state() != v1::TASK_STATE_FAILED || !task.has_error()) return kExitTaskFailed;
  switch (static_cast<absl::StatusCode>(task.error().code())) {
    case absl::StatusCode::kUnavailable: return kExitUnavailable;
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kExitAuth;
    default: return kExitTaskFailed;
  }
}

}  // namespace seedance::client
