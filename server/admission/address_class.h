// IP addresses, address prefixes (CIDR) and what kind of network an address
// belongs to: the pure part of the gateway's rule that callers' URLs must
// not point into private networks (url_guard.h). No I/O, no DNS.
//
//   std::optional<IpAddress> ip = IpAddress::Parse("169.254.169.254");
//   Classify(*ip);                           // AddressClass::kLinkLocal
//   AddressClassName(Classify(*ip));         // "link-local"
//   IpPrefix::Parse("10.0.0.0/8")->Contains(*IpAddress::Parse("10.1.2.3"));  // true
//
// IPv6 addresses that embed an IPv4 address (IPv4-mapped ::ffff:a.b.c.d,
// the deprecated IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96 and 6to4
// 2002::/16) are classified by the IPv4 address they lead to.
#ifndef SEEDANCE_SERVER_ADMISSION_ADDRESS_CLASS_H_
#define SEEDANCE_SERVER_ADMISSION_ADDRESS_CLASS_H_

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace seedance::server::admission {

// An IPv4 or IPv6 address. A value type; thread-compatible.
class IpAddress {
 public:
  // The address written as dotted-quad IPv4 ("10.0.0.1") or IPv6 ("::1",
  // "::ffff:10.0.0.1"), strictly (inet_pton: no brackets, zone, shorthand
  // such as "127.1" or decimal "2130706433"); nullopt otherwise.
  static std::optional<IpAddress> Parse(absl::string_view text);

  // The address of an AF_INET or AF_INET6 socket address; nullopt for other
  // families. `address` must be as long as its family requires.
  static std::optional<IpAddress> FromSockaddr(const sockaddr& address);

  // From raw bytes in network order.
  static IpAddress V4(const std::array<uint8_t, 4>& bytes);
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);

  bool is_v4() const { return v4_; }
  // Network-order bytes: 4 of them for IPv4, 16 for IPv6.
  const uint8_t* bytes() const { return bytes_.data(); }
  int bit_length() const { return v4_ ? 32 : 128; }

  // The IPv4 address inside an IPv4-mapped or IPv4-compatible IPv6 address
  // (but not :: or ::1); the address itself otherwise.
  IpAddress Unmapped() const;

  // "10.0.0.1", "fe80::1".
  std::string ToString() const;

  bool operator==(const IpAddress&) const = default;

 private:
  IpAddress() = default;
  bool v4_ = true;
  std::array<uint8_t, 16> bytes_ = {};
};

// An address range such as 10.0.0.0/8 or fc00::/7.
struct IpPrefix {
  IpAddress address;
  int length = 0;

  // "10.0.0.0/8", "fc00::/7", or a single address ("127.0.0.1" = /32,
  // "::1" = /128); nullopt when malformed or the length is out of range.
  // Bits after the length need not be zero.
  static std::optional<IpPrefix> Parse(absl::string_view text);

  // True when `ip` (unmapped first, so ::ffff:10.0.0.1 is in 10.0.0.0/8) is
  // in the range. An IPv4 prefix never contains a plain IPv6 address.
  bool Contains(const IpAddress& ip) const;
};

// What kind of network an address belongs to. Only kPublic is reachable
// on the Internet; every other class is refused for callers' URLs unless
// the operator allows it.
enum class AddressClass {
  kPublic,
  kUnspecified,        // 0.0.0.0, ::  (connecting to it reaches this host)
  kLoopback,           // 127.0.0.0/8, ::1
  kPrivate,            // 10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10
  kLinkLocal,          // 169.254/16 (cloud metadata 169.254.169.254), fe80::/10
  kSharedAddressSpace, // 100.64.0.0/10 (carrier-grade NAT, RFC 6598)
  kMulticast,          // 224.0.0.0/4, ff00::/8
  kBroadcast,          // 255.255.255.255
  kReserved,           // 0/8, 192.0.0/24, documentation, benchmarking,
                       // 240/4, IPv6 outside 2000::/3, Teredo, discard
};

// The class of `ip`. Pure and thread-safe.
AddressClass Classify(const IpAddress& ip);

// "public", "loopback", "private", "link-local", ... for messages.
absl::string_view AddressClassName(AddressClass value);

}  // namespace seedance::server::admission

#endif  // SEEDANCE_SERVER_ADMISSION_ADDRESS_CLASS_H_
