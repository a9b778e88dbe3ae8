// Fuzzes the request validator (upstream_api/request_validator.h). The input is a
// videos body as JSON (strict, else lenient reading) or, failing both, a
// binary VideosRequest: the gateway validates requests built from gRPC specs,
// so values JSON cannot carry matter too. Invariants:
//
//  * never crashes; every violation names a field of VideosRequest by its
//    JSON path ("content[1].image_url.url"), says what is wrong and has one
//    of the documented reasons;
//  * ToStatus() is OK exactly when there is no violation, and the
//    violations survive the trip through the status payload;
//  * the result depends on the message only: validating again, or after a
//    trip through the wire JSON, gives the same result;
//  * a valid request's effective settings are valid inline parameters
//    (render and re-parse them: same settings, no note).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/stubs/logging.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/inline_params.h"
#include "upstream_api/request_validator.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::upstream_api {
namespace {

using upstream::v1::VideosRequest;

bool KnownReason(absl::string_view reason) {
  for (absl::string_view known : {kReasonRequired, kReasonWrongType, kReasonOutOfRange,
                                  kReasonUnknownValue, kReasonNotAllowed, kReasonConflict,
                                  kReasonMalformed}) {
    if (reason == known) return true;
  }
  return false;
}

// True if `path` ("content[0].image_url.url") walks real fields of
// VideosRequest by their JSON names, with indexes only on repeated fields.
bool NamesAField(absl::string_view path) {
  const google::protobuf::Descriptor* type = VideosRequest::descriptor();
  while (!path.empty()) {
    if (type == nullptr) return false;  // a path below a scalar
    size_t end = path.find_first_of(".[");
    absl::string_view name = path.substr(0, end);
    const google::protobuf::FieldDescriptor* field = nullptr;
    for (int i = 0; i < type->field_count(); ++i) {
      if (type->field(i)->json_name() == name) field = type->field(i);
    }
    if (field == nullptr) return false;
    path = end == absl::string_view::npos ? "" : path.substr(end);
    if (!path.empty() && path[0] == '[') {
      if (!field->is_repeated()) return false;
      size_t close = path.find(']');
      if (close == absl::string_view::npos || close == 1) return false;
      for (char c : path.substr(1, close - 1)) {
        if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
      }
      path = path.substr(close + 1);
    }
    if (!path.empty()) {
      if (path[0] != '.' || path.size() == 1) return false;
      path = path.substr(1);
    }
    type = field->message_type();
  }
  return true;
}

void CheckResult(const VideosRequest& request, const ValidationResult& result) {
  for (const FieldViolation& v : result.violations) {
    FUZZ_CHECK(!v.field.empty() && NamesAField(v.field), "bad field path: " << v);
    FUZZ_CHECK(!v.description.empty(), "no description: " << v);
    FUZZ_CHECK(KnownReason(v.reason), "unknown reason: " << v);
  }
  absl::Status status = result.ToStatus();
  FUZZ_CHECK(status.ok() == result.ok(), status);
  if (!status.ok()) {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, status);
    FUZZ_CHECK(ViolationsFromStatus(status) == result.violations,
               "violations lost in the status payload: " << status);
  }
  if (result.ok()) {
    const InlineParams& e = result.effective;
    FUZZ_CHECK(!(e.duration && e.frames), "both duration and frames take effect: "
                                              << request.ShortDebugString());
    ParsedPrompt back = ParseInlineParams(RenderInlineParams("", e));
    FUZZ_CHECK(back.params == e, "effective settings of a valid request are not "
                                 "valid inline parameters: "
                                     << RenderInlineParams("", e));
    FUZZ_CHECK(back.notes.empty(), RenderInlineParams("", e) << ": " << back.notes[0]);
  }
}

bool SameResult(const ValidationResult& a, const ValidationResult& b) {
  return a.violations == b.violations && a.notes == b.notes && a.effective == b.effective;
}

}  // namespace
}  // namespace seedance::upstream_api

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // protobuf logs each invalid UTF-8 string it meets; the invariants below
  // decide what is wrong.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace seedance::upstream_api;  // NOLINT: a fuzz entry point
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  seedance::upstream::v1::VideosRequest request;
  if (!ParseWireJson(input, JsonStrictness::kStrict, request).ok() &&
      !ParseWireJson(input, JsonStrictness::kLenient, request).ok() &&
      !request.ParseFromArray(data, static_cast<int>(size))) {
    return 0;
  }
  ValidationResult result = ValidateVideosRequest(request);
  CheckResult(request, result);
  FUZZ_CHECK(SameResult(result, ValidateVideosRequest(request)), "not deterministic");
  // What the mock receives is the gateway's request as wire JSON: the
  // verdict must not change on the way (when the message can be written as
  // JSON the strict reader takes back; NaN and infinite seeds cannot).
  absl::StatusOr<seedance::upstream::v1::VideosRequest> reparsed =
      ParseVideosRequest(ToWireJson(request));
  if (reparsed.ok()) {
    ValidationResult again = ValidateVideosRequest(*reparsed);
    FUZZ_CHECK(again.violations == result.violations,
               "the verdict changed through the wire JSON: "
                   << request.ShortDebugString() << " -> " << ToWireJson(request));
  }
  return 0;
}
