#include "upstream_api/status_details.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/proto_time.h"

namespace seedance::upstream_api {
namespace {

constexpr absl::string_view kGoogleRpcPrefix = "type.googleapis.com/google.rpc.";

}  // namespace

std::string TypeUrlOf(const google::protobuf::Descriptor& type) {
  return absl::StrCat("type.googleapis.com/", type.full_name());
}

absl::Status WithDetail(absl::Status status, const google::protobuf::Message& detail) {
  if (status.ok()) return status;
  status.SetPayload(TypeUrlOf(*detail.GetDescriptor()),
                    absl::Cord(detail.SerializeAsString()));
  return status;
}

absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           absl::string_view domain,
                           const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(domain));
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  return WithDetail(std::move(status), info);
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  google::rpc::RetryInfo retry;
  SetProtoDuration(delay, retry.mutable_retry_delay());
  return WithDetail(std::move(status), retry);
}

std::optional<absl::Duration> RetryDelayOf(const absl::Status& status) {
  std::optional<google::rpc::RetryInfo> retry = GetDetail<google::rpc::RetryInfo>(status);
  if (!retry.has_value()) return std::nullopt;
  return FromProtoDuration(retry->retry_delay());
}

std::string StatusSummary(const absl::Status& status) {
  if (status.ok()) return "OK";
  return absl::StrCat(absl::StatusCodeToString(status.code()), ": ", status.message());
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(std::string(status.message()));
  status.ForEachPayload([&rpc](absl::string_view type_url, const absl::Cord& value) {
    if (!absl::StartsWith(type_url, kGoogleRpcPrefix)) return;
    google::protobuf::Any* any = rpc.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  return rpc;
}

absl::Status FromRpcStatus(const google::rpc::Status& rpc) {
  absl::Status status(static_cast<absl::StatusCode>(rpc.code()), rpc.message());
  if (status.ok()) return status;
  for (const google::protobuf::Any& any : rpc.details()) {
    status.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return status;
}

}  // namespace seedance::upstream_api
