// The contract suite: the upstream REST API as the provider's guide states
// it, checked over real HTTP with libcurl. By default it runs against a
// seedance-mock-upstream it starts itself; with SEEDANCE_CONTRACT_BASE_URL
// and SEEDANCE_CONTRACT_TOKEN set it runs against that server instead (the
// real provider, to confirm the mock's fidelity), and the mock-only checks
// (scenarios, faults, callbacks, admin) are skipped. A real run makes paid
// calls. SEEDANCE_CONTRACT_FOREIGN_TOKEN names a token of another service
// for the token_mismatched row.
//
// Checks that rest on a guess rather than on the guide sit in an ASSUMED
// block naming the guess and its source (docs/testing-with-the-mock.md, "Fidelity"). Against the
// mock they are checks like any other; against the real provider a failed
// one is printed as a finding about the provider ("assumption NOT HELD"),
// not a red suite, and the run ends with the count of both.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/http_server.h"
#include "tests/testing/child_process.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/json_value.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/assumption.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/upstream_json.h"

namespace seedance {
namespace {

using ::seedance::testing::Assumption;
using ::seedance::testing::CurlClient;
using ::seedance::testing::HttpResult;
using ::seedance::testing::IsOk;
using ::seedance::testing::JsonAt;
using ::seedance::testing::JsonNumber;
using ::seedance::testing::JsonString;
using ::seedance::testing::JsonTrue;
using ::seedance::testing::MockUpstreamProcess;
using ::seedance::testing::ParseJsonValue;
using ::seedance::testing::PerformHttp;
using ::seedance::testing::ReadFixture;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using Json = google::protobuf::Value;

constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";
constexpr char kUuid[] = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// Where the suite sends its calls: a real server, or a mock of its own.
class Target {
 public:
  // Destroyed at exit, which stops the mock.
  static Target& Get() {
    static Target target;
    return target;
  }
  bool is_mock() const { return mock_ != nullptr; }
  const std::string& base_url() const { return base_url_; }
  const std::string& token() const { return token_; }
  MockUpstreamProcess& mock() { return *mock_; }

 private:
  Target() {
    base_url_ = Env("SEEDANCE_CONTRACT_BASE_URL");
    token_ = Env("SEEDANCE_CONTRACT_TOKEN");
    if (!base_url_.empty()) return;
    auto mock = MockUpstreamProcess::Start(
        {"--generation_ms=100", "--queue_ms=20", "--callback_retry_ms=50",
         "--slow_generation_ms=3000", "--log_level=warning"});
    if (!mock.ok()) {
      ADD_FAILURE() << mock.status();
      return;
    }
    mock_ = *std::move(mock);
    base_url_ = mock_->base_url();
    // A token per test process: the mock's quotas and rules are per token.
    token_ = absl::StrCat("contract-", getpid());
  }
  std::unique_ptr<MockUpstreamProcess> mock_;
  std::string base_url_;
  std::string token_;
};

// Each test starts from a fresh mock state, whether the tests run in one
// process or one process each (as ctest runs them).
class ResetMockBetweenTests : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo&) override {
    if (Target::Get().is_mock()) {
      EXPECT_THAT(Target::Get().mock().Reset(), IsOk());
    }
  }
};
const bool kResetRegistered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new ResetMockBetweenTests);
  return true;
}();

// The rest of the enclosing block rests on `what`, a guess from `source`.
#define ASSUMED(what, source) \
  Assumption assumption_scope_((what), (source), !Target::Get().is_mock())

// At the end: how many assumption blocks ran and how many did not hold.
class AssumptionSummary : public ::testing::EmptyTestEventListener {
  void OnTestProgramEnd(const ::testing::UnitTest&) override {
    if (Assumption::Checked() == 0) return;
    std::cout << "contract: " << Assumption::Checked() << " assumption checks, "
              << Assumption::NotHeld() << " not held"
              << (Target::Get().is_mock() ? "" : " (findings about the provider)") << "\n";
  }
};
const bool kSummaryRegistered = [] {
  ::testing::UnitTest::GetInstance()->listeners().Append(new AssumptionSummary);
  return true;
}();

#define MOCK_ONLY()                                                           \
  if (!Target::Get().is_mock()) GTEST_SKIP() << "mock-only: scenarios and admin"

std::string TextBody(absl::string_view prompt, absl::string_view extra = "") {
  return absl::StrCat(R"({"model":")", kModel,
                      R"(","content":[{"type":"text","text":")", prompt, R"("}])",
                      extra.empty() ? "" : ",", extra, "}");
}

HttpResult Post(absl::string_view path, std::string body,
                std::vector<std::string> headers = {}, bool with_token = true) {
  headers.push_back("Content-Type: application/json");
  headers.push_back("Accept: application/json");
  if (with_token) headers.push_back("Authorization: Bearer " + Target::Get().token());
  return PerformHttp({.method = "POST",
                      .url = Target::Get().base_url() + std::string(path),
                      .headers = std::move(headers),
                      .body = std::move(body),
                      .timeout_ms = 300000});
}

HttpResult PostVideos(std::string body, std::vector<std::string> headers = {}) {
  return Post("/v1/seedance/videos", std::move(body), std::move(headers));
}

HttpResult PostTasks(std::string body, std::vector<std::string> headers = {}) {
  return Post("/v1/seedance/tasks", std::move(body), std::move(headers));
}

Json ParseOrFail(const std::string& text) {
  absl::StatusOr<Json> json = ParseJsonValue(text);
  EXPECT_THAT(json, IsOk()) << text;
  return json.ok() ? *json : Json();
}

