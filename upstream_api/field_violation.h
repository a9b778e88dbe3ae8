// FieldViolation: one bad field of a request, named by its path, and the
// conversions between a list of them and an absl::Status.
//
// A violation list travels inside an INVALID_ARGUMENT status as a
// google.rpc.BadRequest payload, so that each edge (the mock's HTTP 400, the
// gateway's gRPC status details) can render it without re-validating:
//
//   std::vector<FieldViolation> v = ...;
//   absl::Status s = InvalidArgumentWithViolations(v);
//   // s.message(): "invalid request: duration: must be 2-12, got 99"
//   std::vector<FieldViolation> back = ViolationsFromStatus(s);  // == v
#ifndef SEEDANCE_UPSTREAM_API_FIELD_VIOLATION_H_
#define SEEDANCE_UPSTREAM_API_FIELD_VIOLATION_H_

#include <ostream>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace seedance::upstream_api {

// Machine-readable reasons (google.rpc.BadRequest.FieldViolation.reason).
inline constexpr absl::string_view kReasonRequired = "REQUIRED";
inline constexpr absl::string_view kReasonWrongType = "WRONG_TYPE";
inline constexpr absl::string_view kReasonOutOfRange = "OUT_OF_RANGE";
inline constexpr absl::string_view kReasonUnknownValue = "UNKNOWN_VALUE";
inline constexpr absl::string_view kReasonNotAllowed = "NOT_ALLOWED";
inline constexpr absl::string_view kReasonConflict = "CONFLICT";
inline constexpr absl::string_view kReasonMalformed = "MALFORMED";

// The status payload key, as google.rpc.Status.details would name the type.
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/google.rpc.BadRequest";

struct FieldViolation {
  // JSON path of the field, e.g. "content[1].image_url.url"; empty for the
  // body as a whole.
  std::string field;
  // Plain English: what is wrong and what is allowed.
  std::string description;
  // One of the kReason* constants.
  std::string reason;

  bool operator==(const FieldViolation&) const = default;
};

// "field: description", or just the description when field is empty.
std::string ToString(const FieldViolation& violation);

// Writes ToString(violation) and the reason, for logs and test failures.
std::ostream& operator<<(std::ostream& out, const FieldViolation& violation);

// An INVALID_ARGUMENT status whose message lists every violation and whose
// payload holds them as a google.rpc.BadRequest. `violations` must not be
// empty.
absl::Status InvalidArgumentWithViolations(
    const std::vector<FieldViolation>& violations);

// The violations carried by `status`; empty if it has no BadRequest payload.
std::vector<FieldViolation> ViolationsFromStatus(const absl::Status& status);

// Returns `path` + "." + `name`, or `name` when path is empty.
std::string JoinPath(absl::string_view path, absl::string_view name);

// Returns `path` + "[index]".
std::string IndexPath(absl::string_view path, int index);

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_FIELD_VIOLATION_H_
