#include "server/admission/url_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/server/admission/fake_host_resolver.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"

namespace seedance::server::admission {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class UrlGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    resolver_.SetAddresses("public.example", {"93.184.216.34", "2606:2800:220:1::1"});
    resolver_.SetAddresses("private.example", {"10.0.0.1"});
    resolver_.SetAddresses("mixed.example", {"93.184.216.34", "192.168.1.20"});
    resolver_.SetAddresses("loopback6.example", {"::1"});
    resolver_.SetAddresses("lab.example", {"10.1.2.3"});
  }

  std::unique_ptr<UrlGuard> Guard(UrlGuardOptions options = {}) {
    absl::StatusOr<std::unique_ptr<UrlGuard>> guard =
        UrlGuard::Create(std::move(options), resolver_);
    EXPECT_THAT(guard, IsOk());
    return guard.ok() ? *std::move(guard) : nullptr;
  }

  // The outcome of checking `urls`; the callback must run exactly once.
  absl::Status Check(const UrlGuard& guard, std::vector<UntrustedUrl> urls) {
    int calls = 0;
    absl::Status outcome = absl::UnknownError("no answer");
    guard.Check(std::move(urls), [&](absl::Status s) {
      ++calls;
      outcome = std::move(s);
    });
    if (resolver_.defer) resolver_.Flush();
    EXPECT_EQ(calls, 1);
    return outcome;
  }

  absl::Status CheckCallback(const UrlGuard& guard, const std::string& url) {
    return Check(guard, {{"spec.callback_url", url, UrlUse::kCallback}});
  }
  absl::Status CheckImage(const UrlGuard& guard, const std::string& url) {
    return Check(guard, {{"spec.images[0].url", url, UrlUse::kImage}});
  }

  FakeHostResolver resolver_;
};

TEST_F(UrlGuardTest, PublicHostsAreAllowed) {
  auto guard = Guard();
  EXPECT_THAT(CheckCallback(*guard, "https://public.example/hook?x=1"), IsOk());
  EXPECT_THAT(CheckCallback(*guard, "http://8.8.8.8:8080/hook"), IsOk());
  EXPECT_THAT(CheckCallback(*guard, "https://[2606:4700:4700::1111]/hook"), IsOk());
  EXPECT_THAT(CheckImage(*guard, "https://PUBLIC.example./a.png"), IsOk());
  EXPECT_THAT(resolver_.asked, ElementsAre("public.example", "public.example"));
}

TEST_F(UrlGuardTest, CloudMetadataAddressIsRefusedWithAFieldViolation) {
  auto guard = Guard();
  absl::Status s = CheckCallback(*guard, "http://169.254.169.254/latest/meta-data/");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("link-local")));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(s),
              ElementsAre(AllOf(Field(&upstream_api::FieldViolation::field, "spec.callback_url"),
                                Field(&upstream_api::FieldViolation::reason, "NOT_ALLOWED"))));
  EXPECT_THAT(resolver_.asked, IsEmpty());  // a literal needs no lookup
}

