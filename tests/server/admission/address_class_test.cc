#include "server/admission/address_class.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::server::admission {
namespace {

IpAddress Ip(const std::string& text) {
  std::optional<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(*IpAddress::Parse("0.0.0.0"));
}

struct ClassCase {
  const char* address;
  AddressClass expected;
};

TEST(AddressClassTest, ClassifiesEverySpecialRange) {
  const ClassCase kCases[] = {
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.255.254", AddressClass::kLoopback},
      {"::1", AddressClass::kLoopback},
      {"10.0.0.1", AddressClass::kPrivate},
      {"10.255.255.255", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"172.15.255.255", AddressClass::kPublic},
      {"172.32.0.1", AddressClass::kPublic},
      {"192.168.1.1", AddressClass::kPrivate},
      {"fc00::1", AddressClass::kPrivate},
      {"fd00:ec2::254", AddressClass::kPrivate},  // AWS IPv6 metadata
      {"fec0::1", AddressClass::kPrivate},
      {"169.254.169.254", AddressClass::kLinkLocal},  // cloud metadata
      {"169.254.0.1", AddressClass::kLinkLocal},
      {"fe80::1", AddressClass::kLinkLocal},
      {"febf::1", AddressClass::kLinkLocal},
      {"100.64.0.1", AddressClass::kSharedAddressSpace},
      {"100.127.255.255", AddressClass::kSharedAddressSpace},
      {"100.128.0.1", AddressClass::kPublic},
      {"0.0.0.0", AddressClass::kUnspecified},
      {"::", AddressClass::kUnspecified},
      {"0.1.2.3", AddressClass::kReserved},
      {"224.0.0.1", AddressClass::kMulticast},
      {"239.255.255.255", AddressClass::kMulticast},
      {"ff02::1", AddressClass::kMulticast},
      {"255.255.255.255", AddressClass::kBroadcast},
      {"240.0.0.1", AddressClass::kReserved},
      {"192.0.0.8", AddressClass::kReserved},
      {"192.0.2.1", AddressClass::kReserved},
      {"198.18.0.1", AddressClass::kReserved},
      {"203.0.113.9", AddressClass::kReserved},
      {"2001:db8::1", AddressClass::kReserved},
      {"2001::1", AddressClass::kReserved},  // Teredo
      {"100::1", AddressClass::kReserved},
      {"4000::1", AddressClass::kReserved},  // outside 2000::/3
      {"8.8.8.8", AddressClass::kPublic},
      {"1.1.1.1", AddressClass::kPublic},
      {"93.184.216.34", AddressClass::kPublic},
      {"2606:4700:4700::1111", AddressClass::kPublic},
      {"2a00:1450:4001:80b::200e", AddressClass::kPublic},
      // IPv6 forms of IPv4 addresses: classified by the IPv4 address.
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"::ffff:169.254.169.254", AddressClass::kLinkLocal},
      {"::ffff:10.1.2.3", AddressClass::kPrivate},
      {"::ffff:8.8.8.8", AddressClass::kPublic},
      {"::127.0.0.1", AddressClass::kLoopback},     // IPv4-compatible
      {"64:ff9b::a00:1", AddressClass::kPrivate},   // NAT64 of 10.0.0.1
      {"64:ff9b::808:808", AddressClass::kPublic},  // NAT64 of 8.8.8.8
      {"64:ff9b:1::1", AddressClass::kPrivate},     // local-use NAT64
      {"2002:7f00:1::", AddressClass::kLoopback},   // 6to4 of 127.0.0.1
      {"2002:a9fe:a9fe::1", AddressClass::kLinkLocal},
      {"2002:808:808::1", AddressClass::kPublic},
  };
  for (const ClassCase& c : kCases) {
    SCOPED_TRACE(c.address);
    EXPECT_EQ(AddressClassName(Classify(Ip(c.address))), AddressClassName(c.expected));
  }
}

