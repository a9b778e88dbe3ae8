#include "server/callers/authenticator.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/callers/forwarding_authenticator.h"
#include "server/callers/gateway_key_authenticator.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/status_details.h"

namespace seedance::server::callers {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::IsOkAndHolds;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(AuthenticatorTest, BearerTokensAreParsed) {
  EXPECT_THAT(ParseBearerToken("Bearer abc.def"), IsOkAndHolds(std::string("abc.def")));
  EXPECT_THAT(ParseBearerToken("bearer   abc  "), IsOkAndHolds(std::string("abc")));
  for (const char* bad : {"", "   ", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ",
                          "Bearer two words", "Bearer tab\tinside"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<std::string> token = ParseBearerToken(bad);
    EXPECT_THAT(token, StatusIs(absl::StatusCode::kUnauthenticated));
    EXPECT_THAT(token.status().message(), Not(HasSubstr("dXNlcjpwYXNz")));
  }
  EXPECT_THAT(ParseBearerToken(""), StatusIs(absl::StatusCode::kUnauthenticated,
                                             HasSubstr("authorization: Bearer")));
  EXPECT_EQ(upstream_api::GetDetail<google::rpc::ErrorInfo>(ParseBearerToken("").status())->reason(),
            "MISSING_CREDENTIALS");
}

TEST(AuthenticatorTest, ForwardingUsesTheCallersOwnToken) {
  Keyring keyring = Keyring::FromMasterKey("k");
  ForwardingAuthenticator auth(keyring);
  absl::StatusOr<Caller> caller = auth.Authenticate("Bearer upstream-token-1");
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->upstream_token, "upstream-token-1");
  EXPECT_EQ(caller->owner, keyring.OwnerId("upstream-token-1"));
  EXPECT_NE(auth.Authenticate("Bearer upstream-token-2")->owner, caller->owner);
}

TEST(AuthenticatorTest, GatewayKeysMapToTheGatewaysUpstreamToken) {
  Keyring keyring = Keyring::FromMasterKey("k");
  GatewayKeyAuthenticator auth(keyring, {"key-alice", "key-bob"}, "gateway-upstream-key");
  absl::StatusOr<Caller> alice = auth.Authenticate("Bearer key-alice");
  ASSERT_THAT(alice, IsOk());
  EXPECT_EQ(alice->upstream_token, "gateway-upstream-key");
  EXPECT_NE(auth.Authenticate("Bearer key-bob")->owner, alice->owner);
  absl::StatusOr<Caller> stranger = auth.Authenticate("Bearer key-mallory");
  EXPECT_THAT(stranger, StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(stranger.status().message(), Not(HasSubstr("key-mallory")));
}

}  // namespace
}  // namespace seedance::server::callers