TEST_F(UrlGuardTest, NonPublicLiteralsAreRefused) {
  auto guard = Guard();
  for (const char* url : {"http://127.0.0.1:8080/x", "http://[::1]/x", "http://0.0.0.0/x",
                          "http://10.0.0.1/x", "http://[::ffff:127.0.0.1]/x",
                          "http://[fe80::1]/x", "http://100.64.0.1/x", "http://224.0.0.1/x",
                          "http://user:pw@192.168.0.1:80/x"}) {
    SCOPED_TRACE(url);
    EXPECT_THAT(CheckCallback(*guard, url), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST_F(UrlGuardTest, NameResolvingToAPrivateAddressIsRefused) {
  auto guard = Guard();
  absl::Status s = CheckCallback(*guard, "https://private.example/hook");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("resolves to 10.0.0.1, a private address")));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(s),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.callback_url")));
  EXPECT_THAT(CheckImage(*guard, "https://loopback6.example/a.png"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("loopback")));
}

TEST_F(UrlGuardTest, NameWithOnePrivateAddressAmongPublicOnesIsRefused) {
  auto guard = Guard();
  EXPECT_THAT(CheckCallback(*guard, "https://mixed.example/hook"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("192.168.1.20")));
}

TEST_F(UrlGuardTest, AllowedAddressAndNameMayBePrivate) {
  auto guard = Guard({.allow_private_hosts = {"127.0.0.1", "LocalHost"}});
  EXPECT_THAT(CheckImage(*guard, "http://127.0.0.1:8080/seedance/a.png"), IsOk());
  EXPECT_THAT(CheckCallback(*guard, "http://[::ffff:127.0.0.1]:9/x"), IsOk());
  EXPECT_THAT(CheckCallback(*guard, "http://localhost:8080/hook"), IsOk());
  EXPECT_THAT(resolver_.asked, IsEmpty());  // a trusted name is not looked up
  // Only what was allowed.
  EXPECT_THAT(CheckCallback(*guard, "http://127.0.0.2/x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(CheckCallback(*guard, "http://[::1]/x"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(UrlGuardTest, AllowedRangeCoversResolvedAddresses) {
  auto guard = Guard({.allow_private_hosts = {"10.0.0.0/8"}});
  EXPECT_THAT(CheckCallback(*guard, "https://lab.example/hook"), IsOk());
  EXPECT_THAT(CheckCallback(*guard, "https://mixed.example/hook"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(UrlGuardTest, MalformedAllowEntryIsRefusedAtCreation) {
  for (const char* bad : {"10.0.0.0/33", "a b", "http://x", "10.0.0.0/8/8"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(UrlGuard::Create({.allow_private_hosts = {bad}}, resolver_),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(bad)));
  }
}

TEST_F(UrlGuardTest, DataUrlIsLimitedInSizeAndOnlyForImages) {
  auto guard = Guard({.max_data_url_bytes = 40});
  EXPECT_THAT(CheckImage(*guard, "data:image/png;base64,iVBORw0K"), IsOk());
  absl::Status big = CheckImage(*guard, "data:image/png;base64," + std::string(40, 'A'));
  EXPECT_THAT(big, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 40")));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(big),
              ElementsAre(AllOf(Field(&upstream_api::FieldViolation::field, "spec.images[0].url"),
                                Field(&upstream_api::FieldViolation::reason, "OUT_OF_RANGE"))));
  EXPECT_THAT(CheckCallback(*guard, "data:image/png;base64,iVBORw0K"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a data: URL")));
}

TEST_F(UrlGuardTest, DefaultDataUrlLimitIsTenMebibytes) {
  EXPECT_EQ(UrlGuardOptions().max_data_url_bytes, size_t{10} << 20);
}

TEST_F(UrlGuardTest, OtherSchemesAreRefused) {
  auto guard = Guard();
  for (const char* url : {"ftp://public.example/a.png", "file:///etc/passwd",
                          "gopher://public.example/", "javascript:alert(1)"}) {
    SCOPED_TRACE(url);
    absl::Status s = CheckImage(*guard, url);
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not allowed")));
  }
  auto https_only = Guard({.schemes = {"https"}});
  EXPECT_THAT(CheckCallback(*https_only, "http://public.example/hook"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("use https")));
}

TEST_F(UrlGuardTest, HostsThatClientsCouldReadDifferentlyAreRefused) {
  auto guard = Guard({.allow_private_hosts = {"localhost"}});
  for (const char* url : {"http://%31%32%37.0.0.1/x", "http://evil.example\\@localhost/x",
                          "http://localhost\\.evil.example/x", "http:///x",
                          "http://[fe80::1%25eth0]/x"}) {
    SCOPED_TRACE(url);
    EXPECT_THAT(CheckCallback(*guard, url), StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST_F(UrlGuardTest, UnknownNameDoesNotResolve) {
  auto guard = Guard();
  absl::Status s = CheckCallback(*guard, "https://nowhere.example/hook");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not resolve")));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(s),
              ElementsAre(Field(&upstream_api::FieldViolation::reason, "UNKNOWN_VALUE")));
}

TEST_F(UrlGuardTest, TransientLookupFailureIsUnavailable) {
  resolver_.Set("flaky.example", absl::UnavailableError("cannot resolve: Temporary failure"));
  auto guard = Guard();
  absl::Status s = CheckCallback(*guard, "https://flaky.example/hook");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("retry")));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(s), IsEmpty());
}

TEST_F(UrlGuardTest, ViolationsWinOverTransientFailuresAndAllAreReported) {
  resolver_.Set("flaky.example", absl::UnavailableError("Temporary failure"));
  resolver_.defer = true;  // answers arrive after Check returns, from "another thread"
  auto guard = Guard();
  absl::Status s =
      Check(*guard, {{"spec.images[0].url", "https://private.example/a.png", UrlUse::kImage},
                     {"spec.images[1].url", "https://flaky.example/b.png", UrlUse::kImage},
                     {"spec.callback_url", "ftp://public.example/", UrlUse::kCallback}});
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(upstream_api::ViolationsFromStatus(s),
              ElementsAre(Field(&upstream_api::FieldViolation::field, "spec.images[0].url"),
                          Field(&upstream_api::FieldViolation::field, "spec.callback_url")));
}

TEST_F(UrlGuardTest, AnswerWaitsForEveryLookup) {
  resolver_.defer = true;
  auto guard = Guard();
  int calls = 0;
  guard->Check({{"a", "https://public.example/1", UrlUse::kImage},
                {"b", "https://public.example/2", UrlUse::kCallback}},
               [&](absl::Status s) {
                 EXPECT_THAT(s, IsOk());
                 ++calls;
               });
  EXPECT_EQ(calls, 0);
  resolver_.Flush();
  EXPECT_EQ(calls, 1);
}

TEST_F(UrlGuardTest, NoUrlsIsOkAtOnce) {
  auto guard = Guard();
  EXPECT_THAT(Check(*guard, {}), IsOk());
}

sockaddr_in6 Sockaddr6(const char* text) {
  sockaddr_in6 address = {};
  address.sin6_family = AF_INET6;
  inet_pton(AF_INET6, text, &address.sin6_addr);
  return address;
}

sockaddr_in Sockaddr4(const char* text) {
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  inet_pton(AF_INET, text, &address.sin_addr);
  return address;
}

TEST_F(UrlGuardTest, PeerFilterRefusesWhatTheNameNowResolvesTo) {
  auto guard = Guard({.allow_private_hosts = {"localhost", "10.0.0.0/8"}});
  auto filter = guard->PeerFilter("https://public.example/hook");
  sockaddr_in metadata = Sockaddr4("169.254.169.254");
  sockaddr_in lab = Sockaddr4("10.9.8.7");
  sockaddr_in public_v4 = Sockaddr4("93.184.216.34");
  sockaddr_in6 loopback = Sockaddr6("::1");
  EXPECT_FALSE(filter(reinterpret_cast<const sockaddr&>(metadata)));  // DNS rebinding
  EXPECT_FALSE(filter(reinterpret_cast<const sockaddr&>(loopback)));
  EXPECT_TRUE(filter(reinterpret_cast<const sockaddr&>(lab)));
  EXPECT_TRUE(filter(reinterpret_cast<const sockaddr&>(public_v4)));
  auto trusted = guard->PeerFilter("http://localhost:8080/hook");
  EXPECT_TRUE(trusted(reinterpret_cast<const sockaddr&>(loopback)));
}

TEST(UrlHostTest, ExtractsTheHostAsClientsSeeIt) {
  struct Case {
    const char* url;
    const char* host;
  };
  for (const Case& c : std::vector<Case>{
           {"https://user:pw@Example.COM.:8443/p?q#f", "example.com"},
           {"http://[::1]:80/", "::1"},
           {"http://1.2.3.4", "1.2.3.4"},
           {"http://a.example?x=@b.example", "a.example"},
           {"http://a@b@c.example/", "c.example"},
           {"data:image/png;base64,xx", ""},
           {"http://[::1/", ""},
           {"http://10.0.0.1\\@a.example/", ""},
       }) {
    SCOPED_TRACE(c.url);
    EXPECT_EQ(UrlHost(c.url), c.host);
  }
}

}  // namespace
}  // namespace seedance::server::admission
