// UpstreamDriver: how each delivery mode takes a task through its upstream
// calls (held answers, callbacks, polls), which failures are retried and
// which are final, expiry and resumption after a restart. Driven through the
// wired core (CoreHarness) with a mock upstream client and a fake clock.
#include "server/upstream/upstream_driver.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/model/upstream_body.h"
#include "server/store/in_memory_task_store.h"
#include "tests/server/core/core_harness.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::upstream {
namespace {

using ::seedance::server::core::Accepted;
using ::seedance::server::core::Answer;
using ::seedance::server::core::CoreHarness;
using ::seedance::server::core::Final;
using ::seedance::server::core::kAlice;
using ::seedance::server::core::Mode;
using ::seedance::server::core::Request;
using ::seedance::server::core::UpstreamError;
using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using gateway::v1::DELIVERY_MODE_CALLBACK;
using gateway::v1::DELIVERY_MODE_HOLD;
using gateway::v1::DELIVERY_MODE_POLL;

// ---- the submission and the held call --------------------------------------------

TEST(UpstreamDriverTest, HoldModeRunsAfterGraceAndSucceedsOnTheFinalAnswer) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.Advance(absl::Seconds(3));  // the call is still open: accepted upstream
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_RUNNING);
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  absl::StatusOr<v1::VideoTask> done = h.Get(kAlice, id);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(done->result().video_url(), "https://cdn/v.mp4");
  EXPECT_EQ(done->upstream().task_id(), "up-1");
  EXPECT_EQ(done->upstream().provider_task_id(), "cgt-1");
  EXPECT_EQ(done->upstream().trace_id(), "trace-1");
  EXPECT_TRUE(done->has_end_time());
  EXPECT_THAT(h.StoredStates(id), ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_RUNNING,
                                              v1::TASK_STATE_SUCCEEDED));
  EXPECT_EQ(h.scheduler.pending(), 0u);  // expiry timer cancelled at the end
  EXPECT_EQ(h.driver.tracked_tasks(), 0u);  // and the driver forgot the task
}

TEST(UpstreamDriverTest, SuccessWithoutVideoUrlIsAFailure) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(Final(Answer("succeeded")));
  h.Run();
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(task->error().code(), static_cast<int>(absl::StatusCode::kInternal));
}

TEST(UpstreamDriverTest, UpstreamGenerationFailureIsAbortedWithErrorInfo) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  seedance::upstream::v1::VideosResponse failed = Answer("failed");
  failed.mutable_error()->set_code("api_error");
  failed.mutable_error()->set_message("content policy");
  h.submits[0].done(Final(failed));
  h.Run();
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  absl::Status error = upstream_api::FromRpcStatus(task->error());
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kAborted, HasSubstr("content policy")));
  std::optional<google::rpc::ErrorInfo> info = upstream_api::GetDetail<google::rpc::ErrorInfo>(error);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "GENERATION_FAILED");
  EXPECT_EQ(info->metadata().at("upstream_code"), "api_error");
  EXPECT_EQ(info->metadata().at("trace_id"), "trace-1");
}

TEST(UpstreamDriverTest, RateLimitedSubmissionIsRetriedAfterRetryAfter) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(UpstreamError(429, "too_many_requests", "7"));
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_PENDING);
  h.Advance(absl::Seconds(6));
  EXPECT_THAT(h.submits, SizeIs(1));
  h.Advance(absl::Seconds(1));
  ASSERT_THAT(h.submits, SizeIs(2));
  h.submits[1].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(h.stats.submissions_retried, 1);
}

TEST(UpstreamDriverTest, RateLimitAfterAllAttemptsFailsWithRetryInfo) {
  upstream::UpstreamDriverOptions o = CoreHarness::DefaultDriverOptions();
  o.max_submit_attempts = 2;
  CoreHarness h(Mode(DELIVERY_MODE_HOLD), o);
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(UpstreamError(429, "too_many_requests", "2"));
  h.Run();
  h.Advance(absl::Seconds(2));
  ASSERT_THAT(h.submits, SizeIs(2));
  h.submits[1].done(UpstreamError(429, "too_many_requests", "2"));
  h.Run();
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  absl::Status error = upstream_api::FromRpcStatus(task->error());
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(upstream_api::RetryDelayOf(error), absl::Seconds(2));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(error)->reason(), "TOO_MANY_REQUESTS");
}

