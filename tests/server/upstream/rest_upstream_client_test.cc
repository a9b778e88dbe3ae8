#include "server/upstream/rest_upstream_client.h"

#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/http/curl/fake_http_transport.h"
#include "tests/server/stats/recording_stats.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::ReadFixture;
using ::seedance::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kTraceparent[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

class RestUpstreamClientTest : public ::testing::Test {
 protected:
  RestUpstreamClientTest()
      : client_(transport_, {.base_url = "https://api.test", .stats = &stats_}, clock_) {}

  std::optional<absl::StatusOr<SubmitResult>> Submit() {
    seedance::upstream::v1::VideosRequest request;
    request.set_model("doubao-seedance-1-0-pro-250528");
    request.add_content()->set_text("a cat");
    request.set_seed(-1);
    client_.Submit(request, {.token = "tok-123", .traceparent = kTraceparent}, absl::Minutes(3),
                   [this](absl::StatusOr<SubmitResult> r) { submitted_ = std::move(r); });
    return std::nullopt;
  }

  testing::FakeClock clock_;
  http::curl::FakeHttpTransport transport_;
  stats::RecordingStats stats_;
  RestUpstreamClient client_;
  std::optional<absl::StatusOr<SubmitResult>> submitted_;
};

TEST_F(RestUpstreamClientTest, SubmitSendsTheDocumentedRequest) {
  Submit();
  ASSERT_EQ(transport_.calls.size(), 1u);
  const http::curl::HttpCall& call = transport_.calls[0].call;
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.url, "https://api.test/v1/seedance/videos");
  EXPECT_THAT(call.headers, Contains(Pair("authorization", "Bearer tok-123")));
  EXPECT_THAT(call.headers, Contains(Pair("accept", "application/json")));
  EXPECT_THAT(call.headers, Contains(Pair("content-type", "application/json")));
  EXPECT_THAT(call.headers, Contains(Pair("traceparent", kTraceparent)));
  EXPECT_EQ(call.body,
            R"({"model":"doubao-seedance-1-0-pro-250528","content":[{"text":"a cat"}],)"
            R"("seed":-1})");
  EXPECT_EQ(call.timeout, absl::Minutes(3));
}

TEST_F(RestUpstreamClientTest, BlockingAnswerIsFinal) {
  Submit();
  transport_.Answer(1, 200, ReadFixture("upstream/videos_response_text.json"));
  ASSERT_TRUE(submitted_.has_value());
  ASSERT_THAT(*submitted_, IsOk());
  ASSERT_TRUE((*submitted_)->final_answer.has_value());
  EXPECT_EQ((*submitted_)->final_answer->data(0).status(), "succeeded");
  EXPECT_FALSE((*submitted_)->accepted.has_value());
}

TEST_F(RestUpstreamClientTest, TaskIdAloneIsAccepted) {
  Submit();
  transport_.Answer(1, 200, ReadFixture("upstream/videos_accepted.json"));
  ASSERT_THAT(*submitted_, IsOk());
  ASSERT_TRUE((*submitted_)->accepted.has_value());
  EXPECT_EQ((*submitted_)->accepted->task_id(), "f7096c6c-9430-4392-8201-d259632d7afd");
}