// The checks every documented error answer passes.
void ExpectErrorEnvelope(const HttpResult& r, long status, absl::string_view code) {
  ASSERT_EQ(r.code, CURLE_OK) << r.error;
  EXPECT_EQ(r.status, status) << r.body;
  Json json = ParseOrFail(r.body);
  const Json* success = JsonAt(json, "success");
  ASSERT_NE(success, nullptr) << r.body;
  EXPECT_FALSE(success->bool_value());
  EXPECT_EQ(JsonString(json, "error.code"), code) << r.body;
  EXPECT_FALSE(JsonString(json, "error.message").empty());
  EXPECT_THAT(JsonString(json, "trace_id"), MatchesRegex(kUuid));
}

std::string TaskIdOf(const HttpResult& r) {
  return JsonString(ParseOrFail(r.body), "task_id");
}

// Waits until task `id` has ended; returns its record (JSON text).
std::string WaitForTaskEnd(const std::string& id) {
  if (Target::Get().is_mock()) {
    EXPECT_THAT(Target::Get().mock().WaitForJournal(
                    {{"kind", "task"}, {"task_id", id}, {"status", "succeeded"}},
                    absl::Seconds(30)),
                IsOk());
  } else {
    // A real provider has no journal: poll, as a client would.
    for (absl::Time end = absl::Now() + absl::Minutes(10); absl::Now() < end;
         absl::SleepFor(absl::Seconds(5))) {
      HttpResult r = PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"));
      if (absl::StrContains(r.body, R"("finished_at")")) break;
    }
  }
  return PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})")).body;
}

// An HTTP server in the test that receives the mock's callbacks.
class CallbackReceiver {
 public:
  // Answers 500 to the first `reject_first` callbacks, then 200.
  explicit CallbackReceiver(int reject_first = 0) : reject_left_(reject_first) {
    auto server = http::Server::Start({}, [this](http::Request request,
                                                 std::shared_ptr<http::Exchange> exchange) {
      int status = 200;
      {
        absl::MutexLock lock(&mu_);
        if (reject_left_ > 0) {
          --reject_left_;
          status = 500;
        } else {
          bodies_.push_back(request.body);
        }
      }
      exchange->Respond(http::MakeResponse(status, "text/plain", "ok"));
    });
    EXPECT_THAT(server, IsOk());
    server_ = *std::move(server);
  }
  std::string url() const {
    return absl::StrCat("http://127.0.0.1:", server_->port(), "/callback");
  }
  // The bodies acknowledged (2xx), in arrival order.
  std::vector<std::string> bodies() {
    absl::MutexLock lock(&mu_);
    return bodies_;
  }
  std::vector<std::string> statuses() {
    std::vector<std::string> out;
    for (const std::string& body : bodies()) {
      out.push_back(JsonString(ParseOrFail(body), "data.status"));
    }
    return out;
  }

 private:
  absl::Mutex mu_;
  int reject_left_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> bodies_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<http::Server> server_;
};

// Creates a callback task with `scenario`; returns its id.
std::string CreateCallbackTask(const CallbackReceiver& receiver, absl::string_view scenario) {
  HttpResult r = PostVideos(
      TextBody("a kitten", absl::StrCat(R"("callback_url":")", receiver.url(), R"(")")),
      {absl::StrCat("X-Mock-Scenario: ", scenario)});
  EXPECT_EQ(r.status, 200) << r.body;
  return TaskIdOf(r);
}

// The key paths of a JSON object ("data.task_id").
void CollectKeys(const Json& value, const std::string& prefix, std::set<std::string>& out) {
  if (!value.has_struct_value()) return;
  for (const auto& [key, child] : value.struct_value().fields()) {
    std::string path = prefix.empty() ? key : prefix + "." + key;
    out.insert(path);
    CollectKeys(child, path, out);
  }
}
std::set<std::string> Keys(const std::string& json) {
  std::set<std::string> keys;
  CollectKeys(ParseOrFail(json), "", keys);
  return keys;
}

// ---------------------------------------------------------------------------
// The error table.

TEST(ContractErrors, MissingTokenIs401InvalidToken) {
  HttpResult r = Post("/v1/seedance/videos", TextBody("a cat"), {}, /*with_token=*/false);
  ExpectErrorEnvelope(r, 401, "invalid_token");
}

TEST(ContractErrors, TokenOfAnotherServiceIs400TokenMismatched) {
  std::string foreign = Env("SEEDANCE_CONTRACT_FOREIGN_TOKEN");
  if (foreign.empty()) {
    if (!Target::Get().is_mock()) GTEST_SKIP() << "set SEEDANCE_CONTRACT_FOREIGN_TOKEN";
    foreign = "foreign-service-token";
  }
  HttpResult r = Post("/v1/seedance/videos", TextBody("a cat"),
                      {"Authorization: Bearer " + foreign}, /*with_token=*/false);
  ASSUMED("a token of another service is 400 token_mismatched",
          "the guide lists the code only as 'bad request: missing or invalid parameters'");
  ExpectErrorEnvelope(r, 400, "token_mismatched");
}

TEST(ContractErrors, UnknownModelIs400ApiNotImplemented) {
  HttpResult r = PostVideos(R"({"model":"doubao-seedance-9-9","content":[{"type":"text","text":"a cat"}]})");
  EXPECT_EQ(r.status, 400) << r.body;
  ASSUMED("a bad field is api_not_implemented and the message names it",
          "guess: the guide gives two 400 codes with one meaning");
  ExpectErrorEnvelope(r, 400, "api_not_implemented");
  EXPECT_THAT(r.body, HasSubstr("model"));
}

