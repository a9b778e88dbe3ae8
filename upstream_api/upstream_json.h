// JSON <-> proto for the upstream REST API (seedance/upstream/v1), on top of
// protobuf's own JSON mapping. The proto messages carry the wire names, so
// the mapping itself does the work; this adds the two things it cannot do:
//
//  * Strict reading of request bodies: every field of the wrong JSON type is
//    named by its path (CheckJsonShape), e.g. a string `image_url` is
//    "content[0].image_url: must be an object like {"url": ...}".
//  * `data` as object or array in videos answers: read both, write a single
//    element back as an object (the documented form).
//
//   absl::StatusOr<VideosRequest> req = ParseVideosRequest(body);
//   if (!req.ok()) return Http400(req.status());  // BadRequest payload inside
//   std::string json = ToWireJson(response);
//
// Unknown keys are ignored both ways, as the upstream does (a reader may
// ask which they were). All functions are
// thread-safe.
#ifndef SEEDANCE_UPSTREAM_API_UPSTREAM_JSON_H_
#define SEEDANCE_UPSTREAM_API_UPSTREAM_JSON_H_

#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "seedance/upstream/v1/tasks.pb.h"
#include "seedance/upstream/v1/videos.pb.h"

namespace seedance::upstream_api {

enum class JsonStrictness {
  // For bodies from clients (the mock, the gateway's own checks): every
  // value must have its field's JSON type; violations are listed.
  kStrict,
  // For bodies from the upstream: a repeated message field may be a single
  // object; type mismatches still fail, with protobuf's message.
  kLenient,
};

// Reads `json` into `out` (cleared first). On failure returns
// INVALID_ARGUMENT; in strict mode with a BadRequest payload naming each
// wrong field (see field_violation.h). Keys `out`'s message does not know
// are skipped; their paths ("durtion", "content[0].colour") are appended
// to `unknown_keys` when given.
absl::Status ParseWireJson(absl::string_view json, JsonStrictness strictness,
                           google::protobuf::Message& out,
                           std::vector<std::string>* unknown_keys = nullptr);

template <typename T>
absl::StatusOr<T> ParseWireJson(absl::string_view json, JsonStrictness strictness) {
  T message;
  absl::Status status = ParseWireJson(json, strictness, message);
  if (!status.ok()) return status;
  return message;
}

// The wire JSON of `message`: REST field names, unset fields left out, and
// every one-element VideosResponse.data written as an object.
std::string ToWireJson(const google::protobuf::Message& message);

// Strict: a request body from a client.
inline absl::StatusOr<upstream::v1::VideosRequest> ParseVideosRequest(
    absl::string_view json, std::vector<std::string>* unknown_keys = nullptr) {
  upstream::v1::VideosRequest request;
  absl::Status status = ParseWireJson(json, JsonStrictness::kStrict, request, unknown_keys);
  if (!status.ok()) return status;
  return request;
}
inline absl::StatusOr<upstream::v1::TasksRequest> ParseTasksRequest(
    absl::string_view json) {
  return ParseWireJson<upstream::v1::TasksRequest>(json, JsonStrictness::kStrict);
}

// Lenient: answers and callbacks from the upstream.
inline absl::StatusOr<upstream::v1::VideosResponse> ParseVideosResponse(
    absl::string_view json) {
  return ParseWireJson<upstream::v1::VideosResponse>(json,
                                                     JsonStrictness::kLenient);
}
inline absl::StatusOr<upstream::v1::VideosAccepted> ParseVideosAccepted(
    absl::string_view json) {
  return ParseWireJson<upstream::v1::VideosAccepted>(json,
                                                     JsonStrictness::kLenient);
}
inline absl::StatusOr<upstream::v1::ErrorResponse> ParseErrorResponse(
    absl::string_view json) {
  return ParseWireJson<upstream::v1::ErrorResponse>(json, JsonStrictness::kLenient);
}
inline absl::StatusOr<upstream::v1::TaskRecord> ParseTaskRecord(
    absl::string_view json) {
  return ParseWireJson<upstream::v1::TaskRecord>(json, JsonStrictness::kLenient);
}
inline absl::StatusOr<upstream::v1::TasksBatchResponse> ParseTasksBatchResponse(
    absl::string_view json) {
  return ParseWireJson<upstream::v1::TasksBatchResponse>(json,
                                                         JsonStrictness::kLenient);
}

}  // namespace seedance::upstream_api

#endif  // SEEDANCE_UPSTREAM_API_UPSTREAM_JSON_H_
