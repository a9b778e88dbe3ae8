// Fuzzes the JSON <-> proto mapping of upstream_api/upstream_json.h with any bytes,
// read as each message the gateway and the mock read: request bodies
// strictly (VideosRequest, TasksRequest), upstream answers leniently
// (VideosResponse, VideosAccepted, ErrorResponse, TaskRecord,
// TasksBatchResponse). Invariants:
//
//  * a failure is INVALID_ARGUMENT, and in strict mode it names at least one
//    field (the BadRequest payload the mock's 400 and the gateway's error
//    details are made of);
//  * what parses re-serialises (ToWireJson), re-parses with the same
//    strictness to the same message, and re-serialises to the same bytes;
//  * what parses strictly parses leniently to the same message (strict only
//    adds checks).
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/message_differencer.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/upstream_json.h"

namespace seedance::upstream_api {
namespace {

namespace pb = google::protobuf;

// Equal field by field; NaN equals NaN (the lenient reader takes "NaN" for a
// double, as protobuf's JSON mapping does, and writes it back the same way).
bool SameMessage(const pb::Message& a, const pb::Message& b) {
  pb::util::DefaultFieldComparator comparator;
  comparator.set_treat_nan_as_equal(true);
  pb::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&comparator);
  return differencer.Compare(a, b);
}

template <typename T>
void CheckRoundTrip(absl::string_view input, JsonStrictness strictness) {
  const bool strict = strictness == JsonStrictness::kStrict;
  absl::StatusOr<T> first = ParseWireJson<T>(input, strictness);
  if (!first.ok()) {
    FUZZ_CHECK(first.status().code() == absl::StatusCode::kInvalidArgument,
               T::descriptor()->name() << ": " << first.status());
    if (strict) {
      FUZZ_CHECK(!ViolationsFromStatus(first.status()).empty(),
                 T::descriptor()->name() << " strict failure names no field: "
                                         << first.status());
    }
    return;
  }
  std::string json = ToWireJson(*first);
  absl::StatusOr<T> second = ParseWireJson<T>(json, strictness);
  FUZZ_CHECK(second.ok(), T::descriptor()->name() << ": ToWireJson output "
                                                  << json << " does not re-parse: "
                                                  << second.status());
  FUZZ_CHECK(SameMessage(*first, *second),
             T::descriptor()->name() << ": re-parsed message differs\n  first: "
                                     << first->ShortDebugString() << "\n  second: "
                                     << second->ShortDebugString());
  std::string again = ToWireJson(*second);
  FUZZ_CHECK(again == json, T::descriptor()->name() << ": ToWireJson not stable: "
                                                    << json << " then " << again);
  if (strict) {
    absl::StatusOr<T> lenient = ParseWireJson<T>(input, JsonStrictness::kLenient);
    FUZZ_CHECK(lenient.ok(), T::descriptor()->name()
                                 << ": strict OK but lenient fails: " << lenient.status());
    FUZZ_CHECK(SameMessage(*first, *lenient),
               T::descriptor()->name() << ": strict and lenient differ\n  strict: "
                                       << first->ShortDebugString() << "\n  lenient: "
                                       << lenient->ShortDebugString());
  }
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
  using namespace seedance::upstream_api;             // NOLINT: a fuzz entry point
  using namespace seedance::upstream::v1;    // NOLINT
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  CheckRoundTrip<VideosRequest>(input, JsonStrictness::kStrict);
  CheckRoundTrip<TasksRequest>(input, JsonStrictness::kStrict);
  CheckRoundTrip<VideosResponse>(input, JsonStrictness::kLenient);
  CheckRoundTrip<VideosAccepted>(input, JsonStrictness::kLenient);
  CheckRoundTrip<ErrorResponse>(input, JsonStrictness::kLenient);
  CheckRoundTrip<TaskRecord>(input, JsonStrictness::kLenient);
  CheckRoundTrip<TasksBatchResponse>(input, JsonStrictness::kLenient);
  return 0;
}
