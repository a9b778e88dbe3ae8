#include "server/admission/url_guard.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"

namespace seedance::server::admission {
namespace {

bool IsHostNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

// A host as UrlHost returns it: a name, a dotted IPv4 address or an IPv6
// address (from brackets). Percent-escapes, backslashes and the like are
// refused rather than interpreted, so that the guard and the HTTP client
// can never disagree about which host a URL names.
bool IsPlainHost(absl::string_view host) {
  if (host.empty()) return false;
  if (std::all_of(host.begin(), host.end(), IsHostNameChar)) return true;
  return IpAddress::Parse(host).has_value();
}

std::string NormalizedName(absl::string_view name) {
  std::string out = absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

upstream_api::FieldViolation NotAllowed(const UntrustedUrl& url, std::string description) {
  return {url.field, std::move(description), std::string(upstream_api::kReasonNotAllowed)};
}

}  // namespace

std::string UrlHost(absl::string_view url) {
  size_t separator = url.find("://");
  if (separator == absl::string_view::npos) return "";
  absl::string_view authority = url.substr(separator + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  // Browsers read a backslash as "/": for them "http://10.0.0.1<backslash>
  // @a.example" names 10.0.0.1, here a.example. Refused rather than guessed.
  if (authority.find('\\') != absl::string_view::npos) return "";
  if (size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  absl::string_view host;
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return "";
    host = authority.substr(1, close - 1);
  } else {
    host = authority.substr(0, authority.find(':'));
  }
  return NormalizedName(host);
}

// One Check call: what each URL got, and how many lookups are outstanding.
struct UrlGuard::Pending {
  std::vector<UntrustedUrl> urls;
  std::function<void(absl::Status)> done;
  absl::Mutex mu;
  // One per URL; set by CheckWithoutDns or by the lookup's answer.
  std::vector<std::optional<upstream_api::FieldViolation>> violations ABSL_GUARDED_BY(mu);
  // The first lookup that failed for now.
  absl::Status transient ABSL_GUARDED_BY(mu);
  // Lookups not answered yet, plus one held by Check until all are started.
  int remaining ABSL_GUARDED_BY(mu) = 1;

  // Counts one answer; the last runs `done`.
  void Arrive() {
    absl::Status outcome;
    {
      absl::MutexLock lock(&mu);
      if (--remaining > 0) return;
      std::vector<upstream_api::FieldViolation> found;
      for (std::optional<upstream_api::FieldViolation>& v : violations) {
        if (v.has_value()) found.push_back(*std::move(v));
      }
      if (!found.empty()) {
        outcome = upstream_api::InvalidArgumentWithViolations(found);
      } else if (!transient.ok()) {
        outcome = absl::UnavailableError(
            absl::StrCat(transient.message(), "; retry the request later"));
      }
    }
    done(std::move(outcome));
  }
};

absl::StatusOr<std::unique_ptr<UrlGuard>> UrlGuard::Create(UrlGuardOptions options,
                                                           HostResolver& resolver) {
  std::unique_ptr<UrlGuard> guard(new UrlGuard(std::move(options), resolver));
  for (const std::string& entry : guard->options_.allow_private_hosts) {
    std::string name = NormalizedName(entry);
    if (name.empty()) continue;
    if (std::optional<IpPrefix> range = IpPrefix::Parse(name)) {
      guard->trusted_ranges_.push_back(*range);
    } else if (std::all_of(name.begin(), name.end(), IsHostNameChar)) {
      guard->trusted_names_.insert(name);
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "allowed private host \"", entry,
          "\" is neither a host name, an IP address nor a CIDR range (10.0.0.0/8)"));
    }
  }
  return guard;
}

bool UrlGuard::IsTrustedName(absl::string_view host) const {
  return trusted_names_.contains(NormalizedName(host));
}

bool UrlGuard::AllowsAddress(absl::string_view host, const IpAddress& address) const {
  if (Classify(address) == AddressClass::kPublic || IsTrustedName(host)) return true;
  return std::any_of(trusted_ranges_.begin(), trusted_ranges_.end(),
                     [&](const IpPrefix& range) { return range.Contains(address); });
}

std::function<bool(const sockaddr&)> UrlGuard::PeerFilter(absl::string_view url) const {
  return [this, host = UrlHost(url)](const sockaddr& address) {
    std::optional<IpAddress> ip = IpAddress::FromSockaddr(address);
    return ip.has_value() && AllowsAddress(host, *ip);
  };
}

std::optional<upstream_api::FieldViolation> UrlGuard::CheckWithoutDns(const UntrustedUrl& url,
                                                             std::string& host) const {
  host.clear();
  size_t colon = url.url.find(':');
  if (colon == std::string::npos || colon == 0) {
    return upstream_api::FieldViolation{url.field, "must be an absolute URL",
                               std::string(upstream_api::kReasonMalformed)};
  }
  std::string scheme = absl::AsciiStrToLower(absl::string_view(url.url).substr(0, colon));
  if (scheme == "data") {
    if (url.use != UrlUse::kImage) {
      return NotAllowed(url, "must be an http(s) URL, not a data: URL");
    }
    if (url.url.size() > options_.max_data_url_bytes) {
      return upstream_api::FieldViolation{
          url.field,
          absl::StrCat("the data URL is ", url.url.size(), " bytes; at most ",
                       options_.max_data_url_bytes,
                       " are accepted (use an https URL for a larger image)"),
          std::string(upstream_api::kReasonOutOfRange)};
    }
    return std::nullopt;  // no host; the syntax is the validator's
  }
  if (std::find(options_.schemes.begin(), options_.schemes.end(), scheme) ==
      options_.schemes.end()) {
    return NotAllowed(url, absl::StrCat("scheme \"", scheme, "\" is not allowed; use ",
                                        absl::StrJoin(options_.schemes, " or ")));
  }
  std::string name = UrlHost(url.url);
  if (!IsPlainHost(name)) {
    return upstream_api::FieldViolation{url.field,
                               "the URL's host must be a plain host name or IP address",
                               std::string(upstream_api::kReasonMalformed)};
  }
  if (IsTrustedName(name)) return std::nullopt;
  if (std::optional<IpAddress> literal = IpAddress::Parse(name)) {
    if (AllowsAddress(name, *literal)) return std::nullopt;
    return NotAllowed(url, absl::StrCat(literal->ToString(), " is a ",
                                        AddressClassName(Classify(*literal)),
                                        " address; only public hosts are allowed"));
  }
  host = std::move(name);
  return std::nullopt;
}

std::optional<upstream_api::FieldViolation> UrlGuard::CheckAddresses(
    const UntrustedUrl& url, const std::string& host,
    const std::vector<IpAddress>& addresses) const {
  for (const IpAddress& address : addresses) {
    if (AllowsAddress(host, address)) continue;
    return NotAllowed(url, absl::StrCat("host \"", host, "\" resolves to ", address.ToString(),
                                        ", a ", AddressClassName(Classify(address)),
                                        " address; only public hosts are allowed"));
  }
  return std::nullopt;
}

void UrlGuard::Check(std::vector<UntrustedUrl> urls,
                     std::function<void(absl::Status)> done) const {
  auto pending = std::make_shared<Pending>();
  pending->urls = std::move(urls);
  pending->done = std::move(done);
  std::vector<std::pair<size_t, std::string>> lookups;
  {
    absl::MutexLock lock(&pending->mu);
    pending->violations.resize(pending->urls.size());
    for (size_t i = 0; i < pending->urls.size(); ++i) {
      std::string host;
      pending->violations[i] = CheckWithoutDns(pending->urls[i], host);
      if (!host.empty()) lookups.emplace_back(i, std::move(host));
    }
    pending->remaining += static_cast<int>(lookups.size());
  }
  for (auto& [index, host] : lookups) {
    resolver_.Resolve(host, [this, pending, index = index, host = host](
                                absl::StatusOr<std::vector<IpAddress>> addresses) {
      {
        absl::MutexLock lock(&pending->mu);
        const UntrustedUrl& url = pending->urls[index];
        if (addresses.ok()) {
          pending->violations[index] = CheckAddresses(url, host, *addresses);
        } else if (addresses.status().code() == absl::StatusCode::kNotFound) {
          pending->violations[index] = upstream_api::FieldViolation{
              url.field, absl::StrCat("host \"", host, "\" does not resolve"),
              std::string(upstream_api::kReasonUnknownValue)};
        } else if (pending->transient.ok()) {
          pending->transient = addresses.status();
        }
      }
      pending->Arrive();
    });
  }
  pending->Arrive();  // the one Check held
}

}  // namespace seedance::server::admission
