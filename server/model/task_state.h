// The task state machine as data: which state may follow which. Every state
// change in the gateway goes through CheckTransition, so that a duplicate or
// out-of-order upstream report can never move a task backwards or out of a
// terminal state.
//
//   PENDING -> QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED | EXPIRED
//   (states may be skipped forwards; terminal states are final)
//
//   absl::Status s = CheckTransition(TASK_STATE_RUNNING, TASK_STATE_QUEUED);
//   // s: FAILED_PRECONDITION "cannot go from RUNNING to QUEUED"
#ifndef SEEDANCE_SERVER_MODEL_TASK_STATE_H_
#define SEEDANCE_SERVER_MODEL_TASK_STATE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::server {
// The public task state, named here for every module of server/.
using v1::TaskState;
}  // namespace seedance::server

namespace seedance::server::model {

// True for SUCCEEDED, FAILED, CANCELLED and EXPIRED.
bool IsTerminal(TaskState state);

// OK when `to` may follow `from`; FAILED_PRECONDITION otherwise (including
// from == to: a repeated report is not a change).
absl::Status CheckTransition(TaskState from, TaskState to);

// "RUNNING" for TASK_STATE_RUNNING.
std::string StateName(TaskState state);

}  // namespace seedance::server::model

#endif  // SEEDANCE_SERVER_MODEL_TASK_STATE_H_
