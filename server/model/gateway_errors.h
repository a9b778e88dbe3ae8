// The gateway's own error domain: the google.rpc.ErrorInfo domain of every
// error the gateway raises itself (refusals, limits, lost outcomes), as
// opposed to errors the upstream reported (upstream::kUpstreamErrorDomain).
// Every module that refuses or fails a request names its reason in it.
//
//   return upstream_api::WithErrorInfo(absl::NotFoundError("no such task"),
//                             "TASK_NOT_FOUND", model::kGatewayErrorDomain);
#ifndef SEEDANCE_SERVER_MODEL_GATEWAY_ERRORS_H_
#define SEEDANCE_SERVER_MODEL_GATEWAY_ERRORS_H_

#include "absl/strings/string_view.h"

namespace seedance::server::model {

// The ErrorInfo domain of errors the gateway itself raises.
inline constexpr absl::string_view kGatewayErrorDomain = "gateway.seedance";

}  // namespace seedance::server::model

#endif  // SEEDANCE_SERVER_MODEL_GATEWAY_ERRORS_H_
