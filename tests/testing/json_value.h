// Reading JSON in tests: parse into google.protobuf.Value and look values up
// by a dotted path.
//
//   absl::StatusOr<google::protobuf::Value> v = ParseJsonValue(body);
//   JsonString(*v, "data.status");   // "succeeded" ("" if absent)
//   JsonNumber(*v, "count");         // 2 (NaN if absent)
//   JsonAt(*v, "items.0.id");        // a pointer, nullptr if absent
#ifndef SEEDANCE_TESTS_TESTING_JSON_VALUE_H_
#define SEEDANCE_TESTS_TESTING_JSON_VALUE_H_

#include <cmath>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace seedance::testing {

inline absl::StatusOr<google::protobuf::Value> ParseJsonValue(absl::string_view json) {
  google::protobuf::Value value;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &value);
  if (!status.ok()) {
    return absl::InvalidArgumentError(std::string(status.message().as_string()));
  }
  return value;
}

// The value at `path` ("a.b.0.c": object keys and list indexes), or nullptr.
inline const google::protobuf::Value* JsonAt(const google::protobuf::Value& root,
                                             absl::string_view path) {
  const google::protobuf::Value* at = &root;
  if (path.empty()) return at;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (at->has_struct_value()) {
      auto it = at->struct_value().fields().find(std::string(part));
      if (it == at->struct_value().fields().end()) return nullptr;
      at = &it->second;
    } else if (at->has_list_value()) {
      int index = 0;
      if (!absl::SimpleAtoi(part, &index) || index < 0 ||
          index >= at->list_value().values_size()) {
        return nullptr;
      }
      at = &at->list_value().values(index);
    } else {
      return nullptr;
    }
  }
  return at;
}

// The string at `path`, or "" when absent or not a string.
inline std::string JsonString(const google::protobuf::Value& root,
                              absl::string_view path) {
  const google::protobuf::Value* at = JsonAt(root, path);
  return at != nullptr && at->kind_case() == google::protobuf::Value::kStringValue
             ? at->string_value()
             : "";
}

// The number at `path`, or NaN when absent or not a number.
inline double JsonNumber(const google::protobuf::Value& root, absl::string_view path) {
  const google::protobuf::Value* at = JsonAt(root, path);
  return at != nullptr && at->kind_case() == google::protobuf::Value::kNumberValue
             ? at->number_value()
             : std::numeric_limits<double>::quiet_NaN();
}

// True when `path` holds the JSON boolean true.
inline bool JsonTrue(const google::protobuf::Value& root, absl::string_view path) {
  const google::protobuf::Value* at = JsonAt(root, path);
  return at != nullptr && at->kind_case() == google::protobuf::Value::kBoolValue &&
         at->bool_value();
}

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_JSON_VALUE_H_
