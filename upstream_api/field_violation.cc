#include "upstream_api/field_violation.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/utf8.h"
#include "google/rpc/error_details.pb.h"

namespace seedance::upstream_api {

std::string ToString(const FieldViolation& violation) {
  if (violation.field.empty()) return violation.description;
  return absl::StrCat(violation.field, ": ", violation.description);
}

std::ostream& operator<<(std::ostream& out, const FieldViolation& violation) {
  return out << ToString(violation) << " [" << violation.reason << "]";
}

absl::Status InvalidArgumentWithViolations(
    const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::vector<std::string> lines;
  lines.reserve(violations.size());
  for (const FieldViolation& v : violations) {
    // Descriptions may quote raw client bytes (protobuf's JSON parser quotes
    // the input around a syntax error). A proto3 string must be UTF-8, or the
    // BadRequest does not parse back and every violation is lost (found by
    // fuzz/upstream_json_fuzzer): invalid bytes become U+FFFD.
    FieldViolation valid{ToValidUtf8(v.field), ToValidUtf8(v.description),
                         ToValidUtf8(v.reason)};
    auto* out = bad_request.add_field_violations();
    out->set_field(valid.field);
    out->set_description(valid.description);
    out->set_reason(valid.reason);
    lines.push_back(ToString(valid));
  }
  absl::Status status(absl::StatusCode::kInvalidArgument,
                      absl::StrCat("invalid request: ", absl::StrJoin(lines, "; ")));
  status.SetPayload(kBadRequestTypeUrl,
                    absl::Cord(bad_request.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> ViolationsFromStatus(const absl::Status& status) {
  std::vector<FieldViolation> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : bad_request.field_violations()) {
    out.push_back({v.field(), v.description(), v.reason()});
  }
  return out;
}

std::string JoinPath(absl::string_view path, absl::string_view name) {
  if (path.empty()) return std::string(name);
  return absl::StrCat(path, ".", name);
}

std::string IndexPath(absl::string_view path, int index) {
  return absl::StrCat(path, "[", index, "]");
}

}  // namespace seedance::upstream_api
