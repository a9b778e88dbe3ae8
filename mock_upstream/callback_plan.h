// The callbacks of a task, planned from its scenario: which statuses are
// POSTed, when, and how many copies. Pure, so that every callback scenario
// is unit-tested without a network or a clock.
//
//   for (const PlannedCallback& c : PlanCallbacks(task)) {
//     scheduler.RunAt(c.at, [=] { Send(task, c); });
//   }
//
// Default (the guide): one POST of the final answer when the task ends.
#ifndef SEEDANCE_MOCK_UPSTREAM_CALLBACK_PLAN_H_
#define SEEDANCE_MOCK_UPSTREAM_CALLBACK_PLAN_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "mock_upstream/task.h"

namespace seedance::mock_upstream {

struct PlannedCallback {
  absl::Time at;
  std::string status;  // the data.status the body carries
  int copy = 1;        // 2 for the duplicate of callback_duplicate
  bool drop = false;   // journal it as dropped instead of sending
};

// The callbacks of `task` (none unless it has a callback_url), in the order
// they are due.
std::vector<PlannedCallback> PlanCallbacks(const Task& task);

// Gap between callbacks meant to arrive in a given order.
inline constexpr absl::Duration kCallbackSpacing = absl::Milliseconds(20);

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_CALLBACK_PLAN_H_
