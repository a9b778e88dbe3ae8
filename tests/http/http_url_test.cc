#include "http/http_url.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::http {
namespace {

using ::seedance::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::Pair;

TEST(HttpUrlTest, SplitsHostPortAndTarget) {
  struct Case {
    std::string url;
    std::string host;
    int port;
    std::string target;
  };
  std::vector<Case> cases = {
      {"http://127.0.0.1:8080/cb?x=1", "127.0.0.1", 8080, "/cb?x=1"},
      {"http://localhost/", "localhost", 80, "/"},
      {"http://example.com", "example.com", 80, "/"},
      {"HTTP://[::1]:9000/a#frag", "::1", 9000, "/a"},
      {"http://user:pw@host:81/p", "host", 81, "/p"},
      {"http://host?q=1", "host", 80, "/?q=1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    absl::StatusOr<HttpUrl> url = ParseHttpUrl(c.url);
    ASSERT_THAT(url, IsOk());
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
    EXPECT_EQ(url->target, c.target);
  }
}

TEST(HttpUrlTest, RejectsWhatItCannotReach) {
  for (const char* url : {"https://example.com/", "ftp://x/", "http://:80/",
                          "http://host:0/", "http://host:99999/", "http://[::1/"}) {
    SCOPED_TRACE(url);
    EXPECT_FALSE(ParseHttpUrl(url).ok());
  }
}

TEST(HttpUrlTest, ParsesAndDecodesQueries) {
  EXPECT_THAT(ParseQuery("task_id=a%20b&count=2&flag&x=1+2"),
              ElementsAre(Pair("task_id", "a b"), Pair("count", "2"), Pair("flag", ""),
                          Pair("x", "1 2")));
  std::vector<QueryParam> params = ParseQuery("a=1&a=2");
  ASSERT_NE(FindQueryParam(params, "a"), nullptr);
  EXPECT_EQ(*FindQueryParam(params, "a"), "1");
  EXPECT_EQ(FindQueryParam(params, "b"), nullptr);
}

TEST(HttpUrlTest, PercentEncodingRoundTrips) {
  std::string text = "a b/c?d=é";
  EXPECT_EQ(PercentEncode("a b"), "a%20b");
  EXPECT_EQ(PercentDecode(PercentEncode(text), false), text);
  EXPECT_EQ(PercentDecode("100%", false), "100%");
}

}  // namespace
}  // namespace seedance::http
