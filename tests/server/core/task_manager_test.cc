#include "server/core/task_manager.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/random_id.h"
#include "base/trace_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/curl/http_transport.h"
#include "server/upstream/upstream_errors.h"
#include "tests/server/admission/fake_host_resolver.h"
#include "tests/server/core/core_harness.h"
#include "tests/server/store/mock_task_store.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;
using gateway::v1::DELIVERY_MODE_CALLBACK;
using gateway::v1::DELIVERY_MODE_HOLD;
using gateway::v1::DELIVERY_MODE_POLL;

// ---- creation ---------------------------------------------------------------

TEST(TaskManagerTest, InvalidSpecIsRejectedBeforeAnythingIsStoredOrSent) {
  CoreHarness h;
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_duration_seconds(13);
  r.mutable_spec()->add_images()->set_url("ftp://x/y.png");
  absl::StatusOr<v1::VideoTask> task = h.Create(kAlice, r);
  EXPECT_THAT(task, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(task.status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.images[0].url"),
                          Field(&upstream_api::FieldViolation::field, "spec.duration_seconds")));
  EXPECT_THAT(h.submits, IsEmpty());
  EXPECT_THAT(*h.store().ListUnfinished(), IsEmpty());
}

TEST(TaskManagerTest, ValidateOnlyCreatesNothing) {
  CoreHarness h;
  v1::CreateVideoTaskRequest r = Request();
  r.set_validate_only(true);
  r.mutable_spec()->set_generate_audio(true);
  absl::StatusOr<v1::VideoTask> task = h.Create(kAlice, r);
  ASSERT_THAT(task, IsOk());
  EXPECT_EQ(task->task_id(), "");
  EXPECT_THAT(task->notes(), ElementsAre(HasSubstr("generate_audio is ignored")));
  EXPECT_THAT(h.submits, IsEmpty());
  EXPECT_THAT(*h.store().ListUnfinished(), IsEmpty());
}

TEST(TaskManagerTest, CreateReturnsStoredPendingTaskThenSubmits) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  absl::StatusOr<v1::VideoTask> task =
      h.Create(kAlice, Request(), *ParseTraceparent(traceparent));
  ASSERT_THAT(task, IsOk());
  EXPECT_EQ(task->trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(task->state(), v1::TASK_STATE_PENDING);
  EXPECT_EQ(task->sequence(), 1u);
  EXPECT_FALSE(task->task_id().empty());
  absl::StatusOr<StoredTask> stored = h.store().Get(task->task_id());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->owner(), kAlice.owner);
  EXPECT_TRUE(stored->submitted());  // durably marked before the call went out
  EXPECT_NE(stored->sealed_credential(), kAlice.upstream_token);
  EXPECT_EQ(*h.keyring.Open(stored->sealed_credential()), kAlice.upstream_token);
  ASSERT_THAT(h.submits, SizeIs(1));
  EXPECT_EQ(h.submits[0].token, kAlice.upstream_token);
  EXPECT_EQ(h.submits[0].traceparent, traceparent);
  EXPECT_EQ(h.submits[0].request.model(), kModel);
  EXPECT_EQ(h.submits[0].request.resolution(), "720p");
  EXPECT_EQ(h.submits[0].request.content(0).text(), "A kitten yawning at the camera. --dur 5");
  EXPECT_FALSE(h.submits[0].request.has_async());
  EXPECT_EQ(h.submits[0].request.callback_url(), "");
}

// ---- callback mode -------------------------------------------------------------

TEST(TaskManagerTest, CallbackForEndedTaskIsAcknowledged) {
  CoreHarness h(Mode(DELIVERY_MODE_CALLBACK));
  std::string id = h.Create(kAlice, Request())->task_id();
  std::string secret = h.store().Get(id)->callback_secret();
  h.submits[0].done(Accepted("up-1"));
  h.Run();
  ASSERT_THAT(h.Callback(id, secret, Answer("succeeded", "https://cdn/v.mp4")), IsOk());
  EXPECT_THAT(h.Callback(id, secret, Answer("succeeded", "https://cdn/v.mp4")), IsOk());
  EXPECT_THAT(h.Callback(id, "wrong", Answer("succeeded", "https://cdn/v.mp4")),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(h.Callback("no-such-task", secret, Answer("succeeded", "https://cdn/v.mp4")),
              StatusIs(absl::StatusCode::kNotFound));
  // Each counted once, as the upstream saw it.
  EXPECT_THAT(h.stats.callbacks,
              ElementsAre(stats::CallbackResult::kApplied, stats::CallbackResult::kDuplicate,
                          stats::CallbackResult::kRefused, stats::CallbackResult::kRefused));
  // Each committed change counted by the state it entered.
  EXPECT_THAT(h.stats.entered, ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_QUEUED,
                                           v1::TASK_STATE_SUCCEEDED));
}