TEST(UpstreamDriverTest, ServerErrorOnSubmissionIsNotRetried) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(UpstreamError(500, "api_error"));
  h.Advance(absl::Minutes(5));
  EXPECT_THAT(h.submits, SizeIs(1));  // it may have been billed: no second try
  EXPECT_EQ(h.stats.submissions_retried, 0);
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(task->error().code(), static_cast<int>(absl::StatusCode::kInternal));
}

TEST(UpstreamDriverTest, ConnectionRefusedIsRetriedButResetIsNot) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string refused = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(http::curl::MarkRequestNeverSent(absl::UnavailableError("connection refused")));
  h.Run();
  h.Advance(absl::Seconds(1));
  EXPECT_THAT(h.submits, SizeIs(2));
  EXPECT_EQ(h.Get(kAlice, refused)->state(), v1::TASK_STATE_PENDING);

  std::string reset = h.Create(kAlice, Request())->task_id();
  ASSERT_THAT(h.submits, SizeIs(3));
  h.submits[2].done(absl::UnavailableError("connection reset by peer"));
  h.Advance(absl::Minutes(5));
  EXPECT_THAT(h.submits, SizeIs(3));
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, reset);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  absl::Status error = upstream_api::FromRpcStatus(task->error());
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("may still generate")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(error)->reason(),
            "UPSTREAM_OUTCOME_UNKNOWN");
}

std::string ReasonOf(const v1::VideoTask& task) {
  auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(
      upstream_api::FromRpcStatus(task.error()));
  return info.has_value() ? info->reason() : "";
}

// The held call stays open as long as the task may run: until its expiry,
// plus the grace for the upstream to report it and one call timeout.
TEST(UpstreamDriverTest, HeldCallLastsUntilTheTasksOwnExpiry) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  v1::CreateVideoTaskRequest flex = Request();
  flex.mutable_spec()->set_service_tier(v1::SERVICE_TIER_FLEX);
  flex.mutable_spec()->set_execution_expires_after_seconds(259200);  // 72 h, the most
  ASSERT_THAT(h.Create(kAlice, flex), IsOk());
  ASSERT_THAT(h.Create(kAlice, Request()), IsOk());  // the default expiry, 48 h
  ASSERT_THAT(h.submits, SizeIs(2));
  const UpstreamDriverOptions defaults = CoreHarness::DefaultDriverOptions();
  EXPECT_EQ(h.submits[0].timeout,
            absl::Hours(72) + defaults.expiry_grace + defaults.call_timeout);
  EXPECT_EQ(h.submits[1].timeout,
            absl::Hours(48) + defaults.expiry_grace + defaults.call_timeout);
}

TEST(UpstreamDriverTest, HeldCallTimeoutIsCappedByTheOperatorsCapAndSoReportedWhenCut) {
  UpstreamDriverOptions o = CoreHarness::DefaultDriverOptions();
  o.hold_timeout_cap = absl::Hours(2);
  CoreHarness h(Mode(DELIVERY_MODE_HOLD), o);
  std::string id = h.Create(kAlice, Request())->task_id();
  ASSERT_THAT(h.submits, SizeIs(1));
  EXPECT_EQ(h.submits[0].timeout, absl::Hours(2));
  h.Advance(absl::Hours(2));
  // The transport's timeout: the request went out, no answer came.
  h.submits[0].done(absl::DeadlineExceededError("POST /v1/seedance/videos timed out"));
  h.Run();
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(task->error().code(), static_cast<int>(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(ReasonOf(*task), "UPSTREAM_OUTCOME_UNKNOWN");
  h.Advance(absl::Hours(1));
  EXPECT_THAT(h.submits, SizeIs(1));  // never resubmitted
}

// An error envelope has no task result, but its trace id is still the
// upstream's reference for the support ticket.
TEST(UpstreamDriverTest, AFailedSubmissionKeepsTheUpstreamsTraceId) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(UpstreamError(500, "api_error"));
  h.Run();
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(task->upstream().trace_id(), "t-err");
}

// In callback mode the provider's callback names the task (its URL carries
// the task's secret), so a submission cut without an answer is not written
// off: the task waits for its callback, up to its expiry.
TEST(UpstreamDriverTest, CallbackModeSubmissionCutWithoutAnswerWaitsForTheCallback) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  std::string id = h.Create(kAlice, Request())->task_id();
  std::string secret = h.store().Get(id)->callback_secret();
  h.submits[0].done(absl::DeadlineExceededError("timed out"));
  h.Advance(absl::Minutes(10));
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_PENDING);
  EXPECT_THAT(h.submits, SizeIs(1));
  ASSERT_THAT(h.Callback(id, secret, Answer("succeeded", "https://cdn/v.mp4")), IsOk());
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(task->upstream().task_id(), "up-1");
}

