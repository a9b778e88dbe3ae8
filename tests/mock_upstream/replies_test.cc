#include "mock_upstream/replies.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_exchange.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/json_value.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/upstream_json.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::testing::MatchesRegex;

TEST(RepliesTest, EveryDocumentedCodeHasItsHttpStatus) {
  struct Case {
    std::string code;
    int status;
  };
  for (const Case& c : std::vector<Case>{{"token_mismatched", 400},
                                         {"api_not_implemented", 400},
                                         {"invalid_token", 401},
                                         {"too_many_requests", 429},
                                         {"api_error", 500}}) {
    SCOPED_TRACE(c.code);
    http::Response reply = ErrorReply(c.code, "why");
    EXPECT_EQ(reply.status, c.status);
    EXPECT_EQ(*reply.FindHeader("Content-Type"), "application/json");
    absl::StatusOr<google::protobuf::Value> body = ParseJsonValue(reply.body);
    ASSERT_THAT(body, IsOk());
    EXPECT_EQ(JsonString(*body, "error.code"), c.code);
    EXPECT_EQ(JsonString(*body, "error.message"), "why");
    EXPECT_THAT(JsonString(*body, "trace_id"), MatchesRegex("[0-9a-f-]{36}"));
    EXPECT_EQ(reply.FindHeader("Retry-After") != nullptr, c.status == 429);
  }
}

TEST(RepliesTest, ErrorEnvelopeHasTheGuidesShape) {
  http::Response reply = ErrorReply("api_error", "获取失败");
  absl::StatusOr<upstream::v1::ErrorResponse> ours = upstream_api::ParseErrorResponse(reply.body);
  absl::StatusOr<upstream::v1::ErrorResponse> guide =
      upstream_api::ParseErrorResponse(testing::ReadFixture("upstream/error_response.json"));
  ASSERT_THAT(ours, IsOk());
  ASSERT_THAT(guide, IsOk());
  EXPECT_EQ(ours->success(), guide->success());
  EXPECT_EQ(ours->error().code(), guide->error().code());
  EXPECT_EQ(ours->error().message(), guide->error().message());
  // Keys in the guide's order: success, error, trace_id.
  EXPECT_THAT(reply.body, MatchesRegex(R"(\{"success":false,"error":\{"code":.*\},"trace_id":".*"\})"));
}

TEST(RepliesTest, MessageQuotingInvalidUtf8IsStillJson) {
  // A path the client sent, with bytes that are not UTF-8.
  http::Response reply =
      ErrorReply("api_not_implemented", "api not implemented: POST /v1/seeda\xC1\xBA\xAB/x");
  absl::StatusOr<upstream::v1::ErrorResponse> parsed = upstream_api::ParseErrorResponse(reply.body);
  ASSERT_THAT(parsed, IsOk()) << reply.body;
  EXPECT_EQ(parsed->error().message(),
            "api not implemented: POST /v1/seeda\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD/x");
}

TEST(RepliesTest, RetryAfterIsWholeSecondsRoundedUp) {
  EXPECT_EQ(*ErrorReply("too_many_requests", "x", absl::Milliseconds(200))
                 .FindHeader("Retry-After"),
            "1");
  EXPECT_EQ(*ErrorReply("too_many_requests", "x", absl::Milliseconds(2500))
                 .FindHeader("Retry-After"),
            "3");
}

// Records which terminal call a fault made.
// The one action an exchange was ended with, in words.
std::string Describe(const ::seedance::testing::ExchangeRecord& r) {
  if (!r.responses.empty()) {
    return "respond " + std::to_string(r.responses[0].status) + " " + r.responses[0].body;
  }
  if (r.faults.empty()) return "";
  const std::string& fault = r.faults[0];
  if (fault == "raw") return "raw " + r.raw_bytes;
  if (fault == "drip") {
    return "drip " + std::to_string(r.drip_chunk_bytes) + " " +
           std::to_string(absl::ToInt64Milliseconds(r.drip_interval)) + " " +
           std::to_string(r.raw_bytes.size());
  }
  return fault;
}

TEST(RepliesTest, FaultsReplaceTheAnswer) {
  http::Response intended = RawJsonReply(200, R"({"task_id":"0123456789"})");
  std::string wire = http::SerializeResponse(intended);
  struct Case {
    Fault fault;
    std::string expect;
  };
  std::vector<Case> cases = {
      {Fault::kNone, R"(respond 200 {"task_id":"0123456789"})"},
      {Fault::kReset, "reset"},
      {Fault::kEmptyReply, "close"},
      {Fault::kTruncated, "raw " + wire.substr(0, wire.size() - 12)},
      {Fault::kMalformedJson, R"(respond 200 {"task_id":")"},
      {Fault::kSlowDrip, "drip 4 7 " + std::to_string(wire.size())},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(FaultName(c.fault));
    auto record = std::make_shared<::seedance::testing::ExchangeRecord>();
    ::seedance::testing::FakeExchange exchange(record);
    DeliverFault(c.fault, intended, {4, absl::Milliseconds(7)}, exchange);
    ASSERT_EQ(record->terminals(), 1u);
    EXPECT_EQ(Describe(*record), c.expect);
  }
  auto html = std::make_shared<::seedance::testing::ExchangeRecord>();
  ::seedance::testing::FakeExchange html_exchange(html);
  DeliverFault(Fault::kHtml502, intended, {}, html_exchange);
  EXPECT_THAT(Describe(*html), MatchesRegex("respond 502 <html>(.|\r|\n)*nginx(.|\r|\n)*"));
}

}  // namespace
}  // namespace seedance::mock_upstream
