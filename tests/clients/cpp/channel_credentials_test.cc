#include "clients/cpp/channel_credentials.h"

#include <fstream>

#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::client {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;

TEST(ChannelCredentialsTest, PlaintextAndTlsWithTheSystemRoots) {
  EXPECT_THAT(MakeChannelCredentials({}).status(), IsOk());
  EXPECT_THAT(MakeChannelCredentials({.enabled = true}).status(), IsOk());
}

TEST(ChannelCredentialsTest, MisusedFlagsAreInvalid) {
  EXPECT_THAT(MakeChannelCredentials({.ca_file = "ca.pem"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(MakeChannelCredentials({.enabled = true, .cert_file = "c.pem"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ChannelCredentialsTest, UnreadableFilesAreReported) {
  testing::TempDir dir;
  EXPECT_THAT(
      MakeChannelCredentials({.enabled = true, .ca_file = dir.path() + "/none.pem"}).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition));
  std::ofstream(dir.path() + "/ca.pem") << "-----BEGIN CERTIFICATE-----\n";
  EXPECT_THAT(MakeChannelCredentials({.enabled = true,
                                      .ca_file = dir.path() + "/ca.pem",
                                      .cert_file = dir.path() + "/c.pem",
                                      .key_file = dir.path() + "/c.key"})
                  .status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace seedance::client
