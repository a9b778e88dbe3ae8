// End-to-end: the seedance-gateway binary in front of the seedance-mock-upstream
// binary, both real processes on port 0, driven through the C++ client
// library. Each test runs its own pair, and picks upstream behaviour with
// mock token rules or prompt directives, so tests never share state.
#include <grpcpp/grpcpp.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "clients/cpp/gateway_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/json_value.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/read_file.h"
#include "tests/testing/scripted_http_server.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/stderr_capture.h"
#include "tests/testing/temp_dir.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";

struct TaskRun {
  absl::StatusOr<v1::VideoTask> task = absl::UnknownError("not run");
  std::vector<v1::TaskEvent> events;
  int heartbeats = 0;

  std::vector<v1::TaskState> States() const {
    std::vector<v1::TaskState> out;
    for (const auto& e : events) out.push_back(e.state());
    return out;
  }
};

class GatewayE2eTest : public ::testing::Test {
 protected:
  // Starts the mock, then the gateway in front of it.
  void StartStack(const std::string& delivery, std::vector<std::string> mock_flags = {},
                  std::vector<std::string> gateway_flags = {}) {
    std::vector<std::string> mflags = {"--generation_ms=150", "--queue_ms=30",
                                       "--callback_retry_ms=50", "--log_level=warning"};
    mflags.insert(mflags.end(), mock_flags.begin(), mock_flags.end());
    auto mock = testing::MockUpstreamProcess::Start(mflags);
    ASSERT_THAT(mock, IsOk());
    mock_ = *std::move(mock);
    std::vector<std::string> gflags = {
        "--upstream_base_url=" + mock_->base_url(), "--delivery=" + delivery,
        "--poll_initial=100ms", "--poll_max=200ms", "--callback_fallback_poll=1s",
        "--log_level=warning"};
    gflags.insert(gflags.end(), gateway_flags.begin(), gateway_flags.end());
    auto gateway = testing::GatewayProcess::Start(gflags, dir_.path() + "/data");
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
  }

  client::GatewayClient Client(const std::string& token) {
    client::GatewayClientOptions options;
    options.reconnect_delay = absl::Milliseconds(100);
    return client::GatewayClient(
        grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()), token,
        options);
  }

  static v1::CreateVideoTaskRequest Request(const std::string& prompt = "A kitten yawning") {
    v1::CreateVideoTaskRequest r;
    r.mutable_spec()->set_model(kModel);
    r.mutable_spec()->set_prompt(prompt);
    return r;
  }

  // Creates a task and watches it to its end.
  TaskRun CreateAndWatch(const std::string& token, const v1::CreateVideoTaskRequest& request) {
    TaskRun run;
    client::GatewayClient client = Client(token);
    run.task = client.CreateAndWatch(request, [&run](const v1::WatchVideoTaskResponse& m) {
      if (m.has_status()) run.events.push_back(m.status());
      if (m.has_heartbeat()) ++run.heartbeats;
    });
    return run;
  }

  // How many POST /v1/seedance/videos the mock received.
  int VideosRequests() {
    return mock_->JournalCount({{"kind", "request"}, {"path", "/v1/seedance/videos"}})
        .value_or(-1);
  }

  static absl::Status ErrorOf(const v1::VideoTask& task) {
    return upstream_api::FromRpcStatus(task.error());
  }

  static std::string ReasonOf(const absl::Status& status) {
    auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(status);
    return info.has_value() ? info->reason() : "";
  }

  // Sequence numbers of the events, checked to rise by one.
  static void ExpectGapless(const TaskRun& run) {
    for (size_t i = 1; i < run.events.size(); ++i) {
      EXPECT_EQ(run.events[i].sequence(), run.events[i - 1].sequence() + 1);
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
  std::unique_ptr<testing::GatewayProcess> gateway_;
};

// ---- the three delivery modes ---------------------------------------------------

class DeliveryModeTest : public GatewayE2eTest,
                         public ::testing::WithParamInterface<std::string> {};

TEST_P(DeliveryModeTest, VideoGoesFromPendingToSucceeded) {
  StartStack(GetParam());
  TaskRun run = CreateAndWatch("token-modes", Request());
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(run.task->result().video_url(), StartsWith(mock_->base_url()));
  EXPECT_THAT(run.task->result().video_url(), HasSubstr(".mp4"));
  EXPECT_FALSE(run.task->upstream().task_id().empty());
  ASSERT_FALSE(run.events.empty());
  EXPECT_EQ(run.events.front().state(), v1::TASK_STATE_PENDING);
  EXPECT_EQ(run.events.front().sequence(), 1u);
  EXPECT_EQ(run.events.back().state(), v1::TASK_STATE_SUCCEEDED);
  ExpectGapless(run);
  EXPECT_EQ(VideosRequests(), 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, DeliveryModeTest,
                         ::testing::Values("hold", "poll", "callback"),
                         [](const auto& info) { return info.param; });

// ---- the documented error codes ----------------------------------------------------

struct ErrorCase {
  std::string scenario;
  absl::StatusCode code;
  std::string reason;
};

class UpstreamErrorTest : public GatewayE2eTest,
                          public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(UpstreamErrorTest, TaskFailsWithTheMappedCodeAndUpstreamDetails) {
  StartStack("callback", {}, {"--max_submit_attempts=2"});
  const ErrorCase& c = GetParam();
  ASSERT_THAT(mock_->AddTokenRule("token-" + c.scenario, c.scenario), IsOk());
  TaskRun run = CreateAndWatch("token-" + c.scenario, Request());
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_FAILED);
  absl::Status error = ErrorOf(*run.task);
  EXPECT_EQ(error.code(), c.code) << error;
  EXPECT_EQ(ReasonOf(error), c.reason);
  auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(error);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->metadata().at("upstream_code"), c.scenario);
  EXPECT_FALSE(info->metadata().at("trace_id").empty());
  EXPECT_THAT(run.States(), ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_FAILED));
}