TEST(AddressClassTest, ParseAcceptsOnlyStrictAddresses) {
  for (const char* bad : {"", "127.1", "2130706433", "0x7f.0.0.1", "[::1]", "fe80::1%eth0",
                          "1.2.3.4.5", "localhost", " 1.2.3.4", "1.2.3.4:80"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(IpAddress::Parse(bad).has_value());
  }
  EXPECT_TRUE(Ip("10.0.0.1").is_v4());
  EXPECT_FALSE(Ip("::1").is_v4());
  EXPECT_EQ(Ip("10.0.0.1").ToString(), "10.0.0.1");
  EXPECT_EQ(Ip("FE80:0:0::1").ToString(), "fe80::1");
}

TEST(AddressClassTest, UnmappedYieldsTheEmbeddedIpv4Address) {
  EXPECT_EQ(Ip("::ffff:10.0.0.1").Unmapped(), Ip("10.0.0.1"));
  EXPECT_EQ(Ip("::10.0.0.1").Unmapped(), Ip("10.0.0.1"));
  EXPECT_EQ(Ip("::1").Unmapped(), Ip("::1"));
  EXPECT_EQ(Ip("::").Unmapped(), Ip("::"));
  EXPECT_EQ(Ip("2001:4860::1").Unmapped(), Ip("2001:4860::1"));
}

TEST(AddressClassTest, FromSockaddrReadsBothFamilies) {
  sockaddr_in in = {};
  in.sin_family = AF_INET;
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::optional<IpAddress> v4 = IpAddress::FromSockaddr(reinterpret_cast<const sockaddr&>(in));
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(*v4, Ip("127.0.0.1"));

  sockaddr_in6 in6 = {};
  in6.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "fe80::7", &in6.sin6_addr);
  std::optional<IpAddress> v6 = IpAddress::FromSockaddr(reinterpret_cast<const sockaddr&>(in6));
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(*v6, Ip("fe80::7"));

  sockaddr other = {};
  other.sa_family = AF_UNIX;
  EXPECT_FALSE(IpAddress::FromSockaddr(other).has_value());
}

struct PrefixCase {
  const char* prefix;
  const char* address;
  bool contains;
};

TEST(IpPrefixTest, ContainsAddressesInItsRange) {
  const PrefixCase kCases[] = {
      {"10.0.0.0/8", "10.255.0.1", true},
      {"10.0.0.0/8", "11.0.0.1", false},
      {"172.16.0.0/12", "172.31.1.1", true},
      {"172.16.0.0/12", "172.32.1.1", false},
      {"127.0.0.1", "127.0.0.1", true},
      {"127.0.0.1", "127.0.0.2", false},
      {"127.0.0.1/32", "::ffff:127.0.0.1", true},  // mapped counts as IPv4
      {"0.0.0.0/0", "203.0.113.1", true},
      {"0.0.0.0/0", "2001:4860::1", false},
      {"::/0", "2001:4860::1", true},
      {"::/0", "10.0.0.1", false},
      {"fe80::/10", "febf::1", true},
      {"fe80::/10", "fec0::1", false},
      {"::1", "::1", true},
      {"10.1.2.3/8", "10.9.9.9", true},  // host bits are ignored
  };
  for (const PrefixCase& c : kCases) {
    SCOPED_TRACE(absl::StrCat(c.prefix, " ", c.address));
    std::optional<IpPrefix> prefix = IpPrefix::Parse(c.prefix);
    ASSERT_TRUE(prefix.has_value());
    EXPECT_EQ(prefix->Contains(Ip(c.address)), c.contains);
  }
}

TEST(IpPrefixTest, ParseRejectsMalformedRanges) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/x",
                          "10.0.0.0/8/8", "10/8", "/8", "localhost/8"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(IpPrefix::Parse(bad).has_value());
  }
}

}  // namespace
}  // namespace seedance::server::admission
