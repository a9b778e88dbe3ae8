#include "server/model/task_state.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::model {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

constexpr TaskState kAll[] = {
    v1::TASK_STATE_UNSPECIFIED, v1::TASK_STATE_PENDING,   v1::TASK_STATE_QUEUED,
    v1::TASK_STATE_RUNNING,     v1::TASK_STATE_SUCCEEDED, v1::TASK_STATE_FAILED,
    v1::TASK_STATE_CANCELLED,   v1::TASK_STATE_EXPIRED};

// Rank in the life cycle; terminal states share the last rank.
int Rank(TaskState s) {
  switch (s) {
    case v1::TASK_STATE_UNSPECIFIED: return 0;
    case v1::TASK_STATE_PENDING: return 1;
    case v1::TASK_STATE_QUEUED: return 2;
    case v1::TASK_STATE_RUNNING: return 3;
    default: return 4;
  }
}

// The whole table: a transition is allowed exactly when it moves forward
// out of a non-terminal state (from UNSPECIFIED only to PENDING).
TEST(TaskStateTest, TransitionTableAllowsExactlyForwardMoves) {
  for (TaskState from : kAll) {
    for (TaskState to : kAll) {
      SCOPED_TRACE(StateName(from) + " -> " + StateName(to));
      bool want = !IsTerminal(from) && Rank(to) > Rank(from) &&
                  (from != v1::TASK_STATE_UNSPECIFIED || to == v1::TASK_STATE_PENDING);
      if (want) {
        EXPECT_THAT(CheckTransition(from, to), IsOk());
      } else {
        EXPECT_THAT(CheckTransition(from, to),
                    StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr("cannot go from " + StateName(from))));
      }
    }
  }
}

TEST(TaskStateTest, RejectsTransitionFromTerminalState) {
  EXPECT_THAT(CheckTransition(v1::TASK_STATE_SUCCEEDED, v1::TASK_STATE_FAILED),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(CheckTransition(v1::TASK_STATE_CANCELLED, v1::TASK_STATE_SUCCEEDED),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(TaskStateTest, RepeatedStateIsNotATransition) {
  EXPECT_THAT(CheckTransition(v1::TASK_STATE_RUNNING, v1::TASK_STATE_RUNNING),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(TaskStateTest, OutOfRangeStatesAreRejected) {
  EXPECT_THAT(CheckTransition(static_cast<TaskState>(42), v1::TASK_STATE_FAILED),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("STATE_42")));
  EXPECT_THAT(CheckTransition(v1::TASK_STATE_PENDING, static_cast<TaskState>(-1)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(TaskStateTest, TerminalStates) {
  std::vector<std::string> terminal;
  for (TaskState s : kAll) {
    if (IsTerminal(s)) terminal.push_back(StateName(s));
  }
  EXPECT_THAT(terminal,
              ::testing::ElementsAre("SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED"));
}

}  // namespace
}  // namespace seedance::server::model
