// TaskRunner over a MockState with an injected clock and a manual
// scheduler: a task's journaled life, the held call, the epoch check, and
// callbacks that need no network (dropped ones; the client is never run).
#include "mock_upstream/task_runner.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock_upstream/scenario.h"
#include "mock_upstream/task.h"
#include "tests/mock_upstream/mock_harness.h"
#include "tests/testing/json_value.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/upstream_json.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::FakeExchange;
using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::ExchangeRecord;
using ::seedance::testing::IsOk;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::testing::ElementsAre;

class TaskRunnerTest : public ::testing::Test {
 protected:
  // A task planned now from `body` with `scenario_list`, in the state's epoch
  // unless told otherwise; added to the store.
  std::shared_ptr<const Task> Plan(absl::string_view body,
                                   absl::string_view scenario_list = "",
                                   std::optional<uint64_t> epoch = std::nullopt) {
    absl::StatusOr<upstream::v1::VideosRequest> request = upstream_api::ParseVideosRequest(body);
    EXPECT_THAT(request, IsOk());
    Scenario scenario;
    if (!scenario_list.empty()) {
      EXPECT_THAT(ApplyScenarioList(scenario_list, scenario), IsOk());
    }
    auto task = std::make_shared<const Task>(
        PlanTask({.request = *request,
                  .scenario = scenario,
                  .config = mock_.state.config(),
                  .now = mock_.clock.Now(),
                  .token_key = TokenFingerprint("t1"),
                  .epoch = epoch.value_or(mock_.state.epoch())}));
    mock_.state.tasks().Add(task);
    return task;
  }

  // Holds a fresh exchange for `task` as request seq 7.
  std::shared_ptr<ExchangeRecord> Hold(const Task& task) {
    auto outcome = std::make_shared<ExchangeRecord>();
    mock_.runner.HoldCall(task.id, std::make_shared<FakeExchange>(outcome), 7);
    return outcome;
  }

  // The statuses journaled for `task`, in order.
  std::vector<std::string> Statuses(const Task& task) {
    std::vector<std::string> statuses;
    for (const JournalEntry& e :
         mock_.state.journal().Query({{"kind", "task"}, {"task_id", task.id}}, 0)) {
      statuses.push_back(e.Text("status"));
    }
    return statuses;
  }

  MockHarness mock_;
};

constexpr char kBlocking[] = R"({"model": "doubao-seedance-1-0-pro-250528",
    "content": [{"type": "text", "text": "a cat"}]})";
constexpr char kCallback[] = R"({"model": "doubao-seedance-1-0-pro-250528",
    "content": [{"type": "text", "text": "a cat"}],
    "callback_url": "http://127.0.0.1:9/cb"})";

TEST_F(TaskRunnerTest, JournalsRunningThenTheFinalStatusOnTheTimers) {
  std::shared_ptr<const Task> task = Plan(kBlocking, "fail");
  mock_.runner.Run(task);
  EXPECT_TRUE(Statuses(*task).empty());
  mock_.Advance(absl::Seconds(1));
  EXPECT_THAT(Statuses(*task), ElementsAre("running"));
  mock_.Advance(absl::Seconds(10));
  EXPECT_THAT(Statuses(*task), ElementsAre("running", "failed"));
  EXPECT_EQ(mock_.tasks.pending(), 0u);
}

TEST_F(TaskRunnerTest, TheHeldCallIsAnsweredWhenTheTaskEnds) {
  std::shared_ptr<const Task> task = Plan(kBlocking, "fail");
  auto call = Hold(*task);
  mock_.runner.Run(task);
  mock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(call->responses.empty());
  mock_.Advance(absl::Seconds(1));
  ASSERT_EQ(call->responses.size(), 1u);
  EXPECT_EQ(call->responses[0].status, 500);
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(call->responses[0].body);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(JsonString(*json, "data.status"), "failed");
  std::vector<JournalEntry> answers =
      mock_.state.journal().Query({{"kind", "response"}, {"task_id", task->id}}, 0);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].Text("request_seq"), "7");
  EXPECT_EQ(answers[0].Text("status"), "500");
}

TEST_F(TaskRunnerTest, ATaskWithoutGenerationTimeEndsInsideRun) {
  std::shared_ptr<const Task> task = Plan(kBlocking, "queue_ms=0,generation_ms=0");
  auto call = Hold(*task);
  mock_.runner.Run(task);
  EXPECT_EQ(call->responses.size(), 1u);
  EXPECT_THAT(Statuses(*task), ElementsAre("succeeded"));
  EXPECT_EQ(mock_.tasks.pending(), 0u);
}

TEST_F(TaskRunnerTest, ClientGoneDropsTheHeldCall) {
  std::shared_ptr<const Task> task = Plan(kBlocking);
  auto call = Hold(*task);
  mock_.runner.Run(task);
  ASSERT_TRUE(call->gone);
  call->gone();
  mock_.Advance(absl::Seconds(11));
  EXPECT_TRUE(call->responses.empty());
  std::vector<JournalEntry> gone =
      mock_.state.journal().Query({{"outcome", "client_gone"}}, 0);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].Text("task_id"), task->id);
  EXPECT_EQ(gone[0].Text("request_seq"), "7");
}

TEST_F(TaskRunnerTest, WorkOfATaskFromAnotherEpochIsDropped) {
  std::shared_ptr<const Task> task =
      Plan(kBlocking, "queue_ms=0,generation_ms=0", mock_.state.epoch() + 1);
  auto call = Hold(*task);
  mock_.runner.Run(task);
  EXPECT_TRUE(call->responses.empty());
  EXPECT_TRUE(Statuses(*task).empty());
}

TEST_F(TaskRunnerTest, ADroppedCallbackIsJournaledAndNeverSent) {
  std::shared_ptr<const Task> task = Plan(kCallback, "callback_drop");
  ASSERT_EQ(task->mode, TaskMode::kCallback);
  mock_.runner.Run(task);
  mock_.Advance(absl::Seconds(11));
  std::vector<JournalEntry> callbacks =
      mock_.state.journal().Query({{"kind", "callback"}, {"task_id", task->id}}, 0);
  ASSERT_EQ(callbacks.size(), 1u);
  EXPECT_EQ(callbacks[0].Text("outcome"), "dropped");
  EXPECT_EQ(callbacks[0].Text("status"), "succeeded");
  EXPECT_EQ(callbacks[0].Text("url"), "http://127.0.0.1:9/cb");
}

}  // namespace
}  // namespace seedance::mock_upstream