INSTANTIATE_TEST_SUITE_P(
    DocumentedErrors, UpstreamErrorTest,
    ::testing::Values(
        ErrorCase{"token_mismatched", absl::StatusCode::kPermissionDenied, "TOKEN_MISMATCHED"},
        ErrorCase{"api_not_implemented", absl::StatusCode::kInvalidArgument,
                  "API_NOT_IMPLEMENTED"},
        ErrorCase{"invalid_token", absl::StatusCode::kUnauthenticated, "INVALID_TOKEN"},
        ErrorCase{"too_many_requests", absl::StatusCode::kResourceExhausted,
                  "TOO_MANY_REQUESTS"},
        ErrorCase{"api_error", absl::StatusCode::kInternal, "API_ERROR"}),
    [](const auto& info) { return info.param.scenario; });

TEST_F(GatewayE2eTest, RateLimitIsRetriedAfterRetryAfterWithoutDoubleBilling) {
  StartStack("hold");
  ASSERT_THAT(mock_->AddTokenRule("token-429", "too_many_requests,retry_after_s=1", 2),
              IsOk());
  TaskRun run = CreateAndWatch("token-429", Request());
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(VideosRequests(), 3);  // two refusals, one accepted task
}

TEST_F(GatewayE2eTest, RateLimitLeftOverCarriesTheRetryDelay) {
  StartStack("hold", {}, {"--max_submit_attempts=1"});
  ASSERT_THAT(mock_->AddTokenRule("token-429", "too_many_requests,retry_after_s=7"), IsOk());
  TaskRun run = CreateAndWatch("token-429", Request());
  ASSERT_THAT(run.task, IsOk());
  absl::Status error = ErrorOf(*run.task);
  EXPECT_THAT(error, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(upstream_api::RetryDelayOf(error), absl::Seconds(7));
}

// ---- generation outcomes and faults --------------------------------------------------

// Every delivery mode reads a failed or expired generation the same way,
// whatever HTTP status carried it (the blocking answer's is a 500), and
// keeps the upstream's ids.
class OutcomeTest : public GatewayE2eTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void ExpectUpstreamRef(const v1::VideoTask& task) {
    EXPECT_FALSE(task.upstream().task_id().empty()) << task.ShortDebugString();
    EXPECT_FALSE(task.upstream().provider_task_id().empty()) << task.ShortDebugString();
    EXPECT_FALSE(task.upstream().trace_id().empty()) << task.ShortDebugString();
  }
};

TEST_P(OutcomeTest, GenerationFailureIsAbortedWithTheUpstreamsReason) {
  StartStack(GetParam());
  TaskRun run = CreateAndWatch("token-fail", Request("A kitten [mock:fail]"));
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(ErrorOf(*run.task).code(), absl::StatusCode::kAborted) << ErrorOf(*run.task);
  EXPECT_EQ(ReasonOf(ErrorOf(*run.task)), "GENERATION_FAILED");
  ExpectUpstreamRef(*run.task);
  EXPECT_EQ(VideosRequests(), 1);
}

TEST_P(OutcomeTest, UpstreamExpiryEndsTheTaskExpired) {
  StartStack(GetParam());
  TaskRun run = CreateAndWatch("token-expire", Request("A kitten [mock:expire]"));
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_EXPIRED);
  EXPECT_EQ(ErrorOf(*run.task).code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(ReasonOf(ErrorOf(*run.task)), "TASK_EXPIRED");
  ExpectUpstreamRef(*run.task);
}

INSTANTIATE_TEST_SUITE_P(Modes, OutcomeTest, ::testing::Values("hold", "poll", "callback"),
                         [](const auto& info) { return info.param; });

// {"success": true, "task_id"} without data is an acceptance: the task is
// followed (polled, or called back) to its end, not left PENDING.
class AcceptanceEnvelopeTest : public GatewayE2eTest,
                               public ::testing::WithParamInterface<std::string> {};