TEST(ContractErrors, UnsupportedPathOrMethodIs400ApiNotImplemented) {
  ASSUMED("an unknown path or method is 400 api_not_implemented",
          "guess from the code's name; the guide documents no other path");
  ExpectErrorEnvelope(Post("/v1/seedance/nothing", "{}"), 400, "api_not_implemented");
  HttpResult get = PerformHttp({.url = Target::Get().base_url() + "/v1/seedance/videos",
                                .headers = {"Authorization: Bearer " + Target::Get().token()}});
  ExpectErrorEnvelope(get, 400, "api_not_implemented");
}

TEST(ContractErrors, EveryDocumentedCodeByScenario) {
  MOCK_ONLY();
  struct Row {
    std::string code;
    long status;
  };
  for (const Row& row : std::vector<Row>{{"token_mismatched", 400},
                                         {"api_not_implemented", 400},
                                         {"invalid_token", 401},
                                         {"too_many_requests", 429},
                                         {"api_error", 500}}) {
    SCOPED_TRACE(row.code);
    HttpResult r = PostVideos(TextBody("a cat"), {"X-Mock-Scenario: " + row.code});
    ExpectErrorEnvelope(r, row.status, row.code);
    if (row.status == 429) {
      EXPECT_EQ(r.Header("Retry-After"), "1");
    }
  }
}

// The mechanism itself: a failed assumption is a finding against the
// provider, and an ordinary failure against the mock.
TEST(ContractAssumptions, AFailedAssumptionIsAFindingOrAFailureByTarget) {
  int checked = Assumption::Checked(), before = Assumption::NotHeld();
  {
    Assumption a("one is two", "this test", /*findings_only=*/true);
    EXPECT_EQ(1, 2) << "intercepted";
  }
  EXPECT_EQ(Assumption::NotHeld(), before + 1);
  EXPECT_NONFATAL_FAILURE(
      {
        Assumption a("one is two", "this test", /*findings_only=*/false);
        EXPECT_EQ(1, 2) << "reported";
      },
      "reported");
  // The self-test's own blocks are not checks of the target.
  Assumption::Checked() = checked;
  Assumption::NotHeld() = before;
}

TEST(ContractErrors, EachErrorHasAFreshTraceId) {
  std::set<std::string> traces;
  for (int i = 0; i < 3; ++i) {
    HttpResult r = Post("/v1/seedance/videos", TextBody("a cat"), {}, false);
    traces.insert(JsonString(ParseOrFail(r.body), "trace_id"));
  }
  EXPECT_THAT(traces, SizeIs(3));
}

TEST(ContractErrors, TooManyRequestsCarriesRetryAfter) {
  MOCK_ONLY();
  HttpResult r = PostVideos(TextBody("a cat"),
                            {"X-Mock-Scenario: too_many_requests,retry_after_s=7"});
  ExpectErrorEnvelope(r, 429, "too_many_requests");
  EXPECT_EQ(r.Header("Retry-After"), "7");
}

// ---------------------------------------------------------------------------
// Strong validation of top-level fields; weak inline parameters.

TEST(ContractValidation, StringImageUrlIs400NamingTheField) {
  HttpResult r = PostVideos(absl::StrCat(
      R"({"model":")", kModel,
      R"(","content":[{"type":"image_url","image_url":"https://example.com/a.png"},)"
      R"({"type":"text","text":"a fox"}]})"));
  EXPECT_EQ(r.status, 400) << r.body;  // the guide: a bare string is a 400
  ASSUMED("a string image_url is api_not_implemented naming content[0].image_url",
          "guess: the guide names no code or message for it");
  ExpectErrorEnvelope(r, 400, "api_not_implemented");
  EXPECT_THAT(JsonString(ParseOrFail(r.body), "error.message"),
              HasSubstr("content[0].image_url"));
}

TEST(ContractValidation, BadTopLevelFieldsAre400NamingTheField) {
  struct Case {
    std::string extra;
    std::string field;
  };
  std::vector<Case> cases = {
      {R"("duration": 13)", "duration"},
      {R"("duration": "5")", "duration"},
      {R"("resolution": "4k")", "resolution"},
      {R"("ratio": "5:4")", "ratio"},
      {R"("seed": 1.5)", "seed"},
      {R"("seed": 4294967296)", "seed"},
      {R"("service_tier": "fast")", "service_tier"},
      {R"("execution_expires_after": 10)", "execution_expires_after"},
      {R"("callback_url": "not a url")", "callback_url"},
      {R"("watermark": "yes")", "watermark"},
      {R"("frames": 30)", "frames"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.extra);
    HttpResult r = PostVideos(TextBody("a cat", c.extra));
    EXPECT_EQ(r.status, 400) << r.body;  // the guide: strongly validated, a clear 400
    ASSUMED("a bad field is api_not_implemented and the message names it",
            "guess: the guide gives two 400 codes with one meaning");
    ExpectErrorEnvelope(r, 400, "api_not_implemented");
    EXPECT_THAT(JsonString(ParseOrFail(r.body), "error.message"), HasSubstr(c.field));
  }
}

TEST(ContractValidation, NotJsonIs400) {
  ExpectErrorEnvelope(PostVideos("{not json"), 400, "api_not_implemented");
}

