#include "http/curl/url_redaction.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::http::curl {
namespace {

using ::testing::UnorderedElementsAreArray;

TEST(UrlRedactionTest, SafeUrlDropsUserinfoQueryAndFragment) {
  struct Case {
    std::string url;
    std::string safe;
  };
  const Case cases[] = {
      {"https://api.test/v1/seedance/videos", "https://api.test/v1/seedance/videos"},
      {"https://user:pw@api.test/v1", "https://api.test/v1"},
      {"https://api.test/v1?key=k&x=1", "https://api.test/v1"},
      {"https://api.test/v1#frag", "https://api.test/v1"},
      {"http://u@h.test:8080/p?q#f", "http://h.test:8080/p"},
      // An @ in the path is not userinfo.
      {"https://h.test/a@b", "https://h.test/a@b"},
      {"not a url", "not a url"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    EXPECT_EQ(SafeUrl(c.url), c.safe);
  }
}

TEST(UrlRedactionTest, UrlSecretsAreWhatSafeUrlDrops) {
  struct Case {
    std::string url;
    std::vector<std::string> secrets;
  };
  const Case cases[] = {
      {"https://api.test/v1", {}},
      {"https://user:pw@api.test/v1?key=k", {"key=k", "user:pw"}},
      {"https://api.test/v1#token", {"token"}},
      {"https://h.test/a@b", {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    std::vector<std::string> secrets;
    AddUrlSecrets(c.url, secrets);
    EXPECT_THAT(secrets, UnorderedElementsAreArray(c.secrets));
  }
}

TEST(UrlRedactionTest, RedactReplacesSecretsButNotShortWords) {
  std::vector<std::string> secrets = {"Bearer s3cret-token", "key=k", "abc"};
  EXPECT_EQ(Redact("sent Bearer s3cret-token to https://h/?key=k, abc stays", secrets),
            "sent <redacted> to https://h/?<redacted>, abc stays");
  EXPECT_EQ(Redact("nothing to hide", {}), "nothing to hide");
}

}  // namespace
}  // namespace seedance::http::curl
