// The seedance CLI's exit status, from a failed call or an ended task, so
// that scripts can tell "fix your input" from "retry later" from "your
// credentials": 0 done, 1 the task did not succeed, 2 invalid input,
// 3 unavailable (retry later), 4 not authenticated or not allowed, 5 other.
//
//   return seedance::client::ExitCodeFor(status);
//   return seedance::client::TaskExitCode(task);
#ifndef SEEDANCE_CLIENTS_CPP_EXIT_CODES_H_
#define SEEDANCE_CLIENTS_CPP_EXIT_CODES_H_

#include "absl/status/status.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::client {

enum ExitCode {
  kExitOk = 0,
  kExitTaskFailed = 1,
  kExitInvalid = 2,
  kExitUnavailable = 3,
  kExitAuth = 4,
  kExitOther = 5,
};

// The status of a failed call.
int ExitCodeFor(const absl::Status& status);

// The status of an ended task: 0 when it succeeded, else 1, except a task
// that FAILED because the upstream was unreachable (UNAVAILABLE: 3) or
// refused the credentials (UNAUTHENTICATED, PERMISSION_DENIED: 4), where
// what to do next is what it is for such a call.
int TaskExitCode(const v1::VideoTask& task);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_EXIT_CODES_H_
