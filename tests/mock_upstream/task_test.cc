#include "mock_upstream/task.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/json_value.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/upstream_json.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::JsonAt;
using ::seedance::testing::ParseJsonValue;
using ::seedance::testing::ReadFixture;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kBase[] = "http://127.0.0.1:9";

upstream::v1::VideosRequest GuideRequest(const std::string& fixture) {
  absl::StatusOr<upstream::v1::VideosRequest> request =
      upstream_api::ParseVideosRequest(ReadFixture("upstream/" + fixture));
  EXPECT_THAT(request, IsOk());
  return *request;
}

Task Plan(upstream::v1::VideosRequest request, const std::string& scenario_list = "",
          absl::Time now = absl::FromUnixSeconds(1766361600)) {
  Scenario scenario;
  EXPECT_THAT(ApplyScenarioList(scenario_list, scenario), IsOk());
  MockConfig config;
  config.queue_time = absl::Seconds(1);
  config.generation_time = absl::Seconds(10);
  return PlanTask({.request = std::move(request), .scenario = scenario,
                   .config = config, .now = now, .token_key = "k"});
}

// The key paths of a JSON object, "data.task_id" style.
void KeyPaths(const google::protobuf::Value& value, const std::string& prefix,
              std::set<std::string>& out) {
  if (!value.has_struct_value()) return;
  for (const auto& [key, child] : value.struct_value().fields()) {
    std::string path = prefix.empty() ? key : prefix + "." + key;
    out.insert(path);
    KeyPaths(child, path, out);
  }
}

std::set<std::string> KeyPaths(const std::string& json) {
  absl::StatusOr<google::protobuf::Value> value = ParseJsonValue(json);
  EXPECT_THAT(value, IsOk());
  std::set<std::string> paths;
  KeyPaths(*value, "", paths);
  return paths;
}

TEST(TaskTest, PlansIdsModeAndTimes) {
  Task task = Plan(GuideRequest("videos_request_text_inline.json"));
  EXPECT_THAT(task.id, MatchesRegex("[0-9a-f-]{36}"));
  EXPECT_THAT(task.trace_id, MatchesRegex("[0-9a-f-]{36}"));
  EXPECT_THAT(task.provider_task_id, MatchesRegex("cgt-20251222000000-[0-9a-f]{5}"));
  EXPECT_EQ(task.mode, TaskMode::kBlocking);
  EXPECT_EQ(task.started_at - task.created_at, absl::Seconds(1));
  EXPECT_EQ(task.finished_at - task.started_at, absl::Seconds(10));
  EXPECT_EQ(task.final_status, "succeeded");
}

TEST(TaskTest, StatusFollowsTheClock) {
  Task task = Plan(GuideRequest("videos_request_audio.json"));
  absl::Time t0 = task.created_at;
  EXPECT_EQ(StatusAt(task, t0), "queued");
  EXPECT_EQ(StatusAt(task, t0 + absl::Milliseconds(999)), "queued");
  EXPECT_EQ(StatusAt(task, t0 + absl::Seconds(1)), "running");
  EXPECT_EQ(StatusAt(task, t0 + absl::Seconds(11)), "succeeded");
}

TEST(TaskTest, ModesFollowCallbackUrlAndAsync) {
  upstream::v1::VideosRequest request = GuideRequest("videos_request_audio.json");
  request.set_async(true);
  EXPECT_EQ(Plan(request).mode, TaskMode::kAsync);
  request.set_callback_url("http://127.0.0.1:1/cb");
  EXPECT_EQ(Plan(request).mode, TaskMode::kCallback);
}

TEST(TaskTest, ScenariosSetOutcomeAndTiming) {
  upstream::v1::VideosRequest request = GuideRequest("videos_request_audio.json");
  Task failed = Plan(request, "fail,queue_ms=0,generation_ms=20");
  EXPECT_EQ(failed.final_status, "failed");
  EXPECT_EQ(failed.finished_at - failed.created_at, absl::Milliseconds(20));
  EXPECT_EQ(Plan(request, "expire").final_status, "expired");
  Task slow = Plan(request, "slow");
  EXPECT_EQ(slow.finished_at - slow.started_at, MockConfig().slow_generation_time);
}

TEST(TaskTest, ExecutionExpiresAfterEndsALongTask) {
  upstream::v1::VideosRequest request = GuideRequest("videos_request_audio.json");
  request.set_execution_expires_after(3600);
  Task task = Plan(request, "generation_ms=7200000");
  EXPECT_EQ(task.final_status, "expired");
  EXPECT_EQ(task.finished_at - task.created_at, absl::Seconds(3600));
  EXPECT_EQ(StatusAt(task, task.created_at + absl::Seconds(3599)), "running");
  EXPECT_EQ(StatusAt(task, task.created_at + absl::Seconds(3600)), "expired");
  EXPECT_THAT(task.final_message, HasSubstr("execution_expires_after (3600 s)"));
  // A task that ends in time is not touched.
  EXPECT_EQ(Plan(request).final_status, "succeeded");
}

