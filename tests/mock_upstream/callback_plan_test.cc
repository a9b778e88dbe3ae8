#include "mock_upstream/callback_plan.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::testing::IsOk;

Task CallbackTask(const std::string& scenario_list) {
  Task task;
  task.mode = TaskMode::kCallback;
  EXPECT_THAT(ApplyScenarioList(scenario_list, task.scenario), IsOk());
  task.created_at = absl::FromUnixSeconds(1000);
  task.started_at = task.created_at + absl::Seconds(1);
  task.finished_at = task.started_at + absl::Seconds(10);
  task.final_status = "succeeded";
  return task;
}

// "status/copy@ms-after-creation" for each planned callback ("!" if dropped).
std::vector<std::string> Describe(const std::vector<PlannedCallback>& plan,
                                  const Task& task) {
  std::vector<std::string> out;
  for (const PlannedCallback& c : plan) {
    out.push_back(absl::StrCat(c.drop ? "!" : "", c.status, "/", c.copy, "@",
                               absl::ToInt64Milliseconds(c.at - task.created_at)));
  }
  return out;
}

TEST(CallbackPlanTest, EachScenarioPlansItsCallbacks) {
  struct Case {
    std::string scenario;
    std::vector<std::string> expect;
  };
  std::vector<Case> cases = {
      {"", {"succeeded/1@11000"}},
      {"callback_delay_ms=500", {"succeeded/1@11500"}},
      {"callback_delayed", {"succeeded/1@12000"}},
      {"callback_drop", {"!succeeded/1@11000"}},
      {"callback_duplicate", {"succeeded/1@11000", "succeeded/2@11010"}},
      {"callback_every_status", {"queued/1@0", "running/1@1000", "succeeded/1@11000"}},
      {"callback_out_of_order", {"succeeded/1@11000", "queued/1@11020", "running/1@11040"}},
      {"callback_every_status,callback_duplicate",
       {"queued/1@0", "queued/2@10", "running/1@1000", "running/2@1010",
        "succeeded/1@11000", "succeeded/2@11010"}},
      {"callback_retry", {"succeeded/1@11000"}},  // retries depend on the receiver
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.scenario);
    Task task = CallbackTask(c.scenario);
    EXPECT_EQ(Describe(PlanCallbacks(task), task), c.expect);
  }
}

TEST(CallbackPlanTest, OnlyCallbackTasksGetCallbacks) {
  Task task = CallbackTask("callback_every_status");
  task.mode = TaskMode::kAsync;
  EXPECT_TRUE(PlanCallbacks(task).empty());
}

TEST(CallbackPlanTest, ATaskThatExpiredQueuedHasNoRunningCallback) {
  Task task = CallbackTask("callback_every_status");
  task.started_at = task.finished_at;
  task.final_status = "expired";
  EXPECT_EQ(Describe(PlanCallbacks(task), task),
            (std::vector<std::string>{"queued/1@0", "expired/1@11000"}));
}

}  // namespace
}  // namespace seedance::mock_upstream