TEST(TaskManagerTest, TheLoopReportsItsCommitsAndHowLongPostedWorkWaited) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  h.manager.Create(kAlice, Request(), StartTrace(), [](absl::StatusOr<v1::VideoTask>) {});
  h.clock.Advance(absl::Milliseconds(7));  // the loop gets to it 7 ms later
  h.Run();
  ASSERT_THAT(h.stats.queue_delays, SizeIs(1));
  EXPECT_EQ(h.stats.queue_delays[0], absl::Milliseconds(7));
  // One batch, the create; the fake clock does not move during it.
  EXPECT_THAT(h.stats.commit_latencies, ElementsAre(absl::ZeroDuration()));
  EXPECT_EQ(h.stats.failed_commits, 0);
}

// ---- idempotency, capacity, ownership ------------------------------------------------

TEST(TaskManagerTest, SameRequestIdReturnsTheSameTask) {
  CoreHarness h;
  absl::StatusOr<v1::VideoTask> first = h.Create(kAlice, Request("req-1"));
  absl::StatusOr<v1::VideoTask> again = h.Create(kAlice, Request("req-1"));
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->task_id(), first->task_id());
  EXPECT_THAT(h.submits, SizeIs(1));  // billed once
  // Another caller's request_id space is separate.
  absl::StatusOr<v1::VideoTask> bobs = h.Create(kBob, Request("req-1"));
  EXPECT_NE(bobs->task_id(), first->task_id());
}

TEST(TaskManagerTest, SameRequestIdInOneBatchReturnsTheSameTask) {
  CoreHarness h;
  std::vector<absl::StatusOr<v1::VideoTask>> results;
  for (int i = 0; i < 3; ++i) {
    h.manager.Create(kAlice, Request("req-1"), StartTrace(),
                     [&results](absl::StatusOr<v1::VideoTask> t) { results.push_back(t); });
  }
  h.Run();
  ASSERT_THAT(results, SizeIs(3));
  for (const auto& r : results) {
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(r->task_id(), results[0]->task_id());
  }
  EXPECT_THAT(h.submits, SizeIs(1));
  // One write: the create, stored already marked submitted (the send needs
  // no write of its own).
  EXPECT_EQ(h.loop.writes_committed(), 1);
}

TEST(TaskManagerTest, SameRequestIdWithAnotherSpecIsRefused) {
  CoreHarness h;
  ASSERT_THAT(h.Create(kAlice, Request("req-1")), IsOk());
  v1::CreateVideoTaskRequest other = Request("req-1");
  other.mutable_spec()->set_prompt("a different video");
  absl::StatusOr<v1::VideoTask> refused = h.Create(kAlice, other);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("req-1")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(refused.status())->reason(),
            "REQUEST_ID_REUSED");
}

TEST(TaskManagerTest, MalformedRequestIdIsInvalid) {
  CoreHarness h;
  EXPECT_THAT(h.Create(kAlice, Request(std::string(129, 'a'))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("request_id")));
  EXPECT_THAT(h.Create(kAlice, Request("has space")),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TaskManagerTest, CapacityLimitRefusesWithRetryInfo) {
  TaskManagerOptions o;
  o.limits.max_tasks_in_flight = 1;
  CoreHarness h(o);
  std::string id = h.Create(kAlice, Request())->task_id();
  absl::StatusOr<v1::VideoTask> refused = h.Create(kAlice, Request());
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(upstream_api::RetryDelayOf(refused.status()), absl::Seconds(5));
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  EXPECT_THAT(h.Create(kAlice, Request()), IsOk());  // room again
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_SUCCEEDED);
}

