#include "upstream_api/url_check.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::upstream_api {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(UrlCheckTest, AcceptsHttpAndHttpsUrls) {
  for (const char* url :
       {"https://ark-project.tos-cn-beijing.volces.com/doc_image/i2v_foxrgirl.png",
        "http://127.0.0.1:8080/cb?task=1", "HTTPS://example.com",
        "https://user@example.com:443/x#frag"}) {
    SCOPED_TRACE(url);
    EXPECT_THAT(CheckHttpUrl(url), IsEmpty());
    EXPECT_THAT(CheckImageUrl(url), IsEmpty());
  }
}

TEST(UrlCheckTest, RejectsOtherSchemesAndBrokenUrls) {
  EXPECT_THAT(CheckHttpUrl("ftp://example.com/a.png"), HasSubstr("http://"));
  EXPECT_THAT(CheckHttpUrl("example.com/a.png"), HasSubstr("http://"));
  EXPECT_THAT(CheckHttpUrl("https://"), HasSubstr("no host"));
  EXPECT_THAT(CheckHttpUrl("https:///path"), HasSubstr("no host"));
  EXPECT_THAT(CheckHttpUrl("https://:80/"), HasSubstr("no host"));
  EXPECT_THAT(CheckHttpUrl("https://exa mple.com/"), HasSubstr("whitespace"));
  EXPECT_THAT(CheckHttpUrl(std::string("https://a.com/\n")), HasSubstr("whitespace"));
}

TEST(UrlCheckTest, LengthLimitIsInclusive) {
  std::string prefix = "https://example.com/";
  std::string at_limit = prefix + std::string(kMaxHttpUrlLength - prefix.size(), 'a');
  EXPECT_THAT(CheckHttpUrl(at_limit), IsEmpty());
  EXPECT_THAT(CheckHttpUrl(at_limit + "a"), HasSubstr("longer than 2048"));
}

TEST(UrlCheckTest, AcceptsBase64ImageDataUrls) {
  for (const char* url : {"data:image/png;base64,iVBORw0KGgo=",
                          "data:image/jpeg;base64,/9j/4AAQ", "DATA:IMAGE/WEBP;base64,UklG"}) {
    SCOPED_TRACE(url);
    EXPECT_THAT(CheckImageUrl(url), IsEmpty());
  }
}

TEST(UrlCheckTest, RejectsBrokenDataUrls) {
  EXPECT_THAT(CheckImageUrl(""), HasSubstr("must not be empty"));
  EXPECT_THAT(CheckImageUrl("data:text/plain;base64,aGk="), HasSubstr("image"));
  EXPECT_THAT(CheckImageUrl("data:image/png,rawbytes"), HasSubstr("base64"));
  EXPECT_THAT(CheckImageUrl("data:image/svg+xml;base64,PHN2Zz4="),
              HasSubstr("not supported"));
  EXPECT_THAT(CheckImageUrl("data:image/png;base64,"), HasSubstr("no image data"));
  EXPECT_THAT(CheckImageUrl("data:image/png;base64,ab cd"), HasSubstr("not base64"));
  // A data URL is not a callback target.
  EXPECT_THAT(CheckHttpUrl("data:image/png;base64,iVBO"), HasSubstr("http://"));
}

}  // namespace
}  // namespace seedance::upstream_api