TEST(ContractValidation, BadInlineParametersAreIgnoredNotRejected) {
  HttpResult r = PostVideos(TextBody("a cat --dur 99 --rs 4k --rt 16:9", R"("async": true)"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(TaskIdOf(r), MatchesRegex(kUuid));
  if (Target::Get().is_mock()) {
    EXPECT_EQ(r.Header("X-Mock-Effective-Params"), "--rt 16:9");
  }
}

// ---------------------------------------------------------------------------
// The three modes.

TEST(ContractModes, BlockingCallAnswersTheDocumentedResult) {
  HttpResult r = PostVideos(ReadFixture("upstream/videos_request_text_inline.json"));
  ASSERT_EQ(r.code, CURLE_OK) << r.error;
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  Json json = ParseOrFail(r.body);
  EXPECT_TRUE(JsonTrue(json, "success"));
  EXPECT_THAT(JsonString(json, "task_id"), MatchesRegex(kUuid));
  EXPECT_THAT(JsonString(json, "trace_id"), MatchesRegex(kUuid));
  EXPECT_THAT(JsonString(json, "data.task_id"), MatchesRegex("cgt-[0-9]{14}-[0-9a-z]{5}"));
  EXPECT_EQ(JsonString(json, "data.status"), "succeeded");
  EXPECT_THAT(JsonString(json, "data.video_url"), MatchesRegex("https?://.*\\.mp4"));
  EXPECT_EQ(JsonString(json, "data.model"), kModel);
}

TEST(ContractModes, BlockingCallIsHeldForTheGenerationTime) {
  MOCK_ONLY();
  absl::Time start = absl::Now();
  HttpResult r = PostVideos(TextBody("a cat"), {"X-Mock-Generation-Ms: 400"});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(400));
}

// The guide's documented answers replayed, field by field (ids aside).
TEST(ContractModes, GuideExamplesGetTheGuidesAnswers) {
  struct Pair {
    std::string request;
    std::string response;
  };
  for (const Pair& p : std::vector<Pair>{
           {"videos_request_text_inline.json", "videos_response_text.json"},
           {"videos_request_first_frame.json", "videos_response_first_frame.json"},
           {"videos_request_first_last_frame.json", "videos_response_first_last_frame.json"},
           {"videos_request_audio.json", "videos_response_text.json"}}) {
    SCOPED_TRACE(p.request);
    HttpResult r = PostVideos(ReadFixture("upstream/" + p.request));
    ASSERT_EQ(r.status, 200) << r.body;
    std::string guide = ReadFixture("upstream/" + p.response);
    EXPECT_EQ(Keys(r.body), Keys(guide));
    Json ours = ParseOrFail(r.body);
    Json theirs = ParseOrFail(guide);
    EXPECT_EQ(JsonTrue(ours, "success"), JsonTrue(theirs, "success"));
    EXPECT_EQ(JsonString(ours, "data.status"), JsonString(theirs, "data.status"));
    Json request = ParseOrFail(ReadFixture("upstream/" + p.request));
    EXPECT_EQ(JsonString(ours, "data.model"), JsonString(request, "model"));
  }
}

TEST(ContractModes, ReturnLastFrameYieldsAServedImage) {
  HttpResult r = PostVideos(TextBody("a cat", R"("return_last_frame": true)"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSUMED("the last frame comes back as data.last_frame_url, a PNG",
          "the provider family (Ark); the guide names no field");
  std::string url = JsonString(ParseOrFail(r.body), "data.last_frame_url");
  ASSERT_FALSE(url.empty()) << r.body;
  HttpResult image = PerformHttp({.url = url});
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.Header("Content-Type"), "image/png");
  EXPECT_EQ(image.body.substr(1, 3), "PNG");
}

TEST(ContractModes, AsyncAnswersTaskIdAndTheTasksEndpointReportsProgress) {
  ASSUMED("async and the tasks endpoint behave as the sibling API does",
          "sibling API (upstream-api/README.md), not the guide");
  HttpResult r = PostVideos(TextBody("a cat", R"("async": true)"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Keys(r.body), Keys(ReadFixture("upstream/videos_accepted.json")));
  std::string id = TaskIdOf(r);
  Json first = ParseOrFail(
      PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})")).body);
  EXPECT_EQ(JsonString(first, "id"), id);
  EXPECT_EQ(JsonString(first, "type"), "videos");
  EXPECT_THAT(JsonString(first, "response.data.status"),
              AnyOf("queued", "running", "processing", "succeeded"));
  Json done = ParseOrFail(WaitForTaskEnd(id));
  EXPECT_EQ(JsonString(done, "response.data.status"), "succeeded");
  EXPECT_EQ(JsonString(done, "response.task_id"), id);
  EXPECT_GE(JsonNumber(done, "finished_at"), JsonNumber(done, "started_at"));
  EXPECT_GE(JsonNumber(done, "started_at"), JsonNumber(done, "created_at"));
  EXPECT_NEAR(JsonNumber(done, "elapsed"),
              JsonNumber(done, "finished_at") - JsonNumber(done, "created_at"), 0.01);
  EXPECT_EQ(JsonString(done, "request.model"), kModel);
  EXPECT_TRUE(JsonTrue(done, "request.async"));
}

TEST(ContractModes, SlowGenerationIsReportedRunning) {
  MOCK_ONLY();
  HttpResult r = PostVideos(TextBody("a cat", R"("async": true)"),
                            {"X-Mock-Scenario: slow,queue_ms=0"});
  std::string id = TaskIdOf(r);
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "task"}, {"task_id", id}, {"status", "running"}},
                  absl::Seconds(10)),
              IsOk());
  Json record = ParseOrFail(
      PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})")).body);
  EXPECT_EQ(JsonString(record, "response.data.status"), "running");
  EXPECT_EQ(JsonAt(record, "finished_at"), nullptr);
}

