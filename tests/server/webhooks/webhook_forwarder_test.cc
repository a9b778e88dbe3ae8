#include "server/webhooks/webhook_forwarder.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <memory>
#include <optional>

#include "gmock/gmock.h"
#include "tests/server/stats/recording_stats.h"
#include "gtest/gtest.h"
#include "tests/http/curl/fake_http_transport.h"
#include "tests/server/admission/fake_host_resolver.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::webhooks {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::IsOkAndHolds;
using ::seedance::testing::StatusIs;
using ::testing::Contains;
using ::testing::Pair;
using ::testing::StartsWith;

// The example of the Standard Webhooks specification.
constexpr char kSpecSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

TEST(WebhookForwarderTest, SignatureMatchesTheStandardWebhooksExample) {
  EXPECT_THAT(WebhookForwarder::Sign(kSpecSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                     R"({"test": 2432232314})"),
              IsOkAndHolds(std::string("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")));
  EXPECT_THAT(WebhookForwarder::Sign("whsec_!!!", "m", 1, "{}"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(WebhookForwarder::NewSecret(), StartsWith("whsec_"));
  EXPECT_NE(WebhookForwarder::NewSecret(), WebhookForwarder::NewSecret());
}

class WebhookForwarderDeliveryTest : public ::testing::Test {
 protected:
  WebhookForwarderDeliveryTest()
      : forwarder_({.secret = kSpecSecret, .max_attempts = 3, .stats = &stats_}, transport_,
                   scheduler_, clock_) {}

  void Deliver() {
    forwarder_.Deliver("https://me.example/hook?k=1", "task-1", R"({"type":"x"})",
                       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 0,
                       [this](absl::Status s, int attempts) {
                         outcome_ = s;
                         attempts_ = attempts;
                       });
  }

  testing::FakeClock clock_;
  testing::FakeScheduler scheduler_{clock_};
  http::curl::FakeHttpTransport transport_;
  stats::RecordingStats stats_;
  WebhookForwarder forwarder_;
  std::optional<absl::Status> outcome_;
  int attempts_ = 0;
};

TEST_F(WebhookForwarderDeliveryTest, SignsEveryAttemptAndRetriesUntilAcknowledged) {
  Deliver();
  ASSERT_EQ(transport_.calls.size(), 1u);
  const http::curl::HttpCall& first = transport_.calls[0].call;
  EXPECT_EQ(first.url, "https://me.example/hook?k=1");
  EXPECT_EQ(first.body, R"({"type":"x"})");
  EXPECT_THAT(first.headers, Contains(Pair("webhook-id", "task-1")));
  std::string timestamp = std::to_string(absl::ToUnixSeconds(clock_.Now()));
  EXPECT_THAT(first.headers, Contains(Pair("webhook-timestamp", timestamp)));
  EXPECT_THAT(first.headers,
              Contains(Pair("webhook-signature",
                            *WebhookForwarder::Sign(kSpecSecret, "task-1",
                                                    absl::ToUnixSeconds(clock_.Now()),
                                                    R"({"type":"x"})"))));
  transport_.Answer(1, 500, "");
  EXPECT_FALSE(outcome_.has_value());
  scheduler_.AdvanceAndRunDue(absl::Seconds(1));
  ASSERT_EQ(transport_.calls.size(), 2u);
  transport_.Answer(2, absl::UnavailableError("connection refused"));
  scheduler_.AdvanceAndRunDue(absl::Seconds(1));
  EXPECT_EQ(transport_.calls.size(), 2u);  // the delay doubled
  scheduler_.AdvanceAndRunDue(absl::Seconds(1));
  ASSERT_EQ(transport_.calls.size(), 3u);
  // Same message id and trace on the retry, fresh timestamp.
  EXPECT_THAT(transport_.calls[2].call.headers, Contains(Pair("webhook-id", "task-1")));
  EXPECT_THAT(transport_.calls[2].call.headers,
              Contains(Pair("traceparent",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")));
  transport_.Answer(3, 204, "");
  ASSERT_TRUE(outcome_.has_value());
  EXPECT_THAT(*outcome_, IsOk());
  EXPECT_EQ(attempts_, 3);
  EXPECT_EQ(stats_.webhook_retries, 2);
  EXPECT_EQ(stats_.webhooks_ended, std::vector{stats::WebhookResult::kDelivered});
}

TEST_F(WebhookForwarderDeliveryTest, GivesUpAfterTheLastAttempt) {
  Deliver();
  for (size_t i = 1; i <= 3; ++i) {
    ASSERT_EQ(transport_.calls.size(), i);
    transport_.Answer(i, 503, "");
    scheduler_.RunNext();
  }
  ASSERT_TRUE(outcome_.has_value());
  EXPECT_THAT(*outcome_, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(attempts_, 3);
  EXPECT_EQ(stats_.webhook_retries, 2);
  EXPECT_EQ(stats_.webhooks_ended, std::vector{stats::WebhookResult::kGaveUp});
}

TEST_F(WebhookForwarderDeliveryTest, ClientErrorsAreFinal) {
  Deliver();
  transport_.Answer(1, 410, "gone");
  ASSERT_TRUE(outcome_.has_value());
  EXPECT_EQ(attempts_, 1);
  EXPECT_EQ(scheduler_.pending(), 0u);
  EXPECT_EQ(stats_.webhook_retries, 0);
  EXPECT_EQ(stats_.webhooks_ended, std::vector{stats::WebhookResult::kRefused});
}

TEST_F(WebhookForwarderDeliveryTest, RefusedAddressIsFinal) {
  Deliver();
  transport_.Answer(1, absl::PermissionDeniedError("connecting to 10.0.0.1 is not allowed"));
  ASSERT_TRUE(outcome_.has_value());
  EXPECT_THAT(*outcome_, StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(attempts_, 1);
  EXPECT_EQ(scheduler_.pending(), 0u);
}

TEST(WebhookForwarderGuardTest, EveryAttemptChecksTheAddressItConnectsTo) {
  testing::FakeClock clock;
  testing::FakeScheduler scheduler{clock};
  http::curl::FakeHttpTransport transport;
  admission::FakeHostResolver resolver;
  absl::StatusOr<std::unique_ptr<admission::UrlGuard>> guard = admission::UrlGuard::Create({}, resolver);
  ASSERT_THAT(guard, IsOk());
  WebhookForwarder forwarder({.secret = kSpecSecret, .url_guard = guard->get()}, transport,
                             scheduler, clock);
  forwarder.Deliver("https://me.example/hook", "task-1", "{}", "", 0, [](absl::Status, int) {});
  ASSERT_EQ(transport.calls.size(), 1u);
  const auto& allow_peer = transport.calls[0].call.allow_peer;
  ASSERT_TRUE(allow_peer);
  sockaddr_in metadata = {};
  metadata.sin_family = AF_INET;
  inet_pton(AF_INET, "169.254.169.254", &metadata.sin_addr);
  EXPECT_FALSE(allow_peer(reinterpret_cast<const sockaddr&>(metadata)));
  sockaddr_in public_address = metadata;
  inet_pton(AF_INET, "93.184.216.34", &public_address.sin_addr);
  EXPECT_TRUE(allow_peer(reinterpret_cast<const sockaddr&>(public_address)));
}

TEST_F(WebhookForwarderDeliveryTest, ShutdownLeavesTheDeliveryUnfinished) {
  Deliver();
  transport_.Answer(1, absl::FailedPreconditionError("transport shutting down"));
  EXPECT_FALSE(outcome_.has_value());
  EXPECT_EQ(scheduler_.pending(), 0u);
}

}  // namespace
}  // namespace seedance::server::webhooks
