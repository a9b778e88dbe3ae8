// CORS: allowed origins only; the preflight; headers on every answer to an
// allowed origin, streams included.
#include "server/http_api/cors.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_exchange.h"

namespace seedance::server::http_api {
namespace {

http::Request From(const std::string& origin, const std::string& method = "GET",
                   const std::string& wanted = "") {
  http::Request r;
  r.method = method;
  r.path = "/v1/videoTasks";
  if (!origin.empty()) r.headers.push_back({"Origin", origin});
  if (!wanted.empty()) r.headers.push_back({"Access-Control-Request-Method", wanted});
  return r;
}

TEST(CorsPolicyTest, OnlyChosenOriginsAreAllowed) {
  CorsPolicy none({});
  EXPECT_FALSE(none.Allows(From("https://app.example")));
  CorsPolicy one({"https://app.example"});
  EXPECT_TRUE(one.Allows(From("https://app.example")));
  EXPECT_FALSE(one.Allows(From("https://evil.example")));
  EXPECT_FALSE(one.Allows(From("")));
  EXPECT_TRUE(CorsPolicy({"*"}).Allows(From("https://any.example")));
}

TEST(CorsPolicyTest, APreflightNamesTheMethodsAndHeaders) {
  CorsPolicy cors({"https://app.example"});
  http::Response ok =
      cors.Preflight(From("https://app.example", "OPTIONS", "POST"), {"POST", "GET"});
  EXPECT_EQ(ok.status, 204);
  EXPECT_EQ(*ok.FindHeader("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(*ok.FindHeader("Access-Control-Allow-Methods"), "POST, GET");
  EXPECT_THAT(*ok.FindHeader("Access-Control-Allow-Headers"),
              ::testing::HasSubstr("Authorization"));
  EXPECT_EQ(cors.Preflight(From("https://evil.example", "OPTIONS", "POST"), {"POST"}).status, 403);
  EXPECT_EQ(cors.Preflight(From("https://app.example", "OPTIONS", "DELETE"), {"POST"}).status, 403);
}

TEST(CorsPolicyTest, AnswersToAnAllowedOriginCarryTheHeaders) {
  CorsPolicy cors({"https://app.example"});
  auto record = std::make_shared<testing::ExchangeRecord>();
  auto inner = std::make_shared<testing::FakeExchange>(record);
  cors.Wrap(From("https://app.example"), inner)
      ->Respond(http::MakeResponse(200, "text/plain", "x"));
  ASSERT_EQ(record->responses.size(), 1u);
  EXPECT_EQ(*record->responses[0].FindHeader("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(*record->responses[0].FindHeader("Vary"), "Origin");
  auto streamed = std::make_shared<testing::ExchangeRecord>();
  cors.Wrap(From("https://app.example"), std::make_shared<testing::FakeExchange>(streamed))
      ->StartStream(http::MakeResponse(200, "text/event-stream", ""));
  ASSERT_TRUE(streamed->stream_head.has_value());
  EXPECT_NE(streamed->stream_head->FindHeader("Access-Control-Allow-Origin"), nullptr);
  // Another origin's answers are untouched.
  EXPECT_EQ(cors.Wrap(From("https://evil.example"), inner), inner);
}

}  // namespace
}  // namespace seedance::server::http_api