TEST(ContractModes, FailedGenerationIs500WithFailedStatus) {
  MOCK_ONLY();
  HttpResult r = PostVideos(TextBody("a cat"), {"X-Mock-Scenario: fail"});
  EXPECT_EQ(r.status, 500);
  Json json = ParseOrFail(r.body);
  EXPECT_FALSE(JsonTrue(json, "success"));
  EXPECT_EQ(JsonString(json, "data.status"), "failed");
  EXPECT_EQ(JsonString(json, "error.code"), "api_error");
  EXPECT_THAT(JsonString(json, "task_id"), MatchesRegex(kUuid));
  EXPECT_THAT(JsonString(json, "trace_id"), MatchesRegex(kUuid));
}

TEST(ContractModes, ExpiredTaskReportsExpired) {
  MOCK_ONLY();
  HttpResult r = PostVideos(TextBody("a cat"), {"X-Mock-Scenario: expire"});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(JsonString(ParseOrFail(r.body), "data.status"), "expired");
}

TEST(ContractModes, PromptDirectiveChoosesTheScenario) {
  MOCK_ONLY();
  HttpResult r = PostVideos(TextBody("a cat [mock:fail,generation_ms=10]"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(JsonString(ParseOrFail(r.body), "data.status"), "failed");
  HttpResult bad = PostVideos(TextBody("a cat [mock:explode]"));
  ExpectErrorEnvelope(bad, 400, "api_not_implemented");
  EXPECT_THAT(bad.body, HasSubstr("explode"));
}

TEST(ContractModes, TokenRuleChoosesTheScenarioWithoutHeaders) {
  MOCK_ONLY();
  ASSERT_THAT(Target::Get().mock().AddTokenRule(Target::Get().token(), "api_error", 1), IsOk());
  ExpectErrorEnvelope(PostVideos(TextBody("a cat")), 500, "api_error");
  EXPECT_EQ(PostVideos(TextBody("a cat")).status, 200);
}

// ---------------------------------------------------------------------------
// The tasks endpoint.

TEST(ContractTasks, RetrieveBatchLeavesUnknownIdsOut) {
  ASSUMED("retrieve_batch leaves unknown ids out", "sibling API, not the guide");
  std::string a = TaskIdOf(PostVideos(TextBody("a cat", R"("async": true)")));
  std::string b = TaskIdOf(PostVideos(TextBody("a dog", R"("async": true)")));
  HttpResult r = PostTasks(absl::StrCat(R"({"action":"retrieve_batch","ids":[")", a,
                                        R"(","00000000-0000-4000-8000-000000000000",")", b,
                                        R"("]})"));
  ASSERT_EQ(r.status, 200) << r.body;
  Json json = ParseOrFail(r.body);
  EXPECT_EQ(JsonNumber(json, "count"), 2);
  EXPECT_EQ(JsonString(json, "items.0.id"), a);
  EXPECT_EQ(JsonString(json, "items.1.id"), b);
}

TEST(ContractTasks, RetrieveOfAnUnknownIdIs400) {
  MOCK_ONLY();
  HttpResult r = PostTasks(R"({"action":"retrieve","id":"00000000-0000-4000-8000-000000000000"})");
  ExpectErrorEnvelope(r, 400, "api_not_implemented");
  EXPECT_THAT(r.body, HasSubstr("task not found"));
}

TEST(ContractTasks, TasksOfAnotherTokenAreNotVisible) {
  MOCK_ONLY();
  std::string id = TaskIdOf(PostVideos(TextBody("a cat", R"("async": true)")));
  HttpResult r = Post("/v1/seedance/tasks",
                      absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"),
                      {"Authorization: Bearer someone-else"}, false);
  ExpectErrorEnvelope(r, 400, "api_not_implemented");
}

TEST(ContractTasks, UnknownActionOrMissingIdIs400) {
  MOCK_ONLY();
  ExpectErrorEnvelope(PostTasks(R"({"action":"cancel","id":"x"})"), 400,
                      "api_not_implemented");
  ExpectErrorEnvelope(PostTasks(R"({"action":"retrieve"})"), 400, "api_not_implemented");
  ExpectErrorEnvelope(PostTasks(R"({"action":"retrieve_batch","ids":[]})"), 400,
                      "api_not_implemented");
}

// ---------------------------------------------------------------------------
// Callbacks.

TEST(ContractCallbacks, TaskIdAtOnceThenOneCallbackWithTheResult) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  HttpResult r = PostVideos(
      TextBody("a cat", absl::StrCat(R"("callback_url":")", receiver.url(), R"(")")));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Keys(r.body), Keys(ReadFixture("upstream/videos_accepted.json")));
  std::string id = TaskIdOf(r);
  ASSERT_THAT(Target::Get().mock().WaitForCallbackDelivered(id, absl::Seconds(10)), IsOk());
  std::vector<std::string> bodies = receiver.bodies();
  ASSERT_THAT(bodies, SizeIs(1));
  EXPECT_EQ(Keys(bodies[0]), Keys(ReadFixture("upstream/callback_body.json")));
  Json body = ParseOrFail(bodies[0]);
  EXPECT_EQ(JsonString(body, "task_id"), id);
  EXPECT_EQ(JsonString(body, "data.status"), "succeeded");
  // The tasks endpoint agrees with the callback.
  Json record = ParseOrFail(
      PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})")).body);
  EXPECT_EQ(JsonString(record, "response.data.video_url"),
            JsonString(body, "data.video_url"));
}

TEST(ContractCallbacks, DuplicateCallbacksArriveTwice) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  std::string id = CreateCallbackTask(receiver, "callback_duplicate");
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "callback"}, {"task_id", id}, {"outcome", "delivered"}},
                  absl::Seconds(10), 2),
              IsOk());
  std::vector<std::string> bodies = receiver.bodies();
  ASSERT_THAT(bodies, SizeIs(2));
  EXPECT_EQ(bodies[0], bodies[1]);
}

