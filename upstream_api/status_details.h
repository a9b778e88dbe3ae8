// Typed error details on absl::Status. A detail is a google.rpc message
// (ErrorInfo, RetryInfo, BadRequest, ...) stored as a Status payload keyed by
// its type URL, so that it travels with the status through plain C++ code and
// is turned into google.rpc.Status details only at the gRPC edge.
//
//   absl::Status s = absl::ResourceExhaustedError("rate limited");
//   s = WithErrorInfo(std::move(s), "TOO_MANY_REQUESTS", "seedance.upstream",
//                     {{"trace_id", trace}});
//   s = WithRetryDelay(std::move(s), absl::Seconds(3));
//   google::rpc::Status rpc = ToRpcStatus(s);  // code 8, two details
#ifndef SEEDANCE_UPSTREAM_API_STATUS_DETAILS_H_
#define SEEDANCE_UPSTREAM_API_STATUS_DETAILS_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/message.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace seedance::upstream_api {

// "type.googleapis.com/<full message name>".
std::string TypeUrlOf(const google::protobuf::Descriptor& type);

// Returns `status` with `detail` attached (replacing a detail of the same
// type). OK statuses carry no payloads: returned unchanged.
absl::Status WithDetail(absl::Status status, const google::protobuf::Message& detail);

// The detail of type T attached to `status`, if any.
template <typename T>
std::optional<T> GetDetail(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(TypeUrlOf(*T::descriptor()));
  if (!payload.has_value()) return std::nullopt;
  T detail;
  if (!detail.ParseFromString(std::string(*payload))) return std::nullopt;
  return detail;
}

// Attaches a google.rpc.ErrorInfo.
absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           absl::string_view domain,
                           const std::map<std::string, std::string>& metadata = {});

// Attaches a google.rpc.RetryInfo telling clients to wait `delay`.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// The RetryInfo delay attached to `status`, if any.
std::optional<absl::Duration> RetryDelayOf(const absl::Status& status);

// "RESOURCE_EXHAUSTED: message" without the payload bytes that
// Status::ToString() appends: the form for logs.
std::string StatusSummary(const absl::Status& status);

// The google.rpc.Status form of `status`: its code, message, and every
// google.rpc.* payload as a detail.
google::rpc::Status ToRpcStatus(const absl::Status& status);

// The inverse of ToRpcStatus: details become payloads again.
absl::Status FromRpcStatus(const google::rpc::Status& rpc);

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_STATUS_DETAILS_H_