TEST_P(AcceptanceEnvelopeTest, IsFollowedToTheEnd) {
  StartStack(GetParam());
  TaskRun run = CreateAndWatch("token-envelope", Request("A kitten [mock:accept_envelope]"));
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(run.States(), ::testing::Contains(v1::TASK_STATE_QUEUED));
  EXPECT_EQ(VideosRequests(), 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, AcceptanceEnvelopeTest, ::testing::Values("poll", "callback"),
                         [](const auto& info) { return info.param; });

// A held call may last as long as the task: a flex task that generates
// for longer than the accept grace is not cut, and a call cut by the
// operator's cap is reported as an unknown outcome, never resubmitted.
TEST_F(GatewayE2eTest, HeldFlexTaskRunsToItsEndAndACapCutIsAnUnknownOutcome) {
  // The cap is past the 3 s accept grace, after which a held call is RUNNING.
  StartStack("hold", {}, {"--hold_timeout=4s"});
  v1::CreateVideoTaskRequest flex = Request("A kitten [mock:generation_ms=3500]");
  flex.mutable_spec()->set_service_tier(v1::SERVICE_TIER_FLEX);
  flex.mutable_spec()->set_execution_expires_after_seconds(259200);
  TaskRun done = CreateAndWatch("token-flex", flex);
  ASSERT_THAT(done.task, IsOk());
  EXPECT_EQ(done.task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(done.States(), ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_RUNNING,
                                         v1::TASK_STATE_SUCCEEDED));

  v1::CreateVideoTaskRequest longer = Request("A kitten [mock:generation_ms=60000]");
  longer.mutable_spec()->set_service_tier(v1::SERVICE_TIER_FLEX);
  TaskRun cut = CreateAndWatch("token-flex", longer);
  ASSERT_THAT(cut.task, IsOk());
  EXPECT_EQ(cut.task->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(ErrorOf(*cut.task).code(), absl::StatusCode::kDeadlineExceeded) << ErrorOf(*cut.task);
  EXPECT_EQ(ReasonOf(ErrorOf(*cut.task)), "UPSTREAM_OUTCOME_UNKNOWN");
  EXPECT_THAT(cut.States(), ElementsAre(v1::TASK_STATE_PENDING, v1::TASK_STATE_RUNNING,
                                        v1::TASK_STATE_FAILED));
  EXPECT_EQ(VideosRequests(), 2);
}

struct FaultCase {
  std::string scenario;
  v1::TaskState state;
  absl::StatusCode code;
  std::string reason = "";
};

class UpstreamFaultTest : public GatewayE2eTest,
                          public ::testing::WithParamInterface<FaultCase> {};

// A broken answer to the blocking call: the task may exist upstream, so the
// gateway fails it with a clear error and does not resubmit (no double bill).
TEST_P(UpstreamFaultTest, HeldCallFaultsFailTheTaskWithoutResubmitting) {
  StartStack("hold", {"--drip_interval_ms=5"});
  const FaultCase& c = GetParam();
  TaskRun run = CreateAndWatch("token-fault", Request("A kitten [mock:" + c.scenario + "]"));
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), c.state);
  if (c.state == v1::TASK_STATE_FAILED) {
    EXPECT_EQ(ErrorOf(*run.task).code(), c.code) << ErrorOf(*run.task);
    // No answer at all (the transport's failure) leaves the outcome unknown;
    // an unusable answer is the upstream's.
    EXPECT_EQ(ReasonOf(ErrorOf(*run.task)), c.reason);
  }
  EXPECT_EQ(VideosRequests(), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, UpstreamFaultTest,
    ::testing::Values(
        FaultCase{"reset", v1::TASK_STATE_FAILED, absl::StatusCode::kUnavailable,
                  "UPSTREAM_OUTCOME_UNKNOWN"},
        FaultCase{"empty_reply", v1::TASK_STATE_FAILED, absl::StatusCode::kUnavailable,
                  "UPSTREAM_OUTCOME_UNKNOWN"},
        FaultCase{"truncated", v1::TASK_STATE_FAILED, absl::StatusCode::kUnavailable,
                  "UPSTREAM_OUTCOME_UNKNOWN"},
        FaultCase{"malformed_json", v1::TASK_STATE_FAILED, absl::StatusCode::kInternal,
                  "UPSTREAM_MALFORMED_RESPONSE"},
        FaultCase{"html_502", v1::TASK_STATE_FAILED, absl::StatusCode::kInternal,
                  "UPSTREAM_HTTP_502"},
        FaultCase{"slow_drip", v1::TASK_STATE_SUCCEEDED, absl::StatusCode::kOk}),
    [](const auto& info) { return info.param.scenario; });

// ---- the callback path ----------------------------------------------------------------

class CallbackScenarioTest : public GatewayE2eTest,
                             public ::testing::WithParamInterface<std::string> {};

TEST_P(CallbackScenarioTest, EveryChangeIsSeenOnceInOrder) {
  StartStack("callback");
  TaskRun run = CreateAndWatch("token-cb", Request("A kitten [mock:" + GetParam() + "]"));
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(run.events.back().state(), v1::TASK_STATE_SUCCEEDED);
  ExpectGapless(run);
  // Exactly one terminal event, whatever the upstream sent.
  int terminal = 0;
  for (const auto& e : run.events) terminal += e.state() == v1::TASK_STATE_SUCCEEDED;
  EXPECT_EQ(terminal, 1);
}

INSTANTIATE_TEST_SUITE_P(Callbacks, CallbackScenarioTest,
                         ::testing::Values("callback_every_status", "callback_duplicate",
                                           "callback_out_of_order", "callback_drop",
                                           "callback_retry", "callback_delayed"),
                         [](const auto& info) { return info.param; });

TEST_F(GatewayE2eTest, CallbacksAreAcknowledgedOnlyWithTheRightSecret) {
  StartStack("callback", {"--generation_ms=5000"});
  client::GatewayClient client = Client("token-cb");
  absl::StatusOr<v1::VideoTask> task = client.Create(Request());
  ASSERT_THAT(task, IsOk());
  // While the task is still running, a forged callback (a guessed secret)
  // reporting a failure is refused and changes nothing; had it been taken,
  // the task would be FAILED by the time the answer came.
  testing::HttpResult forged = testing::PerformHttp(
      {.method = "POST",
       .url = absl::StrCat("http://127.0.0.1:", gateway_->callback_port(),
                           "/v1/upstream-callbacks/", task->task_id(), "/guess"),
       .headers = {"Content-Type: application/json"},
       .body = R"({"success": false, "data": {"status": "failed"}})"});
  EXPECT_EQ(forged.status, 403);
  absl::StatusOr<v1::VideoTask> during = client.Get(task->task_id());
  ASSERT_THAT(during, IsOk());
  EXPECT_THAT(during->state(), ::testing::AnyOf(v1::TASK_STATE_PENDING, v1::TASK_STATE_QUEUED,
                                                v1::TASK_STATE_RUNNING));
  // The upstream's own callbacks, with the task's secret, are taken.
  absl::StatusOr<v1::VideoTask> after =
      client.WatchToEnd(task->task_id(), std::nullopt, [](const auto&) {});
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_THAT(mock_->WaitForCallbackDelivered(after->upstream().task_id(), absl::Seconds(10)),
              IsOk());
}

// ---- validation, idempotency, isolation ------------------------------------------------

TEST_F(GatewayE2eTest, InvalidRequestsNeverReachTheUpstream) {
  StartStack("hold");
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_duration_seconds(30);
  r.mutable_spec()->add_images()->set_url("https://example.com/a.png");
  r.mutable_spec()->set_model("doubao-seedance-1-0-lite-t2v-250428");
  absl::StatusOr<v1::VideoTask> task = Client("token-bad").Create(r);
  EXPECT_THAT(task, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(task.status().message(), HasSubstr("spec.duration_seconds"));
  EXPECT_EQ(VideosRequests(), 0);
}

// Callers' URLs must lead to public hosts (server/admission/url_guard.h) unless the
// operator allows a host with --allow_private_url_hosts.
struct PrivateUrlCase {
  const char* name;
  const char* image_url;     // "" for none
  const char* callback_url;  // "" for none
  const char* field;
};

class PrivateUrlTest : public GatewayE2eTest,
                       public ::testing::WithParamInterface<PrivateUrlCase> {};

TEST_P(PrivateUrlTest, IsRefusedBeforeAnythingIsCreated) {
  StartStack("hold");
  const PrivateUrlCase& c = GetParam();
  v1::CreateVideoTaskRequest r = Request();
  if (*c.image_url != '\0') r.mutable_spec()->add_images()->set_url(c.image_url);
  r.mutable_spec()->set_callback_url(c.callback_url);
  client::GatewayClient client = Client("token-ssrf");
  absl::StatusOr<v1::VideoTask> task = client.Create(r);
  EXPECT_THAT(task, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("only public hosts")));
  std::vector<upstream_api::FieldViolation> violations = upstream_api::ViolationsFromStatus(task.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, c.field);
  EXPECT_EQ(violations[0].reason, upstream_api::kReasonNotAllowed);
  EXPECT_EQ(VideosRequests(), 0);
  absl::StatusOr<v1::ListVideoTasksResponse> tasks = client.List({});
  ASSERT_THAT(tasks, IsOk());
  EXPECT_EQ(tasks->tasks_size(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Urls, PrivateUrlTest,
    ::testing::Values(
        PrivateUrlCase{"CloudMetadataCallback", "", "http://169.254.169.254/x",
                       "spec.callback_url"},
        PrivateUrlCase{"LoopbackImage", "http://127.0.0.1:9/a.png", "", "spec.images[0].url"},
        PrivateUrlCase{"MappedPrivateImage", "http://[::ffff:10.0.0.1]/a.png", "",
                       "spec.images[0].url"},
        PrivateUrlCase{"LocalhostCallback", "", "http://localhost:9/hook",
                       "spec.callback_url"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(GatewayE2eTest, AllowedPrivateHostMayServeTheImage) {
  StartStack("hold", {}, {"--allow_private_url_hosts=127.0.0.1,localhost"});
  v1::CreateVideoTaskRequest r = Request();
  // The mock serves its own PNGs; the gateway only checks the URL.
  r.mutable_spec()->add_images()->set_url(mock_->base_url() + "/seedance/first.png");
  TaskRun run = CreateAndWatch("token-allowed", r);
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(VideosRequests(), 1);
}

TEST_F(GatewayE2eTest, AllowedLoopbackReceiverGetsTheSignedWebhook) {
  testing::ScriptedHttpServer receiver;  // http://127.0.0.1:<port>
  receiver.On("/hook", testing::Script::Reply({.status = 204}));
  StartStack("hold", {}, {"--allow_private_url_hosts=127.0.0.1"});
  v1::CreateVideoTaskRequest r = Request();
  r.mutable_spec()->set_callback_url(receiver.Url("/hook"));
  TaskRun run = CreateAndWatch("token-webhook", r);
  ASSERT_THAT(run.task, IsOk());
  // The connect-time check lets the allowed address through.
  ASSERT_TRUE(receiver.WaitForRequests("/hook", 1));
  std::vector<testing::RecordedRequest> requests = receiver.Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_NE(requests[0].FindHeader("webhook-signature"), nullptr);
  EXPECT_THAT(requests[0].body, HasSubstr(run.task->task_id()));
}

// Standard Webhooks, checked independently of the gateway's signer:
// "v1," + base64(HMAC-SHA256(base64-decoded whsec_ key, id "." timestamp "." body)).
bool SignatureVerifies(const std::string& secret, const testing::RecordedRequest& request) {
  const std::string* id = request.FindHeader("webhook-id");
  const std::string* timestamp = request.FindHeader("webhook-timestamp");
  const std::string* signature = request.FindHeader("webhook-signature");
  absl::string_view encoded = secret;
  std::string key;
  if (id == nullptr || timestamp == nullptr || signature == nullptr ||
      !absl::ConsumePrefix(&encoded, "whsec_") || !absl::Base64Unescape(encoded, &key)) {
    return false;
  }
  std::string signed_content = absl::StrCat(*id, ".", *timestamp, ".", request.body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), mac,
       &mac_size);
  std::string expected = absl::StrCat(
      "v1,", absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(mac), mac_size)));
  return *signature == expected;
}

// The caller chooses the body its callback_url gets: the gateway's task
// event, or the provider's own callback body, byte for byte what the
// upstream sent, so that a receiver written for the provider works
// unchanged. Both are signed.
TEST_F(GatewayE2eTest, TheCallersWebhookComesInTheFormatItChoseAndSigned) {
  testing::ScriptedHttpServer receiver;
  receiver.On("/event", testing::Script::Reply({.status = 204}));
  receiver.On("/upstream", testing::Script::Reply({.status = 204}));
  StartStack("callback", {}, {"--allow_private_url_hosts=127.0.0.1"});
  auto print = testing::ChildProcess::Start(
      testing::GatewayBinary(), {"--print_webhook_secret", "--data_dir=" + dir_.path() + "/data"});
  ASSERT_THAT(print, IsOk());
  absl::StatusOr<std::string> secret = (*print)->ReadLine(absl::Seconds(10));
  ASSERT_THAT(secret, IsOk());

  v1::CreateVideoTaskRequest event = Request();
  event.mutable_spec()->set_callback_url(receiver.Url("/event"));
  TaskRun event_run = CreateAndWatch("token-webhook", event);
  ASSERT_THAT(event_run.task, IsOk());
  // A failure: its body (the upstream's own error message) cannot be rebuilt
  // from the task, so only the answer the gateway kept can match.
  v1::CreateVideoTaskRequest upstream = Request("A kitten [mock:fail]");
  upstream.mutable_spec()->set_callback_url(receiver.Url("/upstream"));
  upstream.mutable_spec()->set_callback_format(v1::CALLBACK_FORMAT_UPSTREAM);
  TaskRun upstream_run = CreateAndWatch("token-webhook", upstream);
  ASSERT_THAT(upstream_run.task, IsOk());
  ASSERT_EQ(upstream_run.task->state(), v1::TASK_STATE_FAILED);

  ASSERT_TRUE(receiver.WaitForRequests("/event", 1));
  ASSERT_TRUE(receiver.WaitForRequests("/upstream", 1));
  std::string event_body, upstream_body;
  for (const testing::RecordedRequest& r : receiver.Requests()) {
    EXPECT_TRUE(SignatureVerifies(*secret, r)) << r.target;
    if (r.target == "/event") event_body = r.body;
    if (r.target == "/upstream") upstream_body = r.body;
  }
  auto event_json = testing::ParseJsonValue(event_body);
  ASSERT_THAT(event_json, IsOk());
  EXPECT_EQ(testing::JsonString(*event_json, "type"), "video_task.ended");
  EXPECT_EQ(testing::JsonString(*event_json, "data.task_id"), event_run.task->task_id());

  // The provider's callback to the gateway, as the mock journaled it (once
  // the gateway answered it, which may come after the task's end reached us).
  absl::StatusOr<std::string> journal = mock_->WaitForJournal(
      {{"kind", "callback"}, {"task_id", upstream_run.task->upstream().task_id()}},
      absl::Seconds(10));
  ASSERT_THAT(journal, IsOk());
  auto entries = testing::ParseJsonValue(*journal);
  ASSERT_THAT(entries, IsOk());
  EXPECT_EQ(upstream_body, testing::JsonString(*entries, "entries.0.body"));
  EXPECT_TRUE(absl::StrContains(upstream_body, R"("status":"failed")")) << upstream_body;
}

// The whole of what a second gateway printed before it exited, and its code.
testing::CommandResult RunToExit(const std::vector<std::string>& args) {
  return testing::RunToExit(testing::GatewayBinary(), args, absl::Seconds(20));
}

// A second gateway on the first one's data directory, or on its gRPC port,
// refuses to start with a clear message instead of sharing them.
TEST_F(GatewayE2eTest, ASecondGatewayOnTheSameDataDirectoryOrPortRefusesToStart) {
  StartStack("hold");
  const std::string upstream = "--upstream_base_url=" + mock_->base_url();
  testing::CommandResult same_dir = RunToExit({upstream, "--listen=127.0.0.1:0", "--callback_listen=127.0.0.1:0",
                                "--data_dir=" + dir_.path() + "/data"});
  EXPECT_EQ(same_dir.exit_code, 1) << same_dir.output;
  EXPECT_THAT(same_dir.output,
              HasSubstr(absl::StrCat("in use by another process (pid ",
                                     gateway_->process().pid(), ")")));
  testing::CommandResult same_port = RunToExit({upstream, absl::StrCat("--listen=127.0.0.1:", gateway_->grpc_port()),
                                 "--callback_listen=127.0.0.1:0",
                                 "--data_dir=" + dir_.path() + "/other"});
  EXPECT_EQ(same_port.exit_code, 1) << same_port.output;
  EXPECT_THAT(same_port.output, HasSubstr("is the port in use?"));
  // The first one still serves.
  TaskRun run = CreateAndWatch("token-second", Request());
  ASSERT_THAT(run.task, IsOk());
  EXPECT_EQ(run.task->state(), v1::TASK_STATE_SUCCEEDED);
}

// The admin port: gRPC metrics with go-grpc-prometheus's names, counted as
// calls go, a valid exposition, no task id or token in it; liveness and
// readiness.
TEST_F(GatewayE2eTest, ServesMetricsAndHealthOnTheAdminPort) {
  StartStack("poll", {}, {"--admin_listen=127.0.0.1:0"});
  ASSERT_NE(gateway_->admin_port(), 0);
  const std::string token = "token-metrics-3f9a";
  TaskRun run = CreateAndWatch(token, Request());
  ASSERT_THAT(run.task, IsOk());
  v1::CreateVideoTaskRequest invalid = Request();
  invalid.mutable_spec()->set_model("");
  EXPECT_THAT(Client(token).Create(invalid), StatusIs(absl::StatusCode::kInvalidArgument));

  testing::CurlClient http;
  std::string base = absl::StrCat("http://127.0.0.1:", gateway_->admin_port());
  testing::HttpResult metrics = http.Perform({.url = base + "/metrics"});
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics.body;
  SCOPED_TRACE(text);
  const std::string watch =
      R"(grpc_method="CreateAndWatchVideoTask",grpc_service="seedance.v1.VideoGateway",grpc_type="server_stream")";
  const std::string create =
      R"(grpc_method="CreateVideoTask",grpc_service="seedance.v1.VideoGateway",grpc_type="unary")";
  EXPECT_EQ(testing::SampleValue(text, "grpc_server_started_total{" + watch + "}"), 1);
  EXPECT_EQ(testing::SampleValue(text, R"(grpc_server_handled_total{grpc_code="OK",)" + watch + "}"),
            1);
  // One status message per change of the task, at least PENDING and SUCCEEDED.
  EXPECT_GE(testing::SampleValue(text, "grpc_server_msg_sent_total{" + watch + "}").value_or(0),
            run.events.size());
  EXPECT_EQ(testing::SampleValue(
                text, R"(grpc_server_handled_total{grpc_code="InvalidArgument",)" + create + "}"),
            1);
  EXPECT_EQ(testing::SampleValue(text, "grpc_server_handling_seconds_count{" + create + "}"), 1);
  EXPECT_TRUE(testing::SampleValue(text, R"(seedance_gateway_build_info{version="0.1.0"})"));
  EXPECT_THAT(testing::PromtoolCheck(text, dir_.path() + "/metrics.txt"), IsOk());
  // Bounded labels: nothing of a task, a caller or an address.
  EXPECT_THAT(text, Not(HasSubstr(run.task->task_id())));
  EXPECT_THAT(text, Not(HasSubstr(token)));
  EXPECT_THAT(text, Not(HasSubstr(mock_->base_url())));

  EXPECT_EQ(http.Perform({.url = base + "/healthz"}).status, 200);
  EXPECT_EQ(http.Perform({.url = base + "/readyz"}).status, 200);
}

// The gateway's own metrics move as tasks go through their states: one
// that succeeds, one that fails upstream, one cancelled while it runs (seen
// in the tasks gauge first), and a refused create.
TEST_F(GatewayE2eTest, GatewayMetricsFollowTasksThroughTheirStates) {
  StartStack("poll", {}, {"--admin_listen=127.0.0.1:0"});
  const std::string token = "token-metrics-77c1";
  client::GatewayClient client = Client(token);
  testing::CurlClient http;
  std::string url = absl::StrCat("http://127.0.0.1:", gateway_->admin_port(), "/metrics");
  // The task gauges are counted on the gateway's task loop, which a scrape
  // waits for only briefly (a busy machine may make it late: the next
  // scrape has it). Polling another process's state, until `series` reads
  // `value`; the last exposition either way.
  auto scrape_until = [&](const std::string& series, double value) {
    std::string text;
    absl::Time deadline = absl::Now() + absl::Seconds(20);
    do {
      text = http.Perform({.url = url}).body;
      if (testing::SampleValue(text, series) == value) break;
      absl::SleepFor(absl::Milliseconds(20));
    } while (absl::Now() < deadline);
    return text;
  };

  absl::StatusOr<v1::VideoTask> running =
      client.Create(Request("A kitten [mock:generation_ms=60000]"));
  ASSERT_THAT(running, IsOk());
  // Polling another process's state: until the gateway saw it run.
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (client.Get(running->task_id())->state() != v1::TASK_STATE_RUNNING &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  std::string during = scrape_until(R"(seedance_gateway_tasks{state="running"})", 1);
  EXPECT_EQ(testing::SampleValue(during, R"(seedance_gateway_tasks{state="running"})"), 1)
      << during;
  ASSERT_THAT(client.Cancel(running->task_id()), IsOk());
  ASSERT_THAT(CreateAndWatch(token, Request()).task, IsOk());
  absl::StatusOr<v1::VideoTask> failed =
      CreateAndWatch(token, Request("A kitten [mock:generation_ms=5,fail]")).task;
  ASSERT_THAT(failed, IsOk());
  EXPECT_EQ(failed->state(), v1::TASK_STATE_FAILED);
  absl::StatusOr<v1::VideoTask> expired =
      CreateAndWatch(token, Request("A kitten [mock:generation_ms=5,expire]")).task;
  ASSERT_THAT(expired, IsOk());
  EXPECT_EQ(expired->state(), v1::TASK_STATE_EXPIRED);
  v1::CreateVideoTaskRequest invalid = Request();
  invalid.mutable_spec()->set_model("");
  EXPECT_THAT(client.Create(invalid), StatusIs(absl::StatusCode::kInvalidArgument));

  std::string text = scrape_until(R"(seedance_gateway_tasks{state="running"})", 0);
  SCOPED_TRACE(text);
  auto value = [&text](const std::string& series) {
    return testing::SampleValue(text, series).value_or(-1);
  };
  // Every state entered, counted once per task (the refused create made none).
  EXPECT_EQ(value(R"(seedance_gateway_task_transitions_total{state="pending"})"), 4);
  EXPECT_EQ(value(R"(seedance_gateway_task_transitions_total{state="queued"})"), 4);
  // The polls may miss a short task's run; the long one was seen running.
  EXPECT_GE(value(R"(seedance_gateway_task_transitions_total{state="running"})"), 1);
  EXPECT_EQ(value(R"(seedance_gateway_task_transitions_total{state="succeeded"})"), 1);
  EXPECT_EQ(value(R"(seedance_gateway_task_transitions_total{state="failed"})"), 1);
  EXPECT_EQ(value(R"(seedance_gateway_task_transitions_total{state="cancelled"})"), 1);
  EXPECT_EQ(value(R"(seedance_gateway_task_transitions_total{state="expired"})"), 1);
  // None in progress now.
  for (const char* state : {"pending", "queued", "running"}) {
    EXPECT_EQ(value(absl::StrCat(R"(seedance_gateway_tasks{state=")", state, "\"}")), 0)
        << state;
  }
  // Four submissions answered 200; polls answered too, each timed.
  EXPECT_EQ(value(
                R"(seedance_gateway_upstream_requests_total{call="submit",http_status="200",outcome="OK"})"),
            4);
  EXPECT_GE(value(
                R"(seedance_gateway_upstream_requests_total{call="retrieve",http_status="200",outcome="OK"})"),
            3);
  EXPECT_EQ(value(R"(seedance_gateway_upstream_request_seconds_count{call="submit"})"), 4);
  EXPECT_GE(value(R"(seedance_gateway_store_commit_seconds_count)"), 3);
  EXPECT_EQ(value(R"(seedance_gateway_store_commits_failed_total)"), 0);
  EXPECT_GT(value(R"(seedance_gateway_loop_queue_delay_seconds_count)"), 0);
  EXPECT_EQ(value(R"(seedance_gateway_watch_streams)"), 0);
  EXPECT_EQ(value(R"(seedance_gateway_submissions_retried_total)"), 0);
  EXPECT_EQ(value(R"(seedance_gateway_leases_held)"), 0);  // one gateway, no leases
  EXPECT_THAT(testing::PromtoolCheck(text, dir_.path() + "/metrics.txt"), IsOk());
  EXPECT_THAT(text, Not(HasSubstr(running->task_id())));
  EXPECT_THAT(text, Not(HasSubstr(token)));
  EXPECT_THAT(text, Not(HasSubstr(mock_->base_url())));

  // The mock's own metrics saw the same traffic from its side.
  std::string mock_text = http.Perform({.url = mock_->base_url() + "/metrics"}).body;
  SCOPED_TRACE(mock_text);
  auto mock_value = [&mock_text](const std::string& series) {
    return testing::SampleValue(mock_text, series).value_or(-1);
  };
  EXPECT_EQ(mock_value(R"(seedance_mock_requests_received_total{route="videos"})"), 4);
  EXPECT_EQ(mock_value(R"(seedance_mock_requests_total{error_code="none",fault="none",)"
                       R"(route="videos",status="200"})"),
            4);
  EXPECT_GE(mock_value(R"(seedance_mock_requests_total{error_code="none",fault="none",)"
                       R"(route="tasks",status="200"})"),
            3);
  EXPECT_EQ(mock_value(R"(seedance_mock_task_transitions_total{status="succeeded"})"), 1);
  EXPECT_EQ(mock_value(R"(seedance_mock_task_transitions_total{status="failed"})"), 1);
  EXPECT_EQ(mock_value(R"(seedance_mock_task_transitions_total{status="expired"})"), 1);
  EXPECT_THAT(testing::PromtoolCheck(mock_text, dir_.path() + "/mock_metrics.txt"), IsOk());
  absl::StatusOr<v1::VideoTask> cancelled = client.Get(running->task_id());
  ASSERT_THAT(cancelled, IsOk());
  ASSERT_FALSE(cancelled->upstream().task_id().empty());
  EXPECT_THAT(mock_text, Not(HasSubstr(cancelled->upstream().task_id())));
  EXPECT_THAT(mock_text, Not(HasSubstr(token)));
}

// What a gateway printed from its start up to its ports line (it is
// serving then), after which it is stopped with SIGTERM.
std::string StartupOutput(const std::vector<std::string>& args) {
  std::string output;
  auto process = testing::ChildProcess::Start(testing::GatewayBinary(), args,
                                              {.stderr_to_stdout = true});
  if (!process.ok()) return "cannot start: " + process.status().ToString();
  for (;;) {
    absl::StatusOr<std::string> line = (*process)->ReadLine(absl::Seconds(20));
    if (!line.ok()) break;
    absl::StrAppend(&output, *line, "\n");
    if (absl::StartsWith(*line, "callback_port=")) break;
  }
  (*process)->Signal(SIGTERM);
  (void)(*process)->Wait(absl::Seconds(20));
  return output;
}

// A caller's traceparent goes with its task to the upstream and into the
// gateway's JSON log.
TEST_F(GatewayE2eTest, TheCallersTraceReachesTheMockAndEveryLogLineOfTheTask) {
  const std::string log_path = dir_.path() + "/stack.log";
  {
    testing::StderrToFile capture(log_path);
    StartStack("poll", {}, {"--log_level=info", "--log_format=json"});
  }
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const std::string traceparent = absl::StrCat("00-", trace_id, "-00f067aa0ba902b7-01");
  auto stub = v1::VideoGateway::NewStub(
      grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer token-trace");
  context.AddMetadata("traceparent", traceparent);
  v1::VideoTask created;
  ASSERT_TRUE(stub->CreateVideoTask(&context, Request(), &created).ok());
  EXPECT_EQ(created.trace_id(), trace_id);
  auto answered = context.GetServerInitialMetadata().find("traceparent");
  ASSERT_NE(answered, context.GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(answered->second.data(), answered->second.size()), traceparent);

  // Polling another process's state: until the task ended.
  client::GatewayClient client = Client("token-trace");
  absl::StatusOr<v1::VideoTask> task = client.Get(created.task_id());
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (task.ok() && task->state() != v1::TASK_STATE_SUCCEEDED && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
    task = client.Get(created.task_id());
  }
  ASSERT_THAT(task, IsOk());
  ASSERT_EQ(task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(task->trace_id(), trace_id);

  // The submission and the polls carried it to the upstream.
  EXPECT_EQ(mock_->JournalCount({{"kind", "request"},
                                 {"path", "/v1/seedance/videos"},
                                 {"traceparent", traceparent}})
                .value_or(-1),
            1);
  EXPECT_GE(mock_->JournalCount({{"kind", "request"},
                                 {"path", "/v1/seedance/tasks"},
                                 {"traceparent", traceparent}})
                .value_or(0),
            1);

  // Every JSON line of the gateway's about this task names its trace.
  std::vector<std::string> events;
  for (absl::string_view line :
       absl::StrSplit(testing::ReadFileBytes(log_path), '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "{")) continue;  // the mock's text lines
    absl::StatusOr<google::protobuf::Value> json = testing::ParseJsonValue(line);
    ASSERT_THAT(json, IsOk()) << line;
    if (testing::JsonString(*json, "task_id") != created.task_id()) continue;
    events.push_back(testing::JsonString(*json, "event"));
    EXPECT_EQ(testing::JsonString(*json, "trace_id"), trace_id) << line;
  }
  EXPECT_THAT(events, ::testing::IsSupersetOf({"task_created", "upstream_submit", "task_state"}));
}

// Callback delivery on a port the OS chose reaches no one after a restart:
// the gateway says so at start, and only then.
TEST_F(GatewayE2eTest, WarnsWhenCallbacksGoToAPortChosenAtStart) {
  StartStack("hold");
  const std::string upstream = "--upstream_base_url=" + mock_->base_url();
  int n = 0;
  auto run = [&](std::vector<std::string> flags) {
    flags.insert(flags.end(), {upstream, "--listen=127.0.0.1:0", "--callback_listen=127.0.0.1:0",
                               absl::StrCat("--data_dir=", dir_.path(), "/startup", ++n)});
    return StartupOutput(flags);
  };
  std::string chosen = run({"--delivery=callback"});
  EXPECT_THAT(chosen, HasSubstr("callback_port_not_fixed"));
  EXPECT_THAT(chosen, HasSubstr("set --callback_listen=host:port"));
  std::string with_public_url =
      run({"--delivery=callback", "--callback_public_url=https://gateway.example/cb"});
  EXPECT_THAT(with_public_url, Not(HasSubstr("callback_port_not_fixed")));
  EXPECT_THAT(with_public_url, HasSubstr("gateway_started"));
  std::string polling = run({"--delivery=poll"});
  EXPECT_THAT(polling, Not(HasSubstr("callback_port_not_fixed")));
  EXPECT_THAT(polling, HasSubstr("gateway_started"));
}

// --help names the program once and shows no path of the machine it was
// built on.
TEST(GatewayProcessTest, HelpNamesTheProgramOnceAndNoBuildPath) {
  for (const std::string& binary : {testing::GatewayBinary(), testing::MockUpstreamBinary()}) {
    testing::CommandResult help = testing::RunToExit(binary, {"--help"});
    std::string name = binary.substr(binary.rfind('/') + 1);
    EXPECT_THAT(help.output, StartsWith(name + ": ")) << help.output;
    EXPECT_THAT(help.output, Not(HasSubstr(name + ": " + name + ":")));
    EXPECT_THAT(help.output, HasSubstr("Flags from " + name + ":"));
    std::string source_dir = SEEDANCE_SOURCE_DIR;
    EXPECT_THAT(help.output, Not(HasSubstr(source_dir.substr(1)))) << help.output;
  }
}

TEST_F(GatewayE2eTest, RepeatedRequestIdCreatesOneTask) {
  StartStack("callback");
  v1::CreateVideoTaskRequest r = Request();
  r.set_request_id("7b0c7c2e-5f1e-4c7a-9d1e-000000000001");
  client::GatewayClient client = Client("token-idem");
  absl::StatusOr<v1::VideoTask> first = client.Create(r);
  absl::StatusOr<v1::VideoTask> second = client.Create(r);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->task_id(), second->task_id());
  ASSERT_THAT(client.WatchToEnd(first->task_id(), std::nullopt, [](const auto&) {}), IsOk());
  EXPECT_EQ(VideosRequests(), 1);
  r.mutable_spec()->set_prompt("something else");
  EXPECT_THAT(client.Create(r), StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(GatewayE2eTest, CallersSeeOnlyTheirOwnTasks) {
  StartStack("callback");
  absl::StatusOr<v1::VideoTask> alices = Client("alice-token").Create(Request());
  ASSERT_THAT(alices, IsOk());
  EXPECT_THAT(Client("bob-token").Get(alices->task_id()),
              StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<v1::ListVideoTasksResponse> bobs = Client("bob-token").List({});
  ASSERT_THAT(bobs, IsOk());
  EXPECT_EQ(bobs->tasks_size(), 0);
  EXPECT_EQ(Client("alice-token").List({})->tasks_size(), 1);
}

// ---- crashes and shutdown --------------------------------------------------------------

// SIGKILL mid-generation, restart on the same data directory: the watcher
// reconnects and sees the rest of the task, each change once, in order.
class RestartTest : public GatewayE2eTest,
                    public ::testing::WithParamInterface<std::string> {};

TEST_P(RestartTest, WatcherGetsTheFinalStatusExactlyOnceAfterACrash) {
  StartStack(GetParam(), {"--generation_ms=1500"});
  client::GatewayClient client = Client("token-restart");
  absl::StatusOr<v1::VideoTask> task = client.Create(Request());
  ASSERT_THAT(task, IsOk());
  // Watch until the upstream accepted the task (QUEUED), then crash.
  std::vector<v1::TaskEvent> before;
  {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer token-restart");
    auto stub = v1::VideoGateway::NewStub(
        grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()));
    v1::WatchVideoTaskRequest watch;
    watch.set_task_id(task->task_id());
    watch.set_after_sequence(0);
    auto reader = stub->WatchVideoTask(&context, watch);
    v1::WatchVideoTaskResponse m;
    while (reader->Read(&m)) {
      if (!m.has_status()) continue;
      before.push_back(m.status());
      if (m.status().state() == v1::TASK_STATE_QUEUED) break;
    }
    gateway_->Kill();
    context.TryCancel();
  }
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(before.back().state(), v1::TASK_STATE_QUEUED);
  ASSERT_THAT(gateway_->Restart(), IsOk());

  TaskRun after;
  after.task = Client("token-restart")
                   .WatchToEnd(task->task_id(), before.back().sequence(),
                               [&after](const v1::WatchVideoTaskResponse& m) {
                                 if (m.has_status()) after.events.push_back(m.status());
                               });
  ASSERT_THAT(after.task, IsOk());
  EXPECT_EQ(after.task->state(), v1::TASK_STATE_SUCCEEDED);
  ASSERT_FALSE(after.events.empty());
  EXPECT_EQ(after.events.front().sequence(), before.back().sequence() + 1);
  ExpectGapless(after);
  int terminal = 0;
  for (const auto& e : after.events) terminal += e.state() == v1::TASK_STATE_SUCCEEDED;
  EXPECT_EQ(terminal, 1);
  EXPECT_EQ(VideosRequests(), 1);  // resumed, never resubmitted
}

INSTANTIATE_TEST_SUITE_P(Modes, RestartTest, ::testing::Values("poll", "callback"),
                         [](const auto& info) { return info.param; });

TEST_F(GatewayE2eTest, HeldCallCutByACrashIsReportedNotResubmitted) {
  StartStack("hold", {"--generation_ms=60000"});
  client::GatewayClient client = Client("token-hold-crash");
  absl::StatusOr<v1::VideoTask> task = client.Create(Request());
  ASSERT_THAT(task, IsOk());
  ASSERT_THAT(mock_->WaitForJournal({{"kind", "request"}, {"path", "/v1/seedance/videos"}},
                                    absl::Seconds(10)),
              IsOk());
  gateway_->Kill();
  ASSERT_THAT(gateway_->Restart(), IsOk());
  absl::StatusOr<v1::VideoTask> after = Client("token-hold-crash")
                                            .WatchToEnd(task->task_id(), std::nullopt,
                                                        [](const auto&) {});
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->state(), v1::TASK_STATE_FAILED);
  EXPECT_EQ(ReasonOf(ErrorOf(*after)), "UPSTREAM_OUTCOME_UNKNOWN");
  EXPECT_EQ(VideosRequests(), 1);
}

TEST_F(GatewayE2eTest, SigtermEndsStreamsClearlyAndKeepsTasks) {
  StartStack("callback", {"--generation_ms=60000"});
  client::GatewayClient client = Client("token-term");
  absl::StatusOr<v1::VideoTask> task = client.Create(Request());
  ASSERT_THAT(task, IsOk());
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer token-term");
  auto stub = v1::VideoGateway::NewStub(
      grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials()));
  v1::WatchVideoTaskRequest watch;
  watch.set_task_id(task->task_id());
  auto reader = stub->WatchVideoTask(&context, watch);
  v1::WatchVideoTaskResponse m;
  ASSERT_TRUE(reader->Read(&m));
  // SIGTERM right away: the submission may still be in flight, and the
  // gateway lets it finish before it stops.
  gateway_->process().Signal(SIGTERM);
  while (reader->Read(&m)) {
  }
  grpc::Status ended = reader->Finish();
  absl::StatusOr<int> code = gateway_->process().Wait(absl::Seconds(20));
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(ended.error_message(), HasSubstr("resume with after_sequence="));
  EXPECT_THAT(code, seedance::testing::IsOkAndHolds(0));
  ASSERT_THAT(gateway_->Restart(), IsOk());
  absl::StatusOr<v1::VideoTask> kept = Client("token-term").Get(task->task_id());
  ASSERT_THAT(kept, IsOk());
  EXPECT_THAT(kept->state(), ::testing::AnyOf(v1::TASK_STATE_QUEUED, v1::TASK_STATE_RUNNING));
}

}  // namespace
}  // namespace seedance
