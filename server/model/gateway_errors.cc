#include "server/model/gateway_errors.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "upstream_api/status_details.h"

namespace seedance::server::model {

absl::Status LimitRefusal(absl::string_view message, absl::string_view reason,
                          absl::Duration retry_after,
                          const std::map<std::string, std::string>& metadata) {
  absl::Status refused = upstream_api::WithErrorInfo(absl::ResourceExhaustedError(message),
                                                     reason, kGatewayErrorDomain, metadata);
  return upstream_api::WithRetryDelay(std::move(refused), retry_after);
}

absl::Status StoreUnavailable(absl::string_view what, const absl::Status& cause,
                              absl::Duration retry_after) {
  absl::Status failed = upstream_api::WithErrorInfo(
      absl::UnavailableError(absl::StrCat(what, ": ", cause.message())), "STORE_UNAVAILABLE",
      kGatewayErrorDomain);
  return upstream_api::WithRetryDelay(std::move(failed), retry_after);
}

}  // namespace seedance::server::model
