#include "server/callers/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "server/model/gateway_errors.h"
#include "upstream_api/status_details.h"

namespace seedance::server::callers {
namespace {

constexpr size_t kMaxTokenBytes = 4096;

absl::Status Unauthenticated(absl::string_view message, absl::string_view reason) {
  return upstream_api::WithErrorInfo(absl::UnauthenticatedError(message), reason,
                            model::kGatewayErrorDomain);
}

}  // namespace

absl::StatusOr<std::string> ParseBearerToken(absl::string_view authorization) {
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (value.empty()) {
    return Unauthenticated(
        "missing credentials: send the metadata \"authorization: Bearer <token>\"",
        "MISSING_CREDENTIALS");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (!absl::StartsWithIgnoreCase(value, kScheme)) {
    return Unauthenticated(
        "the authorization metadata must be \"Bearer <token>\"", "MALFORMED_CREDENTIALS");
  }
  absl::string_view token = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  bool printable = !token.empty() && token.size() <= kMaxTokenBytes;
  for (char c : token) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) printable = false;
  }
  if (!printable) {
    return Unauthenticated(
        "the bearer token must be 1-4096 printable characters without spaces",
        "MALFORMED_CREDENTIALS");
  }
  return std::string(token);
}

}  // namespace seedance::server::callers
