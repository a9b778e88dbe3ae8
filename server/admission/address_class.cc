#include "server/admission/address_class.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"

namespace seedance::server::admission {
namespace {

struct ClassRange {
  const char* prefix;
  AddressClass address_class;
};

// First match wins: more specific ranges come first. IANA's special-purpose
// registries (RFC 6890 and successors) are the source.
constexpr ClassRange kV4Ranges[] = {
    {"0.0.0.0/32", AddressClass::kUnspecified},
    {"0.0.0.0/8", AddressClass::kReserved},  // "this network"
    {"10.0.0.0/8", AddressClass::kPrivate},
    {"100.64.0.0/10", AddressClass::kSharedAddressSpace},
    {"127.0.0.0/8", AddressClass::kLoopback},
    {"169.254.0.0/16", AddressClass::kLinkLocal},
    {"172.16.0.0/12", AddressClass::kPrivate},
    {"192.0.0.0/24", AddressClass::kReserved},     // IETF protocol assignments
    {"192.0.2.0/24", AddressClass::kReserved},     // documentation
    {"192.88.99.0/24", AddressClass::kReserved},   // old 6to4 relay anycast
    {"192.168.0.0/16", AddressClass::kPrivate},
    {"198.18.0.0/15", AddressClass::kReserved},    // benchmarking
    {"198.51.100.0/24", AddressClass::kReserved},  // documentation
    {"203.0.113.0/24", AddressClass::kReserved},   // documentation
    {"224.0.0.0/4", AddressClass::kMulticast},
    {"255.255.255.255/32", AddressClass::kBroadcast},
    {"240.0.0.0/4", AddressClass::kReserved},
};

// IPv6 ranges, checked after the forms that embed an IPv4 address.
constexpr ClassRange kV6Ranges[] = {
    {"::/128", AddressClass::kUnspecified},
    {"::1/128", AddressClass::kLoopback},
    {"64:ff9b:1::/48", AddressClass::kPrivate},  // local-use NAT64 (RFC 8215)
    {"100::/64", AddressClass::kReserved},       // discard-only
    {"2001::/32", AddressClass::kReserved},      // Teredo (embeds hidden IPv4)
    {"2001:db8::/32", AddressClass::kReserved},  // documentation
    {"fc00::/7", AddressClass::kPrivate},        // unique local
    {"fe80::/10", AddressClass::kLinkLocal},
    {"fec0::/10", AddressClass::kPrivate},       // site-local (deprecated)
    {"ff00::/8", AddressClass::kMulticast},
};

using RangeTable = std::vector<std::pair<IpPrefix, AddressClass>>;

// The ranges of one family, parsed once (never destroyed).
const RangeTable& Parsed(bool v4) {
  auto parse = [](const auto& ranges) {
    RangeTable out;
    for (const ClassRange& r : ranges) {
      out.emplace_back(*IpPrefix::Parse(r.prefix), r.address_class);
    }
    return out;
  };
  static const RangeTable* const kV4 = new RangeTable(parse(kV4Ranges));
  static const RangeTable* const kV6 = new RangeTable(parse(kV6Ranges));
  return v4 ? *kV4 : *kV6;
}

std::optional<AddressClass> Lookup(const IpAddress& ip) {
  for (const auto& [prefix, address_class] : Parsed(ip.is_v4())) {
    if (prefix.Contains(ip)) return address_class;
  }
  return std::nullopt;
}

bool StartsWithBytes(const IpAddress& ip, std::initializer_list<uint8_t> prefix) {
  return std::equal(prefix.begin(), prefix.end(), ip.bytes());
}

IpAddress V4At(const IpAddress& ip, int offset) {
  std::array<uint8_t, 4> v4;
  std::memcpy(v4.data(), ip.bytes() + offset, 4);
  return IpAddress::V4(v4);
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(absl::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);
  IpAddress ip;
  if (inet_pton(AF_INET, copy.c_str(), ip.bytes_.data()) == 1) {
    ip.v4_ = true;
    return ip;
  }
  if (inet_pton(AF_INET6, copy.c_str(), ip.bytes_.data()) == 1) {
    ip.v4_ = false;
    return ip;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::FromSockaddr(const sockaddr& address) {
  IpAddress ip;
  if (address.sa_family == AF_INET) {
    sockaddr_in in;
    std::memcpy(&in, &address, sizeof(in));
    std::memcpy(ip.bytes_.data(), &in.sin_addr, 4);
    ip.v4_ = true;
    return ip;
  }
  if (address.sa_family == AF_INET6) {
    sockaddr_in6 in6;
    std::memcpy(&in6, &address, sizeof(in6));
    std::memcpy(ip.bytes_.data(), &in6.sin6_addr, 16);
    ip.v4_ = false;
    return ip;
  }
  return std::nullopt;
}

IpAddress IpAddress::V4(const std::array<uint8_t, 4>& bytes) {
  IpAddress ip;
  std::copy(bytes.begin(), bytes.end(), ip.bytes_.begin());
  ip.v4_ = true;
  return ip;
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.bytes_ = bytes;
  ip.v4_ = false;
  return ip;
}

IpAddress IpAddress::Unmapped() const {
  if (v4_) return *this;
  constexpr uint8_t kZeros[12] = {};
  const bool mapped = std::memcmp(bytes_.data(), kZeros, 10) == 0 && bytes_[10] == 0xff &&
                      bytes_[11] == 0xff;
  // ::a.b.c.d (IPv4-compatible, deprecated), but not :: and ::1.
  const bool compatible = std::memcmp(bytes_.data(), kZeros, 12) == 0 &&
                          (bytes_[12] | bytes_[13] | bytes_[14]) != 0;
  if (mapped || compatible) return V4At(*this, 12);
  return *this;
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), text, sizeof(text));
  return text;
}

std::optional<IpPrefix> IpPrefix::Parse(absl::string_view text) {
  size_t slash = text.find('/');
  std::optional<IpAddress> ip = IpAddress::Parse(text.substr(0, slash));
  if (!ip.has_value()) return std::nullopt;
  int length = ip->bit_length();
  if (slash != absl::string_view::npos) {
    absl::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 || !absl::SimpleAtoi(digits, &length) ||
        length < 0 || length > ip->bit_length()) {
      return std::nullopt;
    }
  }
  return IpPrefix{*ip, length};
}

bool IpPrefix::Contains(const IpAddress& ip) const {
  IpAddress candidate = address.is_v4() ? ip.Unmapped() : ip;
  if (candidate.is_v4() != address.is_v4()) return false;
  int whole = length / 8;
  if (std::memcmp(candidate.bytes(), address.bytes(), whole) != 0) return false;
  int rest = length % 8;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (candidate.bytes()[whole] & mask) == (address.bytes()[whole] & mask);
}

AddressClass Classify(const IpAddress& ip) {
  if (ip.is_v4()) return Lookup(ip).value_or(AddressClass::kPublic);
  IpAddress unmapped = ip.Unmapped();
  if (unmapped.is_v4()) return Classify(unmapped);
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) lead to an IPv4 address.
  if (StartsWithBytes(ip, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return Classify(V4At(ip, 12));
  }
  if (StartsWithBytes(ip, {0x20, 0x02})) return Classify(V4At(ip, 2));
  if (std::optional<AddressClass> found = Lookup(ip)) return *found;
  // Only 2000::/3 is allocated for global unicast.
  return (ip.bytes()[0] & 0xe0) == 0x20 ? AddressClass::kPublic : AddressClass::kReserved;
}

absl::string_view AddressClassName(AddressClass value) {
  switch (value) {
    case AddressClass::kPublic: return "public";
    case AddressClass::kUnspecified: return "unspecified";
    case AddressClass::kLoopback: return "loopback";
    case AddressClass::kPrivate: return "private";
    case AddressClass::kLinkLocal: return "link-local";
    case AddressClass::kSharedAddressSpace: return "shared (carrier-grade NAT)";
    case AddressClass::kMulticast: return "multicast";
    case AddressClass::kBroadcast: return "broadcast";
    case AddressClass::kReserved: return "reserved";
  }
  return "unknown";
}

}  // namespace seedance::server::admission
