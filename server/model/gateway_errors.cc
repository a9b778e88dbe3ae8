#include "server/model/gateway_errors.h"

#include <utility>

#include "upstream_api/status_details.h"

namespace seedance::server::model {

absl::Status LimitRefusal(absl::string_view message, absl::string_view reason,
                          absl::Duration retry_after,
                          const std::map<std::string, std::string>& metadata) {
  absl::Status refused = upstream_api::WithErrorInfo(absl::ResourceExhaustedError(message),
                                                     reason, kGatewayErrorDomain, metadata);
  return upstream_api::WithRetryDelay(std::move(refused), retry_after);
}

}  // namespace seedance::server::model
