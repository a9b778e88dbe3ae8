#include "server/webhooks/webhook_payload.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/json_value.h"
#include "upstream_api/status_details.h"
#include "upstream_api/upstream_json.h"

namespace seedance::server::webhooks {
namespace {

using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::seedance::testing::ReadFixture;
using ::testing::StartsWith;

const absl::Time kNow = absl::FromUnixSeconds(1766359894);

// The JSON of `json` without the whitespace between tokens.
std::string Compact(const std::string& json) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) out += json[++i];
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      out += c;
    }
  }
  return out;
}

StoredTask Ended(v1::CallbackFormat format) {
  StoredTask r;
  r.mutable_task()->set_task_id("gw-1");
  r.mutable_task()->set_state(v1::TASK_STATE_SUCCEEDED);
  r.mutable_task()->mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
  r.mutable_task()->mutable_spec()->set_callback_url("https://me.example/hook");
  r.mutable_task()->mutable_spec()->set_callback_format(format);
  return r;
}

TEST(WebhookPayloadTest, TheDefaultIsTheGatewaysTaskEvent) {
  for (v1::CallbackFormat format :
       {v1::CALLBACK_FORMAT_UNSPECIFIED, v1::CALLBACK_FORMAT_TASK_EVENT}) {
    std::string body = WebhookPayload(Ended(format), kNow);
    EXPECT_THAT(body, StartsWith(R"({"type":"video_task.ended","timestamp":"2025-12-21T23:31:34+00:00","data":{)"));
    auto json = ParseJsonValue(body);
    ASSERT_TRUE(json.ok()) << body;
    EXPECT_EQ(JsonString(*json, "data.task_id"), "gw-1");
    EXPECT_EQ(JsonString(*json, "data.state"), "TASK_STATE_SUCCEEDED");
  }
}

// The provider's callback is the blocking answer (the guide); what the
// gateway read is sent on, byte for byte the guide's example.
TEST(WebhookPayloadTest, TheUpstreamFormatIsTheProvidersAnswerByteForByte) {
  for (const char* fixture : {"upstream/videos_response_text.json", "upstream/callback_body.json"}) {
    SCOPED_TRACE(fixture);
    StoredTask r = Ended(v1::CALLBACK_FORMAT_UPSTREAM);
    auto answer = upstream_api::ParseVideosResponse(ReadFixture(fixture));
    ASSERT_TRUE(answer.ok());
    *r.mutable_upstream_answer() = *answer;
    EXPECT_EQ(WebhookPayload(r, kNow), Compact(ReadFixture(fixture)));
  }
}

TEST(WebhookPayloadTest, ATaskTheGatewayEndedGetsABodyOfTheProvidersShape) {
  StoredTask r = Ended(v1::CALLBACK_FORMAT_UPSTREAM);
  r.mutable_task()->set_state(v1::TASK_STATE_FAILED);
  r.mutable_task()->mutable_upstream()->set_trace_id("tr-1");
  *r.mutable_task()->mutable_error() = upstream_api::ToRpcStatus(upstream_api::WithErrorInfo(
      absl::UnavailableError("the outcome is unknown"), "UPSTREAM_OUTCOME_UNKNOWN", "gateway"));
  EXPECT_EQ(WebhookPayload(r, kNow),
            R"({"success":false,"trace_id":"tr-1","data":{)"
            R"("status":"failed","model":"doubao-seedance-1-0-pro-250528"},)"
            R"("error":{"code":"upstream_outcome_unknown","message":"the outcome is unknown"}})");

  r.mutable_task()->set_state(v1::TASK_STATE_CANCELLED);
  r.mutable_task()->mutable_upstream()->set_task_id("up-1");
  *r.mutable_task()->mutable_error() = upstream_api::ToRpcStatus(upstream_api::WithErrorInfo(
      absl::CancelledError("cancelled by its owner"), "CANCELLED", "gateway",
      {{"upstream_code", "ignored_here"}}));
  auto json = ParseJsonValue(WebhookPayload(r, kNow));
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(JsonString(*json, "data.status"), "cancelled");
  EXPECT_EQ(JsonString(*json, "task_id"), "up-1");
  EXPECT_EQ(JsonString(*json, "error.code"), "ignored_here");  // the upstream's code wins
}

}  // namespace
}  // namespace seedance::server::webhooks