TEST(ContractCallbacks, EveryStatusCallbacksArriveInOrder) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  std::string id = CreateCallbackTask(receiver, "callback_every_status");
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "callback"}, {"task_id", id}, {"outcome", "delivered"}},
                  absl::Seconds(10), 3),
              IsOk());
  EXPECT_THAT(receiver.statuses(), ElementsAre("queued", "running", "succeeded"));
}

TEST(ContractCallbacks, OutOfOrderCallbacksArriveFinalFirst) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  std::string id = CreateCallbackTask(receiver, "callback_out_of_order");
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "callback"}, {"task_id", id}, {"outcome", "delivered"}},
                  absl::Seconds(10), 3),
              IsOk());
  EXPECT_THAT(receiver.statuses(), ElementsAre("succeeded", "queued", "running"));
}

TEST(ContractCallbacks, DroppedCallbackNeverArrives) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  std::string id = CreateCallbackTask(receiver, "callback_drop");
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "callback"}, {"task_id", id}, {"outcome", "dropped"}},
                  absl::Seconds(10)),
              IsOk());
  EXPECT_THAT(receiver.bodies(), SizeIs(0));
  // The result is still there for a client that polls.
  Json record = ParseOrFail(
      PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})")).body);
  EXPECT_EQ(JsonString(record, "response.data.status"), "succeeded");
}

TEST(ContractCallbacks, DelayedCallbackComesAfterTheTaskEnds) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  std::string id = CreateCallbackTask(receiver, "callback_delay_ms=300");
  ASSERT_THAT(Target::Get().mock().WaitForCallbackDelivered(id, absl::Seconds(10)), IsOk());
  Json ended = ParseOrFail(*Target::Get().mock().Journal(
      {{"kind", "task"}, {"task_id", id}, {"status", "succeeded"}}));
  Json delivered = ParseOrFail(*Target::Get().mock().Journal(
      {{"kind", "callback"}, {"task_id", id}}));
  EXPECT_GE(JsonNumber(delivered, "entries.0.at") - JsonNumber(ended, "entries.0.at"), 0.29);
}

TEST(ContractCallbacks, RetriedUntilAcknowledged) {
  MOCK_ONLY();
  CallbackReceiver receiver(/*reject_first=*/2);
  std::string id = CreateCallbackTask(receiver, "callback_retry");
  ASSERT_THAT(Target::Get().mock().WaitForCallbackDelivered(id, absl::Seconds(10)), IsOk());
  Json journal = ParseOrFail(*Target::Get().mock().Journal({{"kind", "callback"}, {"task_id", id}}));
  EXPECT_EQ(JsonString(journal, "entries.0.outcome"), "rejected");
  EXPECT_EQ(JsonNumber(journal, "entries.0.http_status"), 500);
  EXPECT_TRUE(JsonTrue(journal, "entries.0.will_retry"));
  EXPECT_EQ(JsonString(journal, "entries.1.outcome"), "rejected");
  EXPECT_EQ(JsonString(journal, "entries.2.outcome"), "delivered");
  EXPECT_EQ(JsonNumber(journal, "entries.2.attempt"), 3);
  EXPECT_THAT(receiver.bodies(), SizeIs(1));
}

TEST(ContractCallbacks, WithoutTheRetryScenarioAFailedCallbackIsNotResent) {
  MOCK_ONLY();
  CallbackReceiver receiver(/*reject_first=*/1);
  std::string id = CreateCallbackTask(receiver, "generation_ms=10");
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "callback"}, {"task_id", id}, {"outcome", "rejected"}},
                  absl::Seconds(10)),
              IsOk());
  Json journal = ParseOrFail(*Target::Get().mock().Journal({{"kind", "callback"}, {"task_id", id}}));
  EXPECT_THAT(journal.struct_value().fields().at("entries").list_value().values(), SizeIs(1));
  EXPECT_FALSE(JsonTrue(journal, "entries.0.will_retry"));
}

TEST(ContractCallbacks, UnreachableReceiverIsJournaledAsFailed) {
  MOCK_ONLY();
  HttpResult r = PostVideos(TextBody("a cat", R"("callback_url":"http://127.0.0.1:1/cb")"));
  std::string id = TaskIdOf(r);
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "callback"}, {"task_id", id}, {"outcome", "failed"}},
                  absl::Seconds(10)),
              IsOk());
}

TEST(ContractCallbacks, FailedGenerationIsCalledBackAsFailed) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  std::string id = CreateCallbackTask(receiver, "fail");
  ASSERT_THAT(Target::Get().mock().WaitForCallbackDelivered(id, absl::Seconds(10)), IsOk());
  Json body = ParseOrFail(receiver.bodies().at(0));
  EXPECT_FALSE(JsonTrue(body, "success"));
  EXPECT_EQ(JsonString(body, "data.status"), "failed");
  EXPECT_EQ(JsonString(body, "error.code"), "api_error");
}

// ---------------------------------------------------------------------------
// Faults.

