#include "server/upstream/callback_receiver.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "tests/server/stats/recording_stats.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::ReadFixture;
using ::seedance::testing::StatusIs;

http::Request Post(const std::string& path, const std::string& body) {
  http::Request r;
  r.method = "POST";
  r.path = path;
  r.target = path;
  r.body = body;
  return r;
}

TEST(CallbackReceiverTest, ReadsTheGuidesCallbackBody) {
  absl::StatusOr<ParsedCallback> parsed = ParseCallbackRequest(
      Post("/v1/upstream-callbacks/task-1/s3cret", ReadFixture("upstream/callback_body.json")));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->task_id, "task-1");
  EXPECT_EQ(parsed->secret, "s3cret");
  EXPECT_EQ(parsed->answer.data(0).status(), "succeeded");
}

TEST(CallbackReceiverTest, RejectsOtherPathsMethodsAndBodies) {
  std::string body = ReadFixture("upstream/callback_body.json");
  for (const char* path : {"/", "/v1/upstream-callbacks", "/v1/upstream-callbacks/",
                           "/v1/upstream-callbacks/task-1", "/v1/upstream-callbacks//s",
                           "/v1/upstream-callbacks/t/s/extra", "/v1/upstream-callbacksX/t/s"}) {
    SCOPED_TRACE(path);
    EXPECT_THAT(ParseCallbackRequest(Post(path, body)),
                StatusIs(absl::StatusCode::kNotFound));
  }
  http::Request get = Post("/v1/upstream-callbacks/t/s", body);
  get.method = "GET";
  EXPECT_THAT(ParseCallbackRequest(get), StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(ParseCallbackRequest(Post("/v1/upstream-callbacks/t/s", "<html>")),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CallbackReceiverTest, OutcomesMapToHttpStatuses) {
  EXPECT_EQ(CallbackResponse(absl::OkStatus()).status, 200);
  EXPECT_EQ(CallbackResponse(absl::NotFoundError("")).status, 404);
  EXPECT_EQ(CallbackResponse(absl::PermissionDeniedError("")).status, 403);
  EXPECT_EQ(CallbackResponse(absl::InvalidArgumentError("")).status, 400);
  EXPECT_EQ(CallbackResponse(absl::UnimplementedError("")).status, 405);
  EXPECT_EQ(CallbackResponse(absl::FailedPreconditionError("")).status, 409);
  // Not stored yet: the upstream should retry.
  EXPECT_EQ(CallbackResponse(absl::UnavailableError("")).status, 503);
  EXPECT_EQ(CallbackResponse(absl::InternalError("")).status, 503);
}

TEST(CallbackReceiverTest, ABodyThatDoesNotParseIsRefusedAndCountedWithoutReachingTheSink) {
  stats::RecordingStats stats;
  int sunk = 0;
  absl::StatusOr<std::unique_ptr<CallbackReceiver>> receiver = CallbackReceiver::Start(
      {.stats = &stats}, [&sunk](ParsedCallback, std::function<void(absl::Status)> done) {
        ++sunk;
        done(absl::OkStatus());
      });
  ASSERT_THAT(receiver, IsOk());
  std::string url = absl::StrCat("http://127.0.0.1:", (*receiver)->port(),
                                 "/v1/upstream-callbacks/t/s");
  testing::CurlClient http;
  EXPECT_EQ(http.Perform({.method = "POST", .url = url, .body = "<html>"}).status, 400);
  EXPECT_EQ(sunk, 0);
  EXPECT_EQ(stats.callbacks, std::vector{stats::CallbackResult::kRefused});
  // A body that parses goes to the sink, which counts it (not the receiver).
  EXPECT_EQ(http.Perform({.method = "POST",
                          .url = url,
                          .body = ReadFixture("upstream/callback_body.json")})
                .status,
            200);
  EXPECT_EQ(sunk, 1);
  EXPECT_EQ(stats.callbacks.size(), 1u);
}

TEST(CallbackReceiverTest, CallbacksCountAsTheUpstreamSeesTheirAnswer) {
  EXPECT_EQ(CallbackResultOf(absl::OkStatus(), false), stats::CallbackResult::kApplied);
  EXPECT_EQ(CallbackResultOf(absl::OkStatus(), true), stats::CallbackResult::kDuplicate);
  // For every code: refused exactly when the answer is a 4xx (the upstream
  // gives up), retry_later exactly when it is a 503 (it sends again).
  for (int code = 1; code <= 16; ++code) {
    absl::Status outcome(static_cast<absl::StatusCode>(code), "x");
    SCOPED_TRACE(outcome.ToString());
    int http = CallbackResponse(outcome).status;
    stats::CallbackResult result = CallbackResultOf(outcome, false);
    EXPECT_EQ(result == stats::CallbackResult::kRefused, http >= 400 && http < 500);
    EXPECT_EQ(result == stats::CallbackResult::kRetryLater, http == 503);
  }
}

}  // namespace
}  // namespace seedance::server::upstream