// A request that never left (refused at every attempt) cannot be billed:
// a plain failure, in callback mode too (no callback can come).
TEST(UpstreamDriverTest, ARequestThatNeverLeftIsAPlainFailureNotAnUnknownOutcome) {
  UpstreamDriverOptions o = CoreHarness::DefaultDriverOptions();
  o.max_submit_attempts = 1;
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK), o);
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(http::curl::MarkRequestNeverSent(absl::UnavailableError("refused")));
  h.Run();
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  EXPECT_NE(ReasonOf(*task), "UPSTREAM_OUTCOME_UNKNOWN");
}

// A held call still open at the task's expiry: the task is EXPIRED, and the
// call is dropped.
TEST(UpstreamDriverTest, HeldCallStillOpenAtExpiryEndsTheTaskExpired) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_execution_expires_after_seconds(3600);
  std::string id = h.Create(kAlice, r)->task_id();
  h.Advance(absl::Hours(1) + absl::Minutes(5));
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_EXPIRED);
  EXPECT_EQ(ReasonOf(*task), "TASK_EXPIRED");
  EXPECT_THAT(h.cancelled_calls, ElementsAre(h.submits[0].id));
}

// A task waiting for its callback learns its id from it; from then on the
// fallback poll follows it, as any accepted task.
TEST(UpstreamDriverTest, ACallbackGivesAWaitingTaskItsIdAndTheFallbackPollFollows) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  std::string id = h.Create(kAlice, Request())->task_id();
  std::string secret = h.store().Get(id)->callback_secret();
  h.submits[0].done(absl::DeadlineExceededError("timed out"));
  h.Run();
  ASSERT_THAT(h.Callback(id, secret, Answer("running")), IsOk());
  EXPECT_EQ(h.Get(kAlice, id)->upstream().task_id(), "up-1");
  h.Advance(CoreHarness::DefaultDriverOptions().callback_fallback_poll);
  ASSERT_THAT(h.retrieves, SizeIs(1));
  EXPECT_EQ(h.retrieves[0].upstream_task_id, "up-1");
}

// A held call answered at once with a task that is not done yet is
// followed by polls, not left waiting.
TEST(UpstreamDriverTest, AnUnfinishedResultToTheHeldCallIsFollowedByPolls) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(Final(Answer("queued")));
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_QUEUED);
  h.Advance(CoreHarness::DefaultDriverOptions().poll_initial);
  ASSERT_THAT(h.retrieves, SizeIs(1));
  EXPECT_EQ(h.retrieves[0].upstream_task_id, "up-1");
}