// The guide's documented answers, replayed: the mock's answers have exactly
// their fields (ids and URLs aside).
TEST(TaskTest, ResultsHaveTheGuidesFields) {
  struct Case {
    std::string request;
    std::string response;
  };
  for (const Case& c : std::vector<Case>{
           {"videos_request_text_inline.json", "videos_response_text.json"},
           {"videos_request_first_frame.json", "videos_response_first_frame.json"},
           {"videos_request_first_last_frame.json",
            "videos_response_first_last_frame.json"}}) {
    SCOPED_TRACE(c.request);
    Task task = Plan(GuideRequest(c.request));
    std::string ours = upstream_api::ToWireJson(ResultAt(task, "succeeded", kBase));
    std::string guide = ReadFixture("upstream/" + c.response);
    EXPECT_EQ(KeyPaths(ours), KeyPaths(guide));
    absl::StatusOr<google::protobuf::Value> a = ParseJsonValue(ours);
    absl::StatusOr<google::protobuf::Value> b = ParseJsonValue(guide);
    for (const char* same : {"success", "data.status", "data.model"}) {
      SCOPED_TRACE(same);
      EXPECT_EQ(JsonAt(*a, same)->DebugString(), JsonAt(*b, same)->DebugString());
    }
  }
  // The callback body is the same JSON.
  Task task = Plan(GuideRequest("videos_request_first_last_frame.json"));
  EXPECT_EQ(KeyPaths(upstream_api::ToWireJson(ResultAt(task, "succeeded", kBase))),
            KeyPaths(ReadFixture("upstream/callback_body.json")));
}

TEST(TaskTest, ResultUrlsPointAtTheMock) {
  upstream::v1::VideosRequest request = GuideRequest("videos_request_audio.json");
  request.set_return_last_frame(true);
  Task task = Plan(request);
  upstream::v1::VideosResponse result = ResultAt(task, "succeeded", kBase);
  EXPECT_EQ(result.data(0).video_url(), std::string(kBase) + VideoPath(task));
  EXPECT_EQ(result.data(0).last_frame_url(), std::string(kBase) + LastFramePath(task));
  EXPECT_THAT(VideoPath(task), MatchesRegex("/seedance/[0-9a-f-]{36}\\.mp4"));
}

TEST(TaskTest, WithAMediaTtlResultUrlsCarryTheirExpiry) {
  upstream::v1::VideosRequest request = GuideRequest("videos_request_audio.json");
  request.set_return_last_frame(true);
  MockConfig config;
  config.media_ttl = absl::Minutes(2);
  Task task = PlanTask({.request = request, .config = config,
                        .now = absl::FromUnixSeconds(1766361600), .token_key = "k"});
  EXPECT_EQ(task.media_expires_at, task.finished_at + absl::Minutes(2));
  const std::string expires =
      absl::StrCat("?expires=", absl::ToUnixSeconds(task.finished_at) + 120);
  EXPECT_THAT(VideoPath(task), MatchesRegex("/seedance/[0-9a-f-]{36}\\.mp4\\?expires=[0-9]+"));
  EXPECT_THAT(VideoPath(task), ::testing::EndsWith(expires));
  EXPECT_THAT(LastFramePath(task), ::testing::EndsWith(".png" + expires));
}

TEST(TaskTest, FailedAndExpiredResultsCarryAnError) {
  for (const char* scenario : {"fail", "expire"}) {
    SCOPED_TRACE(scenario);
    Task task = Plan(GuideRequest("videos_request_audio.json"), scenario);
    upstream::v1::VideosResponse result = ResultAt(task, task.final_status, kBase);
    EXPECT_FALSE(result.success());
    EXPECT_EQ(result.data(0).status(), task.final_status);
    EXPECT_EQ(result.data(0).video_url(), "");
    EXPECT_EQ(result.error().code(), "api_error");
    EXPECT_EQ(FinalHttpStatus(task), 500);
    // Also readable as the documented error envelope.
    EXPECT_THAT(upstream_api::ParseErrorResponse(upstream_api::ToWireJson(result)), IsOk());
  }
}

TEST(TaskTest, RecordsFollowTheTasksLife) {
  upstream::v1::VideosRequest request = GuideRequest("videos_request_first_last_frame.json");
  request.set_async(true);
  Task task = Plan(request);
  absl::Time t0 = task.created_at;
  upstream::v1::TaskRecord queued = RecordAt(task, t0 + absl::Milliseconds(500), kBase);
  EXPECT_EQ(queued.id(), task.id);
  EXPECT_EQ(queued.type(), "videos");
  EXPECT_DOUBLE_EQ(queued.created_at(), 1766361600);
  EXPECT_FALSE(queued.has_started_at());
  EXPECT_FALSE(queued.has_finished_at());
  EXPECT_DOUBLE_EQ(queued.elapsed(), 0.5);
  EXPECT_EQ(queued.response().data(0).status(), "queued");
  EXPECT_EQ(queued.request().content_size(), 3);

  upstream::v1::TaskRecord running = RecordAt(task, t0 + absl::Seconds(2), kBase);
  EXPECT_DOUBLE_EQ(running.started_at(), 1766361601);
  EXPECT_EQ(running.response().data(0).status(), "running");

  upstream::v1::TaskRecord done = RecordAt(task, t0 + absl::Seconds(100), kBase);
  EXPECT_DOUBLE_EQ(done.finished_at(), 1766361611);
  EXPECT_DOUBLE_EQ(done.elapsed(), 11);
  EXPECT_EQ(done.response().data(0).status(), "succeeded");
  // The sibling record's fields, ids aside.
  EXPECT_EQ(KeyPaths(upstream_api::ToWireJson(done)),
            KeyPaths(upstream_api::ToWireJson(*upstream_api::ParseTaskRecord(
                ReadFixture("upstream/sibling_task_record.json")))));
}

TEST(TaskTest, TokenFingerprintIsStableAndHidesTheToken) {
  EXPECT_EQ(TokenFingerprint("secret-token"), TokenFingerprint("secret-token"));
  EXPECT_NE(TokenFingerprint("secret-token"), TokenFingerprint("secret-tokem"));
  EXPECT_THAT(TokenFingerprint("secret-token"), MatchesRegex("[0-9a-f]{16}"));
}

}  // namespace
}  // namespace seedance::mock_upstream
