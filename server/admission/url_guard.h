// UrlGuard: the gateway's policy for URLs that callers hand it, checked
// before a task is created: image URLs (fetched by the upstream) and the
// callback_url (POSTed to by the gateway itself). Syntax is checked earlier
// (upstream_api/url_check.h); the guard decides whether a URL may be used at all:
//
//   - the scheme is one of `schemes` (https, http); a data: URL only where
//     an image is expected, and at most `max_data_url_bytes` long;
//   - the host, and every address it resolves to, is public: no loopback,
//     private, link-local (cloud metadata at 169.254.169.254), carrier-grade
//     NAT, unspecified, multicast, broadcast or reserved address, unless
//     the operator allowed that host (`allow_private_hosts`: names such as
//     "localhost", addresses such as "127.0.0.1", ranges such as
//     "10.0.0.0/8"). The bundled mock on loopback is reachable only so.
//
// A name is resolved when the task is created; the gateway's own requests to
// callback URLs are checked again when they connect (PeerFilter), so a name
// that later resolves elsewhere (DNS rebinding) gains nothing. Image URLs are
// fetched by the upstream, whose resolver the gateway cannot police: for
// them the create-time check is all there is.
//
//   absl::StatusOr<std::unique_ptr<UrlGuard>> guard = UrlGuard::Create(
//       {.allow_private_hosts = {"127.0.0.1"}}, resolver);
//   (*guard)->Check({{"spec.callback_url", url, UrlUse::kCallback}},
//                   [](absl::Status s) { /* OK, INVALID_ARGUMENT, UNAVAILABLE */ });
#ifndef SEEDANCE_SERVER_ADMISSION_URL_GUARD_H_
#define SEEDANCE_SERVER_ADMISSION_URL_GUARD_H_

#include <sys/socket.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/admission/address_class.h"
#include "server/admission/host_resolver.h"
#include "upstream_api/field_violation.h"

namespace seedance::server::admission {

// The longest image data URL accepted by default: 10 MiB of URL text, about
// 7.5 MiB of image. The provider's guide (docs/upstream-api/) names no size
// limit for images; two of these and the rest of a request stay well under
// the gateway's 32 MiB request cap (GatewayOptions::max_message_bytes).
inline constexpr size_t kDefaultMaxDataUrlBytes = size_t{10} << 20;

struct UrlGuardOptions {
  // Hosts whose addresses may be non-public: a host name matched exactly
  // (case-insensitive, trailing dot ignored; the name is then trusted
  // whatever it resolves to), an address ("127.0.0.1", "::1") or a CIDR
  // range ("10.0.0.0/8") matched against the URL's address or the
  // addresses its name resolves to. Empty: only public hosts.
  std::vector<std::string> allow_private_hosts;
  // The longest data: URL accepted for an image, in bytes.
  size_t max_data_url_bytes = kDefaultMaxDataUrlBytes;
  // Allowed schemes of network URLs, lower case.
  std::vector<std::string> schemes = {"https", "http"};
};

// What a URL is for: data: URLs are images, never endpoints.
enum class UrlUse { kImage, kCallback };

struct UntrustedUrl {
  // The request field that carried it, e.g. "spec.images[0].url".
  std::string field;
  std::string url;
  UrlUse use = UrlUse::kCallback;
};

class UrlGuard {
 public:
  // A guard, or INVALID_ARGUMENT naming an allow_private_hosts entry that is
  // neither a host name, an address nor a CIDR range. `resolver` must
  // outlive the guard.
  static absl::StatusOr<std::unique_ptr<UrlGuard>> Create(UrlGuardOptions options,
                                                          HostResolver& resolver);

  // Checks every URL (host names are resolved concurrently) and calls
  // `done` once with OK; INVALID_ARGUMENT with a BadRequest field violation
  // per refused URL (violations win over everything else); or UNAVAILABLE
  // when a name could not be resolved for now (EAI_AGAIN: retrying may
  // work). A name that does not exist is a violation ("does not resolve").
  // `done` runs on the calling thread when no name needs resolving,
  // otherwise on a resolver thread; it must not block. The guard must
  // outlive the checks in flight. Thread-safe.
  void Check(std::vector<UntrustedUrl> urls, std::function<void(absl::Status)> done) const;

  // True when a URL whose host is `host` may lead to `address`: public, or
  // allowed by allow_private_hosts. Thread-safe.
  bool AllowsAddress(absl::string_view host, const IpAddress& address) const;

  // A connect-time filter for the gateway's own request to `url`
  // (HttpCall::allow_peer): refuses a socket address AllowsAddress refuses.
  // The guard must outlive the call. Thread-safe.
  std::function<bool(const sockaddr&)> PeerFilter(absl::string_view url) const;

 private:
  struct Pending;
  UrlGuard(UrlGuardOptions options, HostResolver& resolver)
      : options_(std::move(options)), resolver_(resolver) {}

  // The violation for `url` that needs no DNS, or nullopt; sets `host` to
  // the name still to resolve ("" when there is none).
  std::optional<upstream_api::FieldViolation> CheckWithoutDns(const UntrustedUrl& url,
                                                     std::string& host) const;
  // The violation for `url` whose host `host` resolved to `addresses`.
  std::optional<upstream_api::FieldViolation> CheckAddresses(
      const UntrustedUrl& url, const std::string& host,
      const std::vector<IpAddress>& addresses) const;
  bool IsTrustedName(absl::string_view host) const;

  const UrlGuardOptions options_;
  HostResolver& resolver_;
  absl::flat_hash_set<std::string> trusted_names_;
  std::vector<IpPrefix> trusted_ranges_;
};

// The host of an absolute URL, lower case, without brackets (IPv6), port,
// userinfo or a trailing dot; "" when there is none or the authority holds
// a backslash (which clients read differently). Pure.
std::string UrlHost(absl::string_view url);

}  // namespace seedance::server::admission

#endif  // SEEDANCE_SERVER_ADMISSION_URL_GUARD_H_