// The answer that ended a task is kept (for the provider-format webhook),
// from each way in; a report that did not end it, or one read otherwise
// than it says, is not.
TEST(UpstreamDriverTest, TheAnswerThatEndedTheTaskIsKept) {
  CoreHarness held(Mode(DELIVERY_MODE_HOLD));
  std::string a = held.Create(kAlice, Request())->task_id();
  held.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  std::string b = held.Create(kAlice, Request())->task_id();
  held.submits[1].done(Final(Answer("succeeded")));  // no video: FAILED
  held.Run();
  EXPECT_EQ(held.store().Get(a)->upstream_answer().data(0).video_url(), "https://cdn/v.mp4");
  EXPECT_EQ(held.Get(kAlice, b)->state(), v1::TASK_STATE_FAILED);
  EXPECT_FALSE(held.store().Get(b)->has_upstream_answer());

  CoreHarness cb(Mode(DELIVERY_MODE_CALLBACK));
  std::string c = cb.Create(kAlice, Request())->task_id();
  std::string secret = cb.store().Get(c)->callback_secret();
  cb.submits[0].done(Accepted("up-1"));
  cb.Run();
  ASSERT_THAT(cb.Callback(c, secret, Answer("running")), IsOk());
  EXPECT_FALSE(cb.store().Get(c)->has_upstream_answer());
  seedance::upstream::v1::VideosResponse failed = Answer("failed");
  failed.mutable_error()->set_message("refused");
  ASSERT_THAT(cb.Callback(c, secret, failed), IsOk());
  EXPECT_EQ(cb.store().Get(c)->upstream_answer().error().message(), "refused");

  CoreHarness poll(Mode(DELIVERY_MODE_POLL));
  std::string d = poll.Create(kAlice, Request())->task_id();
  poll.submits[0].done(Accepted("up-1"));
  poll.Run();
  poll.Advance(CoreHarness::DefaultDriverOptions().poll_initial);
  ASSERT_THAT(poll.retrieves, SizeIs(1));
  seedance::upstream::v1::TaskRecord record;
  *record.mutable_response() = Answer("expired");
  poll.retrieves[0].done(record);
  poll.Run();
  EXPECT_EQ(poll.store().Get(d)->upstream_answer().data(0).status(), "expired");
}

// A callback that comes while the submission is still open, whose call then
// ends without an answer: the task is followed, not failed or left waiting.
TEST(UpstreamDriverTest, ACallbackDuringTheSubmissionMakesItsCutHarmless) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  std::string id = h.Create(kAlice, Request())->task_id();
  std::string secret = h.store().Get(id)->callback_secret();
  ASSERT_THAT(h.Callback(id, secret, Answer("running")), IsOk());
  h.submits[0].done(absl::DeadlineExceededError("timed out"));
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_RUNNING);
  h.Advance(CoreHarness::DefaultDriverOptions().callback_fallback_poll);
  ASSERT_THAT(h.retrieves, SizeIs(1));
  EXPECT_EQ(h.retrieves[0].upstream_task_id, "up-1");
  EXPECT_THAT(h.submits, SizeIs(1));
}

TEST(UpstreamDriverTest, CallbackModeTaskWhoseCallbackNeverComesIsUnknownAtItsExpiry) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_execution_expires_after_seconds(3600);
  std::string id = h.Create(kAlice, r)->task_id();
  h.submits[0].done(absl::UnavailableError("connection reset by peer"));
  h.Advance(absl::Hours(1));
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_PENDING);
  h.Advance(absl::Minutes(5));
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(ReasonOf(*task), "UPSTREAM_OUTCOME_UNKNOWN");
  EXPECT_EQ(h.driver.tracked_tasks(), 0u);
}

TEST(UpstreamDriverTest, RejectedTokenFailsTheTaskUnauthenticated) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(UpstreamError(401, "invalid_token"));
  h.Run();
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(task->error().code(), static_cast<int>(absl::StatusCode::kUnauthenticated));
}

// ---- callback mode ---------------------------------------------------------------

