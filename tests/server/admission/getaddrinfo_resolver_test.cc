#include "server/admission/getaddrinfo_resolver.h"

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::admission {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::AnyOf;
using ::testing::IsEmpty;
using ::testing::Not;

// Hermetic: only "localhost" (from /etc/hosts) and names under the
// reserved .invalid domain (RFC 6761: never resolve) are looked up.

TEST(GetaddrinfoResolverTest, LocalhostResolvesToLoopbackAddresses) {
  absl::StatusOr<std::vector<IpAddress>> addresses = GetaddrinfoResolver::ResolveNow("localhost");
  ASSERT_THAT(addresses, IsOk());
  ASSERT_THAT(*addresses, Not(IsEmpty()));
  for (const IpAddress& ip : *addresses) {
    SCOPED_TRACE(ip.ToString());
    EXPECT_EQ(Classify(ip), AddressClass::kLoopback);
  }
}

TEST(GetaddrinfoResolverTest, UnknownNameFailsAsNotFoundOrUnavailable) {
  // NOT_FOUND with a DNS server; UNAVAILABLE on a machine without one.
  EXPECT_THAT(GetaddrinfoResolver::ResolveNow("no-such-host.invalid"),
              AnyOf(StatusIs(absl::StatusCode::kNotFound),
                    StatusIs(absl::StatusCode::kUnavailable)));
}

TEST(GetaddrinfoResolverTest, ResolveAnswersOnAResolverThread) {
  GetaddrinfoResolver resolver({.threads = 1});
  absl::Notification done;
  std::optional<absl::StatusOr<std::vector<IpAddress>>> answer;
  std::thread::id answered_on;
  resolver.Resolve("localhost", [&](absl::StatusOr<std::vector<IpAddress>> addresses) {
    answer = std::move(addresses);
    answered_on = std::this_thread::get_id();
    done.Notify();
  });
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  ASSERT_TRUE(answer.has_value());
  EXPECT_THAT(*answer, IsOk());
  EXPECT_NE(answered_on, std::this_thread::get_id());
}

TEST(GetaddrinfoResolverTest, LookupsBeyondTheQueueBoundFailAtOnce) {
  GetaddrinfoResolver resolver({.threads = 1, .max_queued = 0});
  std::optional<absl::Status> answer;
  resolver.Resolve("localhost", [&](absl::StatusOr<std::vector<IpAddress>> addresses) {
    answer = addresses.status();
  });
  ASSERT_TRUE(answer.has_value());  // on this thread, before Resolve returned
  EXPECT_THAT(*answer, StatusIs(absl::StatusCode::kUnavailable));
}

TEST(GetaddrinfoResolverTest, StoppedResolverFailsLookupsAtOnce) {
  GetaddrinfoResolver resolver({});
  resolver.Stop();
  resolver.Stop();  // idempotent
  std::optional<absl::Status> answer;
  resolver.Resolve("localhost", [&](absl::StatusOr<std::vector<IpAddress>> addresses) {
    answer = addresses.status();
  });
  ASSERT_TRUE(answer.has_value());
  EXPECT_THAT(*answer, StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace seedance::server::admission
