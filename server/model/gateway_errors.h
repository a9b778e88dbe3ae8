// The gateway's own error domain: the google.rpc.ErrorInfo domain of every
// error the gateway raises itself (refusals, limits, lost outcomes), as
// opposed to errors the upstream reported (upstream::kUpstreamErrorDomain).
// Every module that refuses or fails a request names its reason in it, and
// every limit refuses the same way (LimitRefusal).
//
//   return upstream_api::WithErrorInfo(absl::NotFoundError("no such task"),
//                             "TASK_NOT_FOUND", model::kGatewayErrorDomain);
#ifndef SEEDANCE_SERVER_MODEL_GATEWAY_ERRORS_H_
#define SEEDANCE_SERVER_MODEL_GATEWAY_ERRORS_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace seedance::server::model {

// The ErrorInfo domain of errors the gateway itself raises.
inline constexpr absl::string_view kGatewayErrorDomain = "gateway.seedance";

// The refusal of a call past one of the gateway's limits: RESOURCE_EXHAUSTED
// with `message` (which names the limit), an ErrorInfo `reason` (with
// `metadata`) in kGatewayErrorDomain and a RetryInfo of `retry_after`.
absl::Status LimitRefusal(absl::string_view message, absl::string_view reason,
                          absl::Duration retry_after,
                          const std::map<std::string, std::string>& metadata = {});

// A call that needed the task store while it failed (PostgreSQL away, a
// disk error): UNAVAILABLE, "<what>: <the store's message>", ErrorInfo
// STORE_UNAVAILABLE and a RetryInfo of `retry_after`, so that clients retry
// (a create with the same request_id). Nothing was changed.
absl::Status StoreUnavailable(absl::string_view what, const absl::Status& cause,
                              absl::Duration retry_after = absl::Seconds(1));

}  // namespace seedance::server::model

#endif  // SEEDANCE_SERVER_MODEL_GATEWAY_ERRORS_H_
