#include "clients/cpp/status_text.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::client {

std::string DescribeStatus(const absl::Status& status) {
  if (status.ok()) return "";
  std::string text = absl::StrCat(upstream_api::StatusSummary(status), "\n");
  for (const upstream_api::FieldViolation& v : upstream_api::ViolationsFromStatus(status)) {
    std::string line = absl::StrCat(v.field, ": ", v.description);
    // The gateway's message often names the violations already: once is enough.
    if (absl::StrContains(status.message(), line)) continue;
    absl::StrAppend(&text, "  ", line, "\n");
  }
  if (std::optional<absl::Duration> delay = upstream_api::RetryDelayOf(status)) {
    absl::StrAppend(&text, "  retry after ", absl::FormatDuration(*delay), "\n");
  }
  if (auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(status)) {
    absl::StrAppend(&text, "  reason: ", info->reason());
    for (const auto& [key, value] : info->metadata()) absl::StrAppend(&text, " ", key, "=", value);
    absl::StrAppend(&text, "\n");
  }
  return text;
}

std::string DescribeRpcStatus(const google::rpc::Status& status) {
  return DescribeStatus(upstream_api::FromRpcStatus(status));
}

}  // namespace seedance::client
