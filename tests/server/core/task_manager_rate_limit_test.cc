// The create limit inside TaskManager: what takes a caller's create token and
// what does not (a refused create stores and sends nothing), on the core
// harness's fake clock.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/core/task_manager.h"
#include "tests/server/core/core_harness.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

TaskManagerOptions Limited(double per_second, double burst) {
  TaskManagerOptions o;
  o.mode = gateway::v1::DELIVERY_MODE_CALLBACK;
  o.limits.caller_create_rate = per_second;
  o.limits.caller_create_burst = burst;
  return o;
}

TEST(TaskManagerCreateRateTest, RateLimitedCreateStoresAndSendsNothing) {
  CoreHarness h(Limited(1, 2));
  ASSERT_THAT(h.Create(kAlice, Request()), IsOk());
  ASSERT_THAT(h.Create(kAlice, Request()), IsOk());
  absl::StatusOr<v1::VideoTask> refused = h.Create(kAlice, Request());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted,
                                HasSubstr("1 per second (bursts of 2)")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(refused.status())->reason(),
            "CALLER_CREATE_RATE_LIMITED");
  EXPECT_EQ(upstream_api::RetryDelayOf(refused.status()), absl::Seconds(1));
  EXPECT_THAT(h.submits, SizeIs(2));
  EXPECT_THAT(*h.store().ListUnfinished(), SizeIs(2));
  // Another caller is not affected; the first gets a token back in time.
  EXPECT_THAT(h.Create(kBob, Request()), IsOk());
  h.Advance(absl::Seconds(1));
  EXPECT_THAT(h.Create(kAlice, Request()), IsOk());
  EXPECT_THAT(h.submits, SizeIs(4));
}

TEST(TaskManagerCreateRateTest, InvalidAndValidateOnlyCreatesTakeNoToken) {
  CoreHarness h(Limited(1, 1));
  v1::CreateVideoTaskRequest bad = Request();
  bad.mutable_spec()->set_duration_seconds(99);
  v1::CreateVideoTaskRequest check = Request();
  check.set_validate_only(true);
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(h.Create(kAlice, bad), StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(h.Create(kAlice, check), IsOk());
  }
  EXPECT_THAT(h.Create(kAlice, Request()), IsOk());  // the one token is still there
  EXPECT_THAT(h.Create(kAlice, Request()), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(TaskManagerCreateRateTest, RepeatingARequestIdTakesNoToken) {
  CoreHarness h(Limited(1, 1));
  absl::StatusOr<v1::VideoTask> first = h.Create(kAlice, Request("req-1"));
  ASSERT_THAT(first, IsOk());
  // The bucket is empty, but a retry of the same request creates nothing
  // new: it gets its task back.
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<v1::VideoTask> again = h.Create(kAlice, Request("req-1"));
    ASSERT_THAT(again, IsOk());
    EXPECT_EQ(again->task_id(), first->task_id());
  }
  EXPECT_THAT(h.Create(kAlice, Request("req-2")),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(h.submits, SizeIs(1));
}

TEST(TaskManagerCreateRateTest, CreatesRefusedForCapacityTakeNoToken) {
  TaskManagerOptions o = Limited(1, 1);
  o.limits.max_tasks_in_flight = 1;
  CoreHarness h(o);
  ASSERT_THAT(h.Create(kBob, Request()), IsOk());  // fills the gateway
  absl::StatusOr<v1::VideoTask> busy = h.Create(kAlice, Request());
  ASSERT_THAT(busy, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(busy.status())->reason(),
            "TOO_MANY_TASKS_IN_FLIGHT");
  // Bob's task ends: room again, and Alice's token was not spent.
  std::string id = h.store().ListUnfinished()->at(0).task().task_id();
  ASSERT_THAT(h.Cancel(kBob, id), IsOk());
  EXPECT_THAT(h.Create(kAlice, Request()), IsOk());
}

TEST(TaskManagerCreateRateTest, OffByDefault) {
  CoreHarness h;
  for (int i = 0; i < 100; ++i) ASSERT_THAT(h.Create(kAlice, Request()), IsOk());
  EXPECT_EQ(h.store().ListUnfinished()->size(), 100u);
}

}  // namespace
}  // namespace seedance::server::core