TEST(TaskManagerTest, CallersSeeOnlyTheirOwnTasks) {
  CoreHarness h;
  std::string id = h.Create(kAlice, Request())->task_id();
  EXPECT_THAT(h.Get(kBob, id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(h.Cancel(kBob, id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(h.Watch(kBob, id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(h.List(kBob, {})->tasks(), IsEmpty());
  EXPECT_THAT(h.List(kAlice, {})->tasks(), SizeIs(1));
  EXPECT_THAT(h.Get(kAlice, "no-such-id"), StatusIs(absl::StatusCode::kNotFound));
}

TEST(TaskManagerTest, ListPagesAndFiltersByState) {
  CoreHarness h;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(h.Create(kAlice, Request())->task_id());
    h.clock.Advance(absl::Seconds(1));
  }
  h.submits[1].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  v1::ListVideoTasksRequest r;
  r.set_page_size(2);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    absl::StatusOr<v1::ListVideoTasksResponse> resp = h.List(kAlice, r);
    ASSERT_THAT(resp, IsOk());
    for (const auto& t : resp->tasks()) seen.push_back(t.task_id());
    if (resp->next_page_token().empty()) break;
    r.set_page_token(resp->next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre(ids[4], ids[3], ids[2], ids[1], ids[0]));
  v1::ListVideoTasksRequest succeeded;
  succeeded.add_states(v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(h.List(kAlice, succeeded)->tasks(),
              ElementsAre(::testing::Property(&v1::VideoTask::task_id, ids[1])));
  v1::ListVideoTasksRequest bad;
  bad.set_page_token("not-a-token");
  EXPECT_THAT(h.List(kAlice, bad),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  bad.set_page_token("");
  bad.set_page_size(-1);
  EXPECT_THAT(h.List(kAlice, bad), StatusIs(absl::StatusCode::kInvalidArgument));
}

// ---- cancel and expiry ---------------------------------------------------------------

TEST(TaskManagerTest, CancelAbortsTheUpstreamCallAndIsFinal) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  absl::StatusOr<v1::VideoTask> cancelled = h.Cancel(kAlice, id);
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->state(), v1::TASK_STATE_CANCELLED);
  EXPECT_EQ(cancelled->error().code(), static_cast<int>(absl::StatusCode::kCancelled));
  EXPECT_THAT(h.cancelled_calls, ElementsAre(h.submits[0].id));
  // The aborted call's late answer changes nothing.
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->state(), v1::TASK_STATE_CANCELLED);
  EXPECT_THAT(h.Cancel(kAlice, id), StatusIs(absl::StatusCode::kFailedPrecondition,
                                             HasSubstr("already ended (CANCELLED)")));
}

// ---- watching ---------------------------------------------------------------------------

class CountingSubscriber : public tasks::TaskEventLog::Subscriber {
 public:
  void OnTaskEvents() override { ++notified; }
  int notified = 0;
};

TEST(TaskManagerTest, WatchersAreNotifiedOfEveryChangeInOrder) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> log = h.Watch(kAlice, id);
  ASSERT_THAT(log, IsOk());
  std::vector<CountingSubscriber> watchers(1000);
  for (auto& w : watchers) (*log)->Subscribe(&w);
  h.Advance(absl::Seconds(3));
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  for (auto& w : watchers) {
    EXPECT_EQ(w.notified, 2);
    (*log)->Unsubscribe(&w);
  }
  std::vector<uint64_t> sequences;
  for (const auto& e : (*log)->EventsAfter(0)) sequences.push_back(e.sequence());
  EXPECT_THAT(sequences, ElementsAre(1, 2, 3));
  EXPECT_TRUE((*log)->terminal());
  EXPECT_EQ((*log)->EventsAfter(1, 1)[0].state(), v1::TASK_STATE_RUNNING);
}

TEST(TaskManagerTest, WatchOfAnEndedTaskReadsItsHistoryFromTheStore) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> log = h.Watch(kAlice, id);
  ASSERT_THAT(log, IsOk());
  EXPECT_TRUE((*log)->terminal());
  EXPECT_EQ((*log)->last_sequence(), 2u);
  EXPECT_EQ((*log)->Latest().task().result().video_url(), "https://cdn/v.mp4");
}

// ---- storage failures ------------------------------------------------------------------------

TEST(TaskManagerTest, TaskThatCannotBeStoredIsRefusedAndNeverSent) {
  ::testing::NiceMock<store::MockTaskStore> store;
  ON_CALL(store, Commit).WillByDefault(::testing::Return(absl::UnavailableError("disk full")));
  CoreHarness h(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(), &store);
  absl::StatusOr<v1::VideoTask> task = h.Create(kAlice, Request("req-disk"));
  EXPECT_THAT(task, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("could not be stored")));
  EXPECT_THAT(h.submits, IsEmpty());
  EXPECT_EQ(h.registry.in_flight(), 0u);
}

TEST(TaskManagerTest, FailedTransitionWriteKeepsTheStoredState) {
  ::testing::NiceMock<store::MockTaskStore> store;
  CoreHarness h(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(), &store);
  std::string id = h.Create(kAlice, Request())->task_id();
  ON_CALL(store, Commit).WillByDefault(::testing::Return(absl::InternalError("constraint")));
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  // Not durable, so not told: the task stays as stored, no watcher saw it.
  absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> log = h.Watch(kAlice, id);
  ASSERT_THAT(log, IsOk());
  EXPECT_EQ((*log)->Latest().state(), v1::TASK_STATE_PENDING);
  EXPECT_EQ(h.registry.Find(id)->record.task().state(), v1::TASK_STATE_PENDING);
}

TEST(TaskManagerTest, ATransitionWaitsForAnUnavailableStoreAndIsToldOnceItIsBack) {
  ::testing::NiceMock<store::MockTaskStore> store;
  CoreHarness h(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(), &store);
  std::string id = h.Create(kAlice, Request())->task_id();
  ON_CALL(store, Commit).WillByDefault(::testing::Return(absl::UnavailableError("restarting")));
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  // Not durable, so not told yet; but not forgotten either.
  absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> log = h.Watch(kAlice, id);
  ASSERT_THAT(log, IsOk());
  EXPECT_EQ((*log)->Latest().state(), v1::TASK_STATE_PENDING);
  EXPECT_GT(h.loop.held_writes(), 0u);
  ON_CALL(store, Commit).WillByDefault(
      [&](absl::Span<const store::TaskStore::Write> w) { return store.real().Commit(w); });
  EXPECT_TRUE(h.loop.RetryHeld());
  h.Run();
  EXPECT_EQ((*log)->Latest().state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(store.real().Get(id)->task().state(), v1::TASK_STATE_SUCCEEDED);
}

// ---- the caller's own callback_url ---------------------------------------------------------

TEST(TaskManagerTest, EndedTaskIsForwardedToTheCallersCallbackUrl) {
  CoreHarness h(Mode(DELIVERY_MODE_HOLD));
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_callback_url("https://me.example/hook");
  const TraceContext trace = StartTrace();
  std::string id = h.Create(kAlice, r, trace)->task_id();
  EXPECT_EQ(h.submits[0].request.callback_url(), "");  // the gateway's job, not the upstream's
  h.submits[0].done(Final(Answer("succeeded", "https://cdn/v.mp4")));
  h.Run();
  ASSERT_EQ(h.webhook_transport.calls.size(), 1u);
  const http::curl::HttpCall& call = h.webhook_transport.calls[0].call;
  EXPECT_EQ(call.url, "https://me.example/hook");
  EXPECT_THAT(call.headers, Contains(Pair("traceparent", trace.Traceparent())));
  EXPECT_THAT(call.body, HasSubstr(R"("type":"video_task.ended")"));
  EXPECT_THAT(call.body, HasSubstr(id));
  EXPECT_THAT(call.body, HasSubstr("https://cdn/v.mp4"));
  // Not settled until the endpoint acknowledges.
  EXPECT_THAT(*h.store().ListUnfinished(), SizeIs(1));
  h.webhook_transport.Answer(1, 200, "");
  h.Run();
  EXPECT_THAT(*h.store().ListUnfinished(), IsEmpty());
  absl::StatusOr<StoredTask> stored = h.store().Get(id);
  EXPECT_TRUE(stored->webhook().finished());
  EXPECT_EQ(stored->webhook().attempts(), 1);
}

TEST(TaskManagerTest, UndeliveredWebhookIsResumedAfterARestart) {
  store::InMemoryTaskStore store;
  std::string id;
  const TraceContext trace = StartTrace();
  {
    CoreHarness before(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(), &store);
    v1::CreateVideoTaskRequest r = Request();
    r.mutable_spec()->set_callback_url("https://me.example/hook");
    id = before.Create(kAlice, r, trace)->task_id();
    before.submits[0].done(Final(Answer("failed")));
    before.Run();
    ASSERT_EQ(before.webhook_transport.calls.size(), 1u);  // never answered: "crash"
  }
  CoreHarness after(Mode(DELIVERY_MODE_HOLD), CoreHarness::DefaultDriverOptions(), &store);
  EXPECT_THAT(after.Recover(), seedance::testing::IsOkAndHolds(0));  // no task to resume
  ASSERT_EQ(after.webhook_transport.calls.size(), 1u);
  EXPECT_THAT(after.webhook_transport.calls[0].call.body, HasSubstr("TASK_STATE_FAILED"));
  // In the trace the task was created in.
  EXPECT_THAT(after.webhook_transport.calls[0].call.headers,
              Contains(Pair("traceparent", trace.Traceparent())));
  after.webhook_transport.Answer(1, 200, "");
  after.Run();
  EXPECT_TRUE(after.store().Get(id)->webhook().finished());
}

// ---- callers' URLs (UrlGuard) ------------------------------------------------------------

// A manager whose URL guard resolves names from `resolver`.
struct GuardedHarness {
  explicit GuardedHarness(admission::UrlGuardOptions guard_options = {}, int max_checks_per_caller = 8)
      : guard(*admission::UrlGuard::Create(std::move(guard_options), resolver)),
        h(Options(*guard, max_checks_per_caller)) {}

  static TaskManagerOptions Options(const admission::UrlGuard& guard, int max_checks_per_caller) {
    TaskManagerOptions o = Mode(DELIVERY_MODE_HOLD);
    o.url_guard = &guard;
    o.limits.max_url_checks_per_caller = max_checks_per_caller;
    return o;
  }

  admission::FakeHostResolver resolver;  // first: the others use it
  std::unique_ptr<admission::UrlGuard> guard;
  CoreHarness h;
};

TEST(TaskManagerTest, PrivateCallbackUrlIsRefusedAndNothingIsCreated) {
  GuardedHarness g;
  v1::CreateVideoTaskRequest r = Request("8d6f2a52-0000-4000-8000-000000000001");
  r.mutable_spec()->set_callback_url("http://169.254.169.254/latest/meta-data/");
  absl::StatusOr<v1::VideoTask> task = g.h.Create(kAlice, r);
  EXPECT_THAT(task, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("link-local")));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(task.status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.callback_url")));
  EXPECT_THAT(g.h.submits, IsEmpty());
  EXPECT_THAT(*g.h.store().ListUnfinished(), IsEmpty());
  EXPECT_THAT(g.h.List(kAlice, {})->tasks(), IsEmpty());
  // The request_id was not used up: the corrected request creates the task.
  r.mutable_spec()->set_callback_url("https://93.184.216.34/hook");
  EXPECT_THAT(g.h.Create(kAlice, r), IsOk());
}

TEST(TaskManagerTest, ImageHostIsResolvedBeforeAnythingIsStored) {
  GuardedHarness g;
  g.resolver.SetAddresses("images.example", {"10.0.0.7"});
  g.resolver.defer = true;
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->add_images()->set_url("https://images.example/cat.png");
  std::optional<absl::StatusOr<v1::VideoTask>> answer;
  g.h.manager.Create(kAlice, r, StartTrace(),
                     [&](absl::StatusOr<v1::VideoTask> t) { answer = std::move(t); });
  g.h.Run();
  EXPECT_FALSE(answer.has_value());  // waiting for DNS, on no thread of ours
  EXPECT_THAT(g.resolver.asked, ElementsAre("images.example"));
  g.resolver.Flush();
  g.h.Run();
  ASSERT_TRUE(answer.has_value());
  EXPECT_THAT(*answer, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("10.0.0.7")));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(answer->status()),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.images[0].url")));
  EXPECT_THAT(g.h.submits, IsEmpty());
  EXPECT_THAT(*g.h.store().ListUnfinished(), IsEmpty());
}

TEST(TaskManagerTest, PublicUrlsAreCreatedAsUsual) {
  GuardedHarness g;
  g.resolver.SetAddresses("images.example", {"93.184.216.34"});
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->add_images()->set_url("https://images.example/cat.png");
  r.mutable_spec()->set_callback_url("https://images.example/hook");
  ASSERT_THAT(g.h.Create(kAlice, r), IsOk());
  EXPECT_THAT(g.h.submits, SizeIs(1));
}

TEST(TaskManagerTest, ValidateOnlyChecksUrlsToo) {
  GuardedHarness g;
  v1::CreateVideoTaskRequest r = Request();
  r.set_validate_only(true);
  r.mutable_spec()->set_callback_url("http://127.0.0.1:9000/hook");
  EXPECT_THAT(g.h.Create(kAlice, r), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(TaskManagerTest, AllowedPrivateHostIsAccepted) {
  GuardedHarness g({.allow_private_hosts = {"127.0.0.1"}});
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_callback_url("http://127.0.0.1:9000/hook");
  EXPECT_THAT(g.h.Create(kAlice, r), IsOk());
}

TEST(TaskManagerTest, TransientDnsFailureIsUnavailableAndCreatesNothing) {
  GuardedHarness g;
  g.resolver.Set("hooks.example", absl::UnavailableError("Temporary failure in name resolution"));
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_callback_url("https://hooks.example/hook");
  EXPECT_THAT(g.h.Create(kAlice, r), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(*g.h.store().ListUnfinished(), IsEmpty());
}

TEST(TaskManagerTest, OneCallerCannotFillTheResolverWithPendingChecks) {
  GuardedHarness g({}, /*max_checks_per_caller=*/2);
  g.resolver.SetAddresses("slow.example", {"93.184.216.34"});
  g.resolver.defer = true;  // the caller's DNS never answers until Flush()
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_callback_url("https://slow.example/hook");
  std::vector<absl::StatusOr<v1::VideoTask>> answers;
  auto create = [&](const callers::Caller& caller) {
    v1::CreateVideoTaskRequest each = r;
    each.set_request_id(NewUuid());
    g.h.manager.Create(caller, each, StartTrace(),
                       [&](absl::StatusOr<v1::VideoTask> t) { answers.push_back(std::move(t)); });
  };
  create(kAlice);
  create(kAlice);
  create(kAlice);  // the third waits for nothing: refused at once
  g.h.Run();        // (creates with a request_id visit the loop first)
  ASSERT_THAT(answers, SizeIs(1));
  EXPECT_THAT(answers[0], StatusIs(absl::StatusCode::kResourceExhausted,
                                   HasSubstr("2 creates waiting")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(answers[0].status())->reason(),
            "CALLER_URL_CHECKS_PENDING");
  EXPECT_EQ(upstream_api::RetryDelayOf(answers[0].status()), absl::Seconds(1));
  create(kBob);  // another caller is not held up
  g.h.Run();
  EXPECT_THAT(g.resolver.asked, SizeIs(3));
  g.resolver.Flush();
  g.h.Run();
  ASSERT_THAT(answers, SizeIs(4));
  for (size_t i = 1; i < answers.size(); ++i) EXPECT_THAT(answers[i], IsOk());
  // Answered checks free their places.
  create(kAlice);
  g.h.Run();
  g.resolver.Flush();
  g.h.Run();
  ASSERT_THAT(answers, SizeIs(5));
  EXPECT_THAT(answers[4], IsOk());
}

TEST(TaskManagerTest, RepeatedCreateIsAnsweredFromItsTaskWhateverDnsSaysNow) {
  GuardedHarness g;
  g.resolver.SetAddresses("hooks.example", {"93.184.216.34"});
  v1::CreateVideoTaskRequest r = Request(NewUuid());
  r.mutable_spec()->set_callback_url("https://hooks.example/hook");
  absl::StatusOr<v1::VideoTask> first = g.h.Create(kAlice, r);
  ASSERT_THAT(first, IsOk());
  // The name stops resolving (or now points inside): the retry of the same
  // request still gets its task, and nothing new is sent.
  g.resolver.Set("hooks.example", absl::UnavailableError("Temporary failure in name resolution"));
  absl::StatusOr<v1::VideoTask> again = g.h.Create(kAlice, r);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->task_id(), first->task_id());
  EXPECT_THAT(g.h.submits, SizeIs(1));
  // The same request_id with another spec is refused as such, not for DNS.
  r.mutable_spec()->set_prompt("another prompt");
  EXPECT_THAT(g.h.Create(kAlice, r), StatusIs(absl::StatusCode::kAlreadyExists));
  // A new request is checked as usual.
  r.set_request_id(NewUuid());
  EXPECT_THAT(g.h.Create(kAlice, r), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace seedance::server::core