TEST(ContractFaults, EachFaultAsAClientSeesIt) {
  MOCK_ONLY();
  struct Case {
    std::string scenario;
    std::vector<CURLcode> codes;
    long status;  // when the transfer itself succeeds
  };
  std::vector<Case> cases = {
      {"reset", {CURLE_RECV_ERROR, CURLE_GOT_NOTHING}, 0},
      {"empty_reply", {CURLE_GOT_NOTHING}, 0},
      {"truncated", {CURLE_PARTIAL_FILE}, 200},
      {"malformed_json", {CURLE_OK}, 200},
      {"html_502", {CURLE_OK}, 502},
      {"slow_drip,drip_interval_ms=5,drip_chunk_bytes=64", {CURLE_OK}, 200},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.scenario);
    HttpResult r = PostVideos(TextBody("a cat"), {"X-Mock-Scenario: " + c.scenario});
    EXPECT_THAT(c.codes, ::testing::Contains(r.code)) << r.error;
    if (r.code != CURLE_OK) continue;
    EXPECT_EQ(r.status, c.status);
    if (c.scenario == "malformed_json") {
      EXPECT_FALSE(ParseJsonValue(r.body).ok()) << r.body;
    } else if (c.scenario == "html_502") {
      EXPECT_EQ(r.Header("Content-Type"), "text/html");
      EXPECT_THAT(r.body, HasSubstr("502 Bad Gateway"));
    } else {
      EXPECT_EQ(JsonString(ParseOrFail(r.body), "data.status"), "succeeded");
    }
  }
}

TEST(ContractFaults, ResetAnswerStillCreatesTheTask) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  HttpResult r = PostVideos(
      TextBody("a cat", absl::StrCat(R"("callback_url":")", receiver.url(), R"(")")),
      {"X-Mock-Scenario: reset"});
  EXPECT_NE(r.code, CURLE_OK);
  // The client never saw the id; the journal and the callback have it.
  Json created = ParseOrFail(*Target::Get().mock().Journal(
      {{"kind", "task"}, {"status", "queued"}, {"scenario", "reset"}}));
  std::string id = JsonString(created, "entries.0.task_id");
  ASSERT_FALSE(id.empty());
  EXPECT_THAT(Target::Get().mock().WaitForCallbackDelivered(id, absl::Seconds(10)), IsOk());
}

TEST(ContractFaults, FaultsApplyToTheTasksEndpointToo) {
  MOCK_ONLY();
  std::string id = TaskIdOf(PostVideos(TextBody("a cat", R"("async": true)")));
  HttpResult r = PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"),
                           {"X-Mock-Scenario: empty_reply"});
  EXPECT_EQ(r.code, CURLE_GOT_NOTHING);
}

// ---------------------------------------------------------------------------
// Media.

TEST(ContractMedia, VideoUrlServesAPlayableMp4WithRanges) {
  MOCK_ONLY();
  HttpResult r = PostVideos(TextBody("a cat"));
  std::string url = JsonString(ParseOrFail(r.body), "data.video_url");
  ASSERT_FALSE(url.empty());
  HttpResult whole = PerformHttp({.url = url});
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.Header("Content-Type"), "video/mp4");
  EXPECT_EQ(whole.Header("Accept-Ranges"), "bytes");
  EXPECT_EQ(whole.body.substr(4, 4), "ftyp");
  HttpResult part = PerformHttp({.url = url, .headers = {"Range: bytes=0-15"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.Header("Content-Range"), absl::StrCat("bytes 0-15/", whole.body.size()));
  EXPECT_EQ(part.body, whole.body.substr(0, 16));
  HttpResult tail = PerformHttp({.url = url, .headers = {"Range: bytes=-10"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, whole.body.substr(whole.body.size() - 10));
  HttpResult past = PerformHttp(
      {.url = url, .headers = {absl::StrCat("Range: bytes=", whole.body.size(), "-")}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.Header("Content-Range"), absl::StrCat("bytes */", whole.body.size()));
  HttpResult head = PerformHttp({.method = "HEAD", .url = url});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), absl::StrCat(whole.body.size()));
}

// ---------------------------------------------------------------------------
// Quota.

TEST(ContractQuota, RateLimitPerTokenAnswers429WithRetryAfter) {
  MOCK_ONLY();
  ASSERT_THAT(Target::Get().mock().SetConfig(
                  R"({"rate_limit_per_second": 0.5, "rate_limit_burst": 2})"),
              IsOk());
  std::string body = TextBody("a cat", R"("async": true)");
  EXPECT_EQ(PostVideos(body).status, 200);
  EXPECT_EQ(PostVideos(body).status, 200);
  HttpResult limited = PostVideos(body);
  ExpectErrorEnvelope(limited, 429, "too_many_requests");
  EXPECT_THAT(limited.Header("Retry-After"), AnyOf("1", "2"));
  // Another token has its own bucket.
  EXPECT_EQ(Post("/v1/seedance/videos", body, {"Authorization: Bearer other-token"}, false)
                .status,
            200);
}

TEST(ContractQuota, TasksInFlightAreCapped) {
  MOCK_ONLY();
  ASSERT_THAT(Target::Get().mock().SetConfig(R"({"max_tasks_in_flight": 1})"), IsOk());
  std::string body = TextBody("a cat", R"("async": true)");
  std::string first = TaskIdOf(PostVideos(body, {"X-Mock-Generation-Ms: 300"}));
  ExpectErrorEnvelope(PostVideos(body), 429, "too_many_requests");
  WaitForTaskEnd(first);
  EXPECT_EQ(PostVideos(body).status, 200);
}

TEST(ContractQuota, FailFirstNCallsThenSucceed) {
  MOCK_ONLY();
  ASSERT_THAT(Target::Get().mock().SetConfig(
                  R"({"fail_first_n": 2, "fail_first_scenario": "too_many_requests"})"),
              IsOk());
  std::string body = TextBody("a cat", R"("async": true)");
  ExpectErrorEnvelope(PostVideos(body), 429, "too_many_requests");
  ExpectErrorEnvelope(PostVideos(body), 429, "too_many_requests");
  EXPECT_EQ(PostVideos(body).status, 200);
}

// ---------------------------------------------------------------------------
// Admin API.

TEST(ContractAdmin, JournalRecordsARequestAsItArrives) {
  MOCK_ONLY();
  std::string marker = absl::StrCat("held-", getpid());
  HttpResult r;
  std::thread client([&] {
    r = PostVideos(TextBody(marker), {"X-Mock-Generation-Ms: 1000"});
  });
  // The request is journaled while the call is still held.
  ASSERT_THAT(Target::Get().mock().WaitForJournal(
                  {{"kind", "task"}, {"status", "queued"}}, absl::Seconds(10)),
              IsOk());
  Json journal = ParseOrFail(*Target::Get().mock().Journal({{"kind", "request"}}));
  EXPECT_THAT(JsonString(journal, "entries.0.body"), HasSubstr(marker));
  EXPECT_EQ(JsonString(journal, "entries.0.path"), "/v1/seedance/videos");
  EXPECT_EQ(Target::Get().mock().Journal({{"kind", "response"}})->find(marker),
            std::string::npos);
  client.join();
  EXPECT_EQ(r.status, 200);
  // The token itself is never journaled.
  EXPECT_EQ(Target::Get().mock().Journal()->find(Target::Get().token()), std::string::npos);
}

TEST(ContractAdmin, ResetAnswersHeldCallsAndCancelsCallbacks) {
  MOCK_ONLY();
  CallbackReceiver receiver;
  std::string callback_id = CreateCallbackTask(receiver, "generation_ms=2000");
  HttpResult held;
  std::thread client([&] { held = PostVideos(TextBody("a cat"), {"X-Mock-Generation-Ms: 60000"}); });
  ASSERT_THAT(Target::Get().mock().WaitForJournal({{"kind", "task"}, {"mode", "blocking"}},
                                                  absl::Seconds(10)),
              IsOk());
  ASSERT_THAT(Target::Get().mock().Reset(), IsOk());
  client.join();
  ExpectErrorEnvelope(held, 500, "api_error");
  // After the reset the callback never comes: its task is gone.
  HttpResult r = PostTasks(absl::StrCat(R"({"action":"retrieve","id":")", callback_id, R"("})"));
  ExpectErrorEnvelope(r, 400, "api_not_implemented");
  EXPECT_FALSE(Target::Get().mock().WaitForCallbackDelivered(callback_id, absl::Seconds(3)).ok());
  EXPECT_THAT(receiver.bodies(), SizeIs(0));
}

TEST(ContractAdmin, ConfigChangesTheGenerationTime) {
  MOCK_ONLY();
  ASSERT_THAT(Target::Get().mock().SetConfig(R"({"generation_ms": 500})"), IsOk());
  absl::Time start = absl::Now();
  EXPECT_EQ(PostVideos(TextBody("a cat")).status, 200);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(500));
  HttpResult bad = PerformHttp({.method = "POST",
                                .url = Target::Get().base_url() + "/__mock/config",
                                .body = R"({"colour": 1})"});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("colour"));
}