TEST(UpstreamDriverTest, CallbackModeFollowsCallbacksAndIgnoresStaleOnes) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  std::string id = h.Create(kAlice, Request())->task_id();
  ASSERT_THAT(h.submits, SizeIs(1));
  std::string secret = h.store().Get(id)->callback_secret();
  EXPECT_GE(secret.size(), 32u);
  EXPECT_EQ(h.submits[0].request.callback_url(),
            "http://gateway.test/v1/upstream-callbacks/" + id + "/" + secret);
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_QUEUED);
  EXPECT_EQ(h.Get(kAlice, id)->upstream().task_id(), "up-1");

  EXPECT_THAT(h.Callback(id, "wrong-secret", Answer("running")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(h.Callback("no-such-task", secret, Answer("running")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(h.Callback(id, secret, Answer("running")), IsOk());
  EXPECT_THAT(h.Callback(id, secret, Answer("succeeded", "https://cdn/v.mp4")), IsOk());
  // Duplicates and out-of-order reports are acknowledged and change nothing.
  EXPECT_THAT(h.Callback(id, secret, Answer("succeeded", "https://cdn/v.mp4")), IsOk());
  EXPECT_THAT(h.Callback(id, secret, Answer("running")), IsOk());
  EXPECT_THAT(h.Callback(id, secret, Answer("failed")), IsOk());
  EXPECT_THAT(h.StoredStates(id),
              ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_QUEUED,
                          v1::TASK_STATE_RUNNING, v1::TASK_STATE_SUCCEEDED));
  EXPECT_EQ(h.Get(kAlice, id)->result().video_url(), "https://cdn/v.mp4");
}

// The URL's secret is right but the body is another task's: refused (409
// at the receiver) and nothing changes, before and after the task ended.
TEST(UpstreamDriverTest, CallbackWhoseBodyNamesAnotherTaskIsRefused) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  std::string id = h.Create(kAlice, Request())->task_id();
  std::string secret = h.store().Get(id)->callback_secret();
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  seedance::upstream::v1::VideosResponse other = Answer("succeeded", "https://cdn/other.mp4");
  other.set_task_id("up-2");
  EXPECT_THAT(h.Callback(id, secret, other),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("up-2")));
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_QUEUED);
  ASSERT_THAT(h.Callback(id, secret, Answer("succeeded", "https://cdn/v.mp4")), IsOk());
  seedance::upstream::v1::VideosResponse other_provider = Answer("failed");
  other_provider.mutable_data(0)->set_task_id("cgt-2");
  EXPECT_THAT(h.Callback(id, secret, other_provider),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("cgt-2")));
  EXPECT_THAT(h.Callback(id, secret, other), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(h.Get(kAlice, id)->result().video_url(), "https://cdn/v.mp4");
}

TEST(UpstreamDriverTest, CallbackModePollsAsASafetyNet) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  EXPECT_THAT(h.retrieves, IsEmpty());
  h.Advance(absl::Minutes(2));
  ASSERT_THAT(h.retrieves, SizeIs(1));
  EXPECT_EQ(h.retrieves[0].upstream_task_id, "up-1");
  seedance::upstream::v1::TaskRecord record;
  *record.mutable_response() = Answer("succeeded", "https://cdn/v.mp4");
  h.retrieves[0].done(record);
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_SUCCEEDED);
}

// ---- poll mode -------------------------------------------------------------------

TEST(UpstreamDriverTest, PollModeSubmitsAsyncAndPollsWithBackoff) {
  upstream::UpstreamDriverOptions o = CoreHarness::DefaultDriverOptions();
  o.poll_initial = absl::Seconds(2);
  o.poll_max = absl::Seconds(8);
  CoreHarness h(Mode(DELIVERY_MODE_POLL), o);
  std::string id = h.Create(kAlice, Request())->task_id();
  EXPECT_TRUE(h.submits[0].request.async());
  EXPECT_EQ(h.submits[0].request.callback_url(), "");
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  // Nothing changes: the delay doubles up to the cap (2, 4, 8, 8).
  std::vector<absl::Duration> gaps;
  absl::Time last = h.clock.Now();
  seedance::upstream::v1::TaskRecord queued;
  *queued.mutable_response() = Answer("queued");
  for (int i = 0; i < 4; ++i) {
    h.scheduler.RunNext();
    h.Run();
    ASSERT_THAT(h.retrieves, SizeIs(i + 1));
    gaps.push_back(h.clock.Now() - last);
    last = h.clock.Now();
    h.retrieves[i].done(queued);
    h.Run();
  }
  EXPECT_THAT(gaps, ElementsAre(absl::Seconds(2), absl::Seconds(4), absl::Seconds(8),
                                absl::Seconds(8)));
  h.scheduler.RunNext();
  h.Run();
  seedance::upstream::v1::TaskRecord done;
  *done.mutable_response() = Answer("succeeded", "https://cdn/v.mp4");
  h.retrieves.back().done(done);
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(h.scheduler.pending(), 0u);
}

