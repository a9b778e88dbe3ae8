#include "mock_upstream/callback_plan.h"

#include <algorithm>

#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {

std::vector<PlannedCallback> PlanCallbacks(const Task& task) {
  std::vector<PlannedCallback> plan;
  if (task.mode != TaskMode::kCallback) return plan;
  const Scenario& s = task.scenario;
  absl::Duration delay = s.callback_delay.value_or(absl::ZeroDuration());
  PlannedCallback final_one{task.finished_at + delay, task.final_status};
  if (s.callback_drop) {
    final_one.drop = true;
    return {final_one};
  }
  if (!s.callback_every_status) {
    plan.push_back(final_one);
  } else {
    PlannedCallback queued{task.created_at + delay, std::string(upstream_api::kStatusQueued)};
    PlannedCallback running{task.started_at + delay, std::string(upstream_api::kStatusRunning)};
    bool ran = task.started_at < task.finished_at;
    if (s.callback_out_of_order) {
      // The final status first, then the older ones it overtook.
      plan.push_back(final_one);
      queued.at = final_one.at + kCallbackSpacing;
      plan.push_back(queued);
      if (ran) {
        running.at = final_one.at + 2 * kCallbackSpacing;
        plan.push_back(running);
      }
    } else {
      plan.push_back(queued);
      if (ran) plan.push_back(running);
      plan.push_back(final_one);
    }
  }
  if (s.callback_duplicate) {
    std::vector<PlannedCallback> doubled;
    for (const PlannedCallback& c : plan) {
      doubled.push_back(c);
      PlannedCallback again = c;
      again.copy = 2;
      again.at = c.at + kCallbackSpacing / 2;
      doubled.push_back(again);
    }
    plan = std::move(doubled);
  }
  std::stable_sort(plan.begin(), plan.end(),
                   [](const PlannedCallback& a, const PlannedCallback& b) {
                     return a.at < b.at;
                   });
  return plan;
}

}  // namespace seedance::mock_upstream
