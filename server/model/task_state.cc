#include "server/model/task_state.h"

#include <array>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace seedance::server::model {
namespace {

constexpr int kStates = 8;  // TaskState values 0..7

// kAllowed[from][to]. Rows and columns: UNSPECIFIED, PENDING, QUEUED,
// RUNNING, SUCCEEDED, FAILED, CANCELLED, EXPIRED.
constexpr std::array<std::array<bool, kStates>, kStates> kAllowed = {{
    //  U      P      Q      R      S      F      C      E
    {false, true, false, false, false, false, false, false},  // UNSPECIFIED
    {false, false, true, true, true, true, true, true},       // PENDING
    {false, false, false, true, true, true, true, true},      // QUEUED
    {false, false, false, false, true, true, true, true},     // RUNNING
    {false, false, false, false, false, false, false, false}, // SUCCEEDED
    {false, false, false, false, false, false, false, false}, // FAILED
    {false, false, false, false, false, false, false, false}, // CANCELLED
    {false, false, false, false, false, false, false, false}, // EXPIRED
}};

bool InRange(TaskState s) { return s >= 0 && s < kStates; }

}  // namespace

bool IsTerminal(TaskState state) {
  return state == v1::TASK_STATE_SUCCEEDED || state == v1::TASK_STATE_FAILED ||
         state == v1::TASK_STATE_CANCELLED || state == v1::TASK_STATE_EXPIRED;
}

absl::Status CheckTransition(TaskState from, TaskState to) {
  if (InRange(from) && InRange(to) && kAllowed[from][to]) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("cannot go from ", StateName(from), " to ", StateName(to)));
}

std::string StateName(TaskState state) {
  std::string name = v1::TaskState_Name(state);
  if (name.empty()) return absl::StrCat("STATE_", static_cast<int>(state));
  absl::string_view prefix = "TASK_STATE_";
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

}  // namespace seedance::server::model
