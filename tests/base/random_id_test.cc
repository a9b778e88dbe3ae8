#include "base/random_id.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance {
namespace {

using ::testing::MatchesRegex;
using ::testing::SizeIs;

TEST(RandomIdTest, UuidIsCanonicalVersion4) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_THAT(NewUuid(), MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                        "[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  }
}

TEST(RandomIdTest, IdsDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(NewUuid());
  EXPECT_THAT(seen, SizeIs(10000));
}

TEST(RandomIdTest, SecretHasTwoHexDigitsPerByte) {
  EXPECT_THAT(NewSecret(32), MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(NewSecret(0), "");
  EXPECT_NE(NewSecret(16), NewSecret(16));
}

}  // namespace
}  // namespace seedance