TEST(UpstreamDriverTest, PollFailuresAreRetriedThenFailTheTask) {
  upstream::UpstreamDriverOptions o = CoreHarness::DefaultDriverOptions();
  o.max_poll_failures = 2;
  CoreHarness h(Mode(DELIVERY_MODE_POLL), o);
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  for (int i = 0; i < 3; ++i) {
    h.scheduler.RunNext();
    h.Run();
    ASSERT_THAT(h.retrieves, SizeIs(i + 1));
    h.retrieves[i].done(absl::UnavailableError("upstream down"));
    h.Run();
  }
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_FAILED);
}

// ---- expiry ----------------------------------------------------------------------

TEST(UpstreamDriverTest, TaskExpiresWhenTheUpstreamNeverAnswers) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_execution_expires_after_seconds(3600);
  std::string id = h.Create(kAlice, r)->task_id();
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  h.Advance(absl::Hours(1));
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_QUEUED);
  h.Advance(absl::Minutes(5));  // the grace for the upstream to report first
  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_EXPIRED);
  EXPECT_EQ(task->error().code(), static_cast<int>(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(h.driver.tracked_tasks(), 0u);
}

// A task in flight is tracked while it runs and forgotten at shutdown; late
// answers to its cancelled call then change nothing.
TEST(UpstreamDriverTest, ShutdownForgetsEveryTaskAndIgnoresLateAnswers) {
  CoreHarness h(Mode(DELIVERY_MODE_POLL));
  std::string id = h.Create(kAlice, Request())->task_id();
  EXPECT_EQ(h.driver.tracked_tasks(), 1u);
  h.driver.Shutdown();
  EXPECT_EQ(h.driver.tracked_tasks(), 0u);
  EXPECT_THAT(h.cancelled_calls, SizeIs(1));
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  EXPECT_EQ(h.driver.tracked_tasks(), 0u);
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_PENDING);
}

// ---- restart ---------------------------------------------------------------------

TEST(UpstreamDriverTest, RecoveryResumesWhatIsSafeAndReportsWhatIsUnknown) {
  store::InMemoryTaskStore store;
  std::string accepted_id, in_flight_id, done_id;
  const TraceContext trace = StartTrace();
  {
    CoreHarness before(Mode(DELIVERY_MODE_POLL), CoreHarness::DefaultDriverOptions(), &store);
    accepted_id = before.Create(kAlice, Request(), trace)->task_id();
    before.submits[0].done(Accepted("up-accepted"));
    before.Run();
    in_flight_id = before.Create(kAlice, Request())->task_id();  // no answer yet
    done_id = before.Create(kAlice, Request())->task_id();
    before.submits[2].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
    before.Run();
  }  // the process "dies": no shutdown, nothing flushed beyond the store

  CoreHarness after(Mode(DELIVERY_MODE_POLL), CoreHarness::DefaultDriverOptions(), &store);
  EXPECT_THAT(after.Recover(), seedance::testing::IsOkAndHolds(2));
  // The accepted task is polled at once, with the caller's unsealed token,
  // in the trace it was created in.
  ASSERT_THAT(after.retrieves, SizeIs(1));
  EXPECT_EQ(after.retrieves[0].upstream_task_id, "up-accepted");
  EXPECT_EQ(after.retrieves[0].token, kAlice.upstream_token);
  EXPECT_EQ(after.retrieves[0].traceparent, trace.Traceparent());
  // The one that was in flight is not resubmitted: its outcome is unknown.
  EXPECT_THAT(after.submits, IsEmpty());
  absl::StatusOr<v1::VideoTask> unknown = after.Get(kAlice, in_flight_id);
  EXPECT_EQ(unknown->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(upstream_api::FromRpcStatus(unknown->error()))
                ->reason(),
            "UPSTREAM_OUTCOME_UNKNOWN");
  seedance::upstream::v1::TaskRecord record;
  *record.mutable_response() = Answer("succeeded", "https://cdn/w.mp4");
  record.mutable_response()->set_task_id("up-accepted");
  after.retrieves[0].done(record);
  after.Run();
  EXPECT_EQ(after.Get(kAlice, accepted_id)->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(after.Get(kAlice, done_id)->state(), v1::TASK_STATE_SUCCEEDED);
  // Sequence numbers continue where they were.
  EXPECT_THAT(after.StoredStates(accepted_id),
              ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_QUEUED,
                          v1::TASK_STATE_SUCCEEDED));
}