TEST(ContractAdmin, UnknownAdminEndpointIs404) {
  MOCK_ONLY();
  EXPECT_EQ(PerformHttp({.url = Target::Get().base_url() + "/__mock/nothing"}).status, 404);
  HttpResult scenarios = PerformHttp({.url = Target::Get().base_url() + "/__mock/scenarios"});
  EXPECT_THAT(scenarios.body, HasSubstr("callback_out_of_order"));
}

// ---------------------------------------------------------------------------
// The process.

TEST(ContractProcess, HelpListsEveryFlagAndScenario) {
  MOCK_ONLY();
  auto help = testing::ChildProcess::Start(testing::MockUpstreamBinary(), {"--help"},
                                           {.quiet_stderr = true});
  ASSERT_THAT(help, IsOk());
  std::string text;
  for (auto line = (*help)->ReadLine(absl::Seconds(10)); line.ok();
       line = (*help)->ReadLine(absl::Seconds(10))) {
    absl::StrAppend(&text, *line, "\n");
  }
  for (const char* expected :
       {"--port", "--generation_ms", "--tokens", "--foreign_tokens", "--rate_limit_per_second",
        "--max_tasks_in_flight", "--fail_first_n", "--callback_retry_ms", "reset",
        "empty_reply", "truncated", "malformed_json", "html_502", "slow_drip",
        "callback_duplicate", "callback_out_of_order", "callback_drop", "callback_retry",
        "/__mock/journal/wait", "/__mock/reset", "/__mock/rules"}) {
    EXPECT_THAT(text, HasSubstr(expected));
  }
}

TEST(ContractProcess, StartsFastAndStopsCleanlyOnSigterm) {
  MOCK_ONLY();
  absl::Time start = absl::Now();
  auto mock = MockUpstreamProcess::Start({"--log_level=warning"});
  ASSERT_THAT(mock, IsOk());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // Stops even with a call held open.
  std::thread client([&] {
    PerformHttp({.method = "POST",
                 .url = (*mock)->base_url() + "/v1/seedance/videos",
                 .headers = {"Authorization: Bearer t", "X-Mock-Generation-Ms: 60000"},
                 .body = TextBody("a cat")});
  });
  ASSERT_THAT((*mock)->WaitForJournal({{"kind", "task"}}, absl::Seconds(10)), IsOk());
  absl::StatusOr<int> exit_code = (*mock)->Stop(absl::Seconds(10));
  ASSERT_THAT(exit_code, IsOk());
  EXPECT_EQ(*exit_code, 0);
  client.join();
}

}  // namespace
}  // namespace seedance
