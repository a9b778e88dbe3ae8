#include "upstream_api/upstream_json.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/json_shape.h"

namespace seedance::upstream_api {
namespace {

namespace pb = google::protobuf;

// Fields written as an object when they hold exactly one element.
const std::vector<absl::string_view>& ObjectOrArrayFields() {
  static const std::vector<absl::string_view> kFields = {
      upstream::v1::VideosResponse::descriptor()
          ->FindFieldByName("data")
          ->full_name()};
  return kFields;
}

absl::Status NotJson(absl::string_view why) {
  return InvalidArgumentWithViolations(
      {{"", absl::StrCat("the body is not valid JSON: ", why),
        std::string(kReasonMalformed)}});
}

}  // namespace

absl::Status ParseWireJson(absl::string_view json, JsonStrictness strictness,
                           pb::Message& out, std::vector<std::string>* unknown_keys) {
  out.Clear();
  pb::Value tree;
  pb::util::Status parsed = pb::util::JsonStringToMessage(
      pb::StringPiece(json.data(), json.size()), &tree);
  if (!parsed.ok()) return NotJson(parsed.message().as_string());
  const pb::Descriptor& type = *out.GetDescriptor();
  if (strictness == JsonStrictness::kStrict) {
    std::vector<FieldViolation> violations;
    CheckJsonShape(tree, type, "", violations);
    if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  } else {
    if (tree.kind_case() != pb::Value::kStructValue) {
      return absl::InvalidArgumentError("the body is not a JSON object");
    }
    WrapSingleObjectsInLists(tree, type);
  }
  DropUnknownKeys(tree, type, "", unknown_keys);
  std::string normalised;
  pb::util::Status printed = pb::util::MessageToJsonString(tree, &normalised);
  if (!printed.ok()) return absl::InternalError(printed.ToString());
  pb::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  pb::util::Status typed = pb::util::JsonStringToMessage(normalised, &out, options);
  if (!typed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body does not fit ", type.name(), ": ",
                     typed.message().as_string()));
  }
  return absl::OkStatus();
}

std::string ToWireJson(const pb::Message& message) {
  std::string json;
  // Printing a valid message cannot fail: its descriptors are our own.
  (void)pb::util::MessageToJsonString(message, &json);
  pb::Value tree;
  if (!pb::util::JsonStringToMessage(json, &tree).ok()) return json;
  UnwrapSingleElementLists(tree, *message.GetDescriptor(), ObjectOrArrayFields());
  return WriteOrderedJson(tree, *message.GetDescriptor());
}

}  // namespace seedance::upstream_api