TEST_F(RestUpstreamClientTest, ErrorAnswersAreMapped) {
  Submit();
  transport_.Answer(1, 401, ReadFixture("upstream/error_response.json"));
  EXPECT_THAT(*submitted_, StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(RestUpstreamClientTest, MalformedSuccessIsInternalForSubmissions) {
  Submit();
  transport_.Answer(1, 200, "{\"success\": tru");
  EXPECT_THAT(*submitted_, StatusIs(absl::StatusCode::kInternal, HasSubstr("not the documented JSON")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(submitted_->status())->reason(),
            "UPSTREAM_MALFORMED_RESPONSE");
}

TEST_F(RestUpstreamClientTest, EmptyObjectIsNotAnAcceptance) {
  Submit();
  transport_.Answer(1, 200, "{}");
  EXPECT_THAT(*submitted_, StatusIs(absl::StatusCode::kInternal));
}

TEST_F(RestUpstreamClientTest, TransportFailuresPassThrough) {
  Submit();
  transport_.Answer(1, http::curl::MarkRequestNeverSent(absl::UnavailableError("refused")));
  EXPECT_THAT(*submitted_, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(http::curl::RequestNeverSent(submitted_->status()));
}

TEST_F(RestUpstreamClientTest, RetrieveReadsTheTaskRecord) {
  std::optional<absl::StatusOr<seedance::upstream::v1::TaskRecord>> got;
  client_.Retrieve("task-9", {.token = "tok", .traceparent = kTraceparent}, absl::Seconds(30),
                   [&got](absl::StatusOr<seedance::upstream::v1::TaskRecord> r) { got = std::move(r); });
  ASSERT_EQ(transport_.calls.size(), 1u);
  EXPECT_EQ(transport_.calls[0].call.url, "https://api.test/v1/seedance/tasks");
  EXPECT_THAT(transport_.calls[0].call.headers, Contains(Pair("traceparent", kTraceparent)));
  EXPECT_EQ(transport_.calls[0].call.body, R"({"action":"retrieve","id":"task-9"})");
  transport_.Answer(1, 200, ReadFixture("upstream/sibling_task_record.json"));
  ASSERT_THAT(*got, IsOk());
  EXPECT_EQ((*got)->response().data(0).status(), "succeeded");

  // A task older than trace context has none to send.
  client_.Retrieve("task-9", {.token = "tok"}, absl::Seconds(30),
                   [&got](absl::StatusOr<seedance::upstream::v1::TaskRecord> r) { got = std::move(r); });
  for (const auto& header : transport_.calls[1].call.headers) {
    EXPECT_NE(header.first, "traceparent");
  }
  transport_.Answer(2, 500, ReadFixture("upstream/error_response.json"));
  EXPECT_THAT(*got, StatusIs(absl::StatusCode::kUnavailable));  // reads are retryable
}

TEST_F(RestUpstreamClientTest, CancelReachesTheTransport) {
  Submit();
  client_.Cancel(1);
  EXPECT_TRUE(transport_.calls[0].cancelled);
  EXPECT_THAT(*submitted_, StatusIs(absl::StatusCode::kCancelled));
  // The gateway ended it: nothing the upstream did, so not counted.
  EXPECT_TRUE(stats_.requests.empty());
}

TEST_F(RestUpstreamClientTest, EveryRequestIsCountedWithItsOutcomeHttpStatusAndLatency) {
  Submit();
  clock_.Advance(absl::Seconds(70));  // a blocking answer
  transport_.Answer(1, 200, ReadFixture("upstream/videos_response_text.json"));
  Submit();
  transport_.Answer(2, 401, ReadFixture("upstream/error_response.json"));
  Submit();
  transport_.Answer(3, absl::UnavailableError("connection reset"));
  client_.Retrieve("f7096c6c", {.token = "tok-123"}, absl::Seconds(30), [](auto) {});
  clock_.Advance(absl::Milliseconds(40));
  transport_.Answer(4, 200, ReadFixture("upstream/sibling_task_record.json"));
  ASSERT_EQ(stats_.requests.size(), 4u);
  EXPECT_EQ(stats_.requests[0].call, stats::UpstreamCall::kSubmit);
  EXPECT_EQ(stats_.requests[0].outcome, absl::StatusCode::kOk);
  EXPECT_EQ(stats_.requests[0].http_status, 200);
  EXPECT_EQ(stats_.requests[0].latency, absl::Seconds(70));
  EXPECT_EQ(stats_.requests[1].outcome, absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(stats_.requests[1].http_status, 401);
  EXPECT_EQ(stats_.requests[2].outcome, absl::StatusCode::kUnavailable);
  EXPECT_EQ(stats_.requests[2].http_status, 0);  // no HTTP answer
  EXPECT_EQ(stats_.requests[3].call, stats::UpstreamCall::kRetrieve);
  EXPECT_EQ(stats_.requests[3].http_status, 200);
  EXPECT_EQ(stats_.requests[3].latency, absl::Milliseconds(40));
}

}  // namespace
}  // namespace seedance::server::upstream
