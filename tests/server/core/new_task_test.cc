#include "server/core/new_task.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::core {
namespace {

using ::seedance::testing::IsOk;
using ::testing::ElementsAre;

const callers::Caller kCaller{"owner-1", "upstream-token-1"};
const absl::Time kNow = absl::FromUnixSeconds(1766361600);
const TraceContext kTrace = *ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

v1::CreateVideoTaskRequest Request() {
  v1::CreateVideoTaskRequest r;
  r.set_request_id("req-1");
  r.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
  r.mutable_spec()->set_prompt("A kitten yawning at the camera.");
  r.mutable_spec()->add_images()->set_url("data:image/png;base64,iVBORw0K");
  return r;
}

TEST(NewTaskTest, RecordIsPendingAtSequenceOneWithTheSpecStoredOnce) {
  callers::Keyring keyring = callers::Keyring::FromMasterKey("k");
  absl::StatusOr<StoredTask> record =
      BuildNewTask(kCaller, Request(), kTrace, {"a note"}, {}, kNow, keyring);
  ASSERT_THAT(record, IsOk());
  const v1::VideoTask& task = record->task();
  EXPECT_EQ(task.task_id().size(), 36u);  // a UUID
  EXPECT_EQ(task.request_id(), "req-1");
  EXPECT_EQ(task.state(), v1::TASK_STATE_PENDING);
  EXPECT_EQ(task.sequence(), 1u);
  EXPECT_EQ(task.create_time().seconds(), 1766361600);
  EXPECT_EQ(task.expire_time().seconds(), 1766361600 + 172800);  // the default 48 h
  EXPECT_THAT(task.notes(), ElementsAre("a note"));
  EXPECT_EQ(task.spec().SerializeAsString(), Request().spec().SerializeAsString());
  // The upstream body is not stored beside the spec (it is derived when sent).
  EXPECT_FALSE(record->has_upstream_request());
  EXPECT_EQ(record->owner(), "owner-1");
  EXPECT_TRUE(record->submitted());
  EXPECT_EQ(record->revision(), 1u);
  // The creating call's trace: its id shown, the whole context kept for
  // the task's hops.
  EXPECT_EQ(task.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(record->traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(NewTaskTest, TheSpecsExpiryWinsOverTheDefault) {
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_execution_expires_after_seconds(3600);
  absl::StatusOr<StoredTask> record = BuildNewTask(kCaller, r, kTrace, {}, {}, kNow, callers::Keyring::FromMasterKey("k"));
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->task().expire_time().seconds(), 1766361600 + 3600);
}

TEST(NewTaskTest, OnlyCallbackModeGetsACallbackSecret) {
  callers::Keyring keyring = callers::Keyring::FromMasterKey("k");
  NewTaskSettings callback{.mode = gateway::v1::DELIVERY_MODE_CALLBACK};
  NewTaskSettings poll{.mode = gateway::v1::DELIVERY_MODE_POLL};
  EXPECT_EQ(BuildNewTask(kCaller, Request(), kTrace, {}, callback, kNow, keyring)->callback_secret().size(),
            48u);
  EXPECT_EQ(BuildNewTask(kCaller, Request(), kTrace, {}, poll, kNow, keyring)->callback_secret(), "");
}

TEST(NewTaskTest, TheCallersTokenIsSealedNotStored) {
  callers::Keyring keyring = callers::Keyring::FromMasterKey("k");
  absl::StatusOr<StoredTask> sealed = BuildNewTask(kCaller, Request(), kTrace, {}, {}, kNow, keyring);
  ASSERT_THAT(sealed, IsOk());
  EXPECT_THAT(sealed->SerializeAsString(), ::testing::Not(::testing::HasSubstr("upstream-token-1")));
  EXPECT_EQ(*keyring.Open(sealed->sealed_credential()), "upstream-token-1");
  absl::StatusOr<StoredTask> unsealed =
      BuildNewTask(kCaller, Request(), kTrace, {}, {.seal_credentials = false}, kNow, keyring);
  EXPECT_EQ(unsealed->sealed_credential(), "");
}

TEST(NewTaskTest, FingerprintsTellSpecsApart) {
  v1::CreateVideoTaskRequest other = Request();
  other.mutable_spec()->set_prompt("A puppy.");
  EXPECT_EQ(SpecFingerprint(Request().spec()), SpecFingerprint(Request().spec()));
  EXPECT_NE(SpecFingerprint(Request().spec()), SpecFingerprint(other.spec()));
  EXPECT_EQ(SpecFingerprint(Request().spec()).size(), 64u);  // SHA-256, hex
}

}  // namespace
}  // namespace seedance::server::core