// After a crash between sending and learning the upstream's id, a callback
// mode task waits for its callback instead of failing at once.
TEST(UpstreamDriverTest, RecoveryLetsACallbackModeTaskOfUnknownOutcomeWaitForItsCallback) {
  store::InMemoryTaskStore store;
  std::string id, secret;
  {
    CoreHarness before(Mode(DELIVERY_MODE_CALLBACK), CoreHarness::DefaultDriverOptions(),
                       &store);
    id = before.Create(kAlice, Request())->task_id();  // sent; no answer yet
    secret = before.store().Get(id)->callback_secret();
  }
  CoreHarness after(Mode(DELIVERY_MODE_CALLBACK), CoreHarness::DefaultDriverOptions(), &store);
  ASSERT_THAT(after.Recover(), seedance::testing::IsOkAndHolds(1));
  EXPECT_THAT(after.submits, IsEmpty());
  EXPECT_EQ(after.Get(kAlice, id)->state(), v1::TASK_STATE_PENDING);
  ASSERT_THAT(after.Callback(id, secret, Answer("succeeded", "https://cdn/v.mp4")), IsOk());
  EXPECT_EQ(after.Get(kAlice, id)->state(), v1::TASK_STATE_SUCCEEDED);
}

TEST(UpstreamDriverTest, RecoveryResubmitsTasksNeverSent) {
  store::InMemoryTaskStore store;
  std::string id;
  {
    CoreHarness before(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(),
                       &store);
    id = before.Create(kAlice, Request())->task_id();
    EXPECT_TRUE(before.store().Get(id)->submitted());  // durably marked before the call
    // Refused with 429: not processed upstream, so resending is safe; the
    // process then dies while waiting for the retry.
    before.submits[0].done(UpstreamError(429, "too_many_requests", "60"));
    before.Run();
    EXPECT_FALSE(before.store().Get(id)->submitted());
  }
  CoreHarness after(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(), &store);
  ASSERT_THAT(after.Recover(), seedance::testing::IsOkAndHolds(1));
  ASSERT_THAT(after.submits, SizeIs(1));
  EXPECT_EQ(after.submits[0].token, kAlice.upstream_token);
  EXPECT_TRUE(after.store().Get(id)->submitted());
}

// The body sent is derived from the stored spec; a record of an earlier
// version that kept the body itself is sent with that body.
TEST(UpstreamDriverTest, SendsTheBodyOfTheSpecOrTheOneAnOldRecordKept) {
  store::InMemoryTaskStore store;
  std::string id;
  {
    CoreHarness before(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(),
                       &store);
    id = before.Create(kAlice, Request())->task_id();
    ASSERT_THAT(before.submits, SizeIs(1));
    EXPECT_FALSE(before.store().Get(id)->has_upstream_request());
    EXPECT_EQ(before.submits[0].request.SerializeAsString(),
              model::ToUpstreamRequest(before.store().Get(id)->task().spec()).SerializeAsString());
    before.submits[0].done(UpstreamError(429, "too_many_requests", "60"));
    before.Run();
  }
  // As an earlier version stored it: the body beside the spec.
  StoredTask old = *store.Get(id);
  seedance::upstream::v1::VideosRequest kept = model::ToUpstreamRequest(old.task().spec());
  kept.set_seed(7);
  *old.mutable_upstream_request() = kept;
  uint64_t revision = old.revision();
  old.set_revision(revision + 1);
  ASSERT_THAT(store.Commit({{old, revision, std::nullopt}}), IsOk());
  CoreHarness after(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(), &store);
  ASSERT_THAT(after.Recover(), seedance::testing::IsOkAndHolds(1));
  ASSERT_THAT(after.submits, SizeIs(1));
  EXPECT_EQ(after.submits[0].request.seed(), 7);
}

}  // namespace
}  // namespace seedance::server::upstream
