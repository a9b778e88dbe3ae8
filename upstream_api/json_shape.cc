#include "upstream_api/json_shape.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"

namespace seedance::upstream_api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Value;

const char* KindName(const Value& v) {
  switch (v.kind_case()) {
    case Value::kNullValue: return "null";
    case Value::kNumberValue: return "a number";
    case Value::kStringValue: return "a string";
    case Value::kBoolValue: return "a boolean";
    case Value::kStructValue: return "an object";
    case Value::kListValue: return "an array";
    case Value::KIND_NOT_SET: break;
  }
  return "nothing";
}

void Report(absl::string_view path, std::string description,
            std::vector<FieldViolation>& out) {
  out.push_back({std::string(path), std::move(description),
                 std::string(kReasonWrongType)});
}

bool IsFreeFormType(const Descriptor& type) {
  const std::string& name = type.full_name();
  return name == "google.protobuf.Value" || name == "google.protobuf.Struct" ||
         name == "google.protobuf.ListValue" || name == "google.protobuf.Any";
}

bool IsStringEncodedType(const Descriptor& type) {
  const std::string& name = type.full_name();
  return name == "google.protobuf.Timestamp" ||
         name == "google.protobuf.Duration" ||
         name == "google.protobuf.FieldMask";
}

// "must be an object", with the expected form for one-field messages such as
// ImageUrl ({"url": ...}), which users most often get wrong.
std::string ObjectExpected(const Descriptor& type, const Value& got) {
  std::string hint;
  if (type.field_count() == 1) {
    hint = absl::StrCat(" like {\"", type.field(0)->json_name(), "\": ...}");
  }
  return absl::StrCat("must be an object", hint, ", not ", KindName(got));
}

void CheckIntegral(const Value& value, double min, double max,
                   absl::string_view path, std::vector<FieldViolation>& out) {
  if (value.kind_case() != Value::kNumberValue) {
    Report(path, absl::StrCat("must be an integer, not ", KindName(value)), out);
    return;
  }
  double n = value.number_value();
  if (std::trunc(n) != n) {
    Report(path, absl::StrCat("must be an integer, not ", n), out);
  } else if (n < min || n > max) {
    out.push_back({std::string(path),
                   absl::StrCat(n, " does not fit the field's integer type"),
                   std::string(kReasonOutOfRange)});
  }
}

void CheckSingular(const Value& value, const FieldDescriptor& field,
                   absl::string_view path, std::vector<FieldViolation>& out) {
  if (value.kind_case() == Value::kNullValue) return;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor& type = *field.message_type();
      if (IsFreeFormType(type)) return;
      if (IsStringEncodedType(type)) {
        if (value.kind_case() != Value::kStringValue) {
          Report(path, absl::StrCat("must be a string, not ", KindName(value)), out);
        }
        return;
      }
      if (value.kind_case() != Value::kStructValue) {
        Report(path, ObjectExpected(type, value), out);
        return;
      }
      CheckJsonShape(value, type, path, out);
      return;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      if (value.kind_case() != Value::kStringValue) {
        Report(path, absl::StrCat("must be a string, not ", KindName(value)), out);
      }
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value.kind_case() != Value::kBoolValue) {
        Report(path, absl::StrCat("must be true or false, not ", KindName(value)),
               out);
      }
      return;
    case FieldDescriptor::CPPTYPE_ENUM:
      if (value.kind_case() != Value::kStringValue &&
          value.kind_case() != Value::kNumberValue) {
        Report(path, absl::StrCat("must be a string, not ", KindName(value)), out);
      }
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      if (value.kind_case() != Value::kNumberValue) {
        Report(path, absl::StrCat("must be a number, not ", KindName(value)), out);
      }
      return;
    case FieldDescriptor::CPPTYPE_INT32:
      CheckIntegral(value, std::numeric_limits<int32_t>::min(),
                    std::numeric_limits<int32_t>::max(), path, out);
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      CheckIntegral(value, 0, std::numeric_limits<uint32_t>::max(), path, out);
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      // Doubles hold integers exactly only up to 2^53.
      CheckIntegral(value, -9007199254740992.0, 9007199254740992.0, path, out);
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      CheckIntegral(value, 0, 9007199254740992.0, path, out);
      return;
  }
}

// The field a JSON key names: its json_name, or its proto name (protobuf's
// parser accepts both).
const FieldDescriptor* FindField(const Descriptor& type, const std::string& key) {
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == key) return type.field(i);
  }
  return type.FindFieldByName(key);
}

void AppendQuoted(absl::string_view text, std::string& out) {
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void AppendNumber(double n, std::string& out) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), n);
  if (error != std::errc() || !std::isfinite(n)) {
    out.append("null");  // JSON has no NaN or infinity.
    return;
  }
  out.append(buffer, end);
}

void AppendJson(const Value& value, const Descriptor* type, std::string& out) {
  switch (value.kind_case()) {
    case Value::kNullValue:
    case Value::KIND_NOT_SET:
      out.append("null");
      return;
    case Value::kBoolValue:
      out.append(value.bool_value() ? "true" : "false");
      return;
    case Value::kNumberValue:
      AppendNumber(value.number_value(), out);
      return;
    case Value::kStringValue:
      AppendQuoted(value.string_value(), out);
      return;
    case Value::kListValue: {
      out.push_back('[');
      bool first = true;
      for (const Value& item : value.list_value().values()) {
        if (!first) out.push_back(',');
        first = false;
        AppendJson(item, type, out);
      }
      out.push_back(']');
      return;
    }
    case Value::kStructValue:
      break;
  }
  const auto& fields = value.struct_value().fields();
  std::vector<std::pair<const std::string*, const FieldDescriptor*>> keys;
  keys.reserve(fields.size());
  for (const auto& [key, child] : fields) {
    keys.emplace_back(&key, type != nullptr ? FindField(*type, key) : nullptr);
  }
  // Known fields by number, then unknown keys by name.
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    if ((a.second == nullptr) != (b.second == nullptr)) return a.second != nullptr;
    if (a.second != nullptr) return a.second->number() < b.second->number();
    return *a.first < *b.first;
  });
  out.push_back('{');
  bool first = true;
  for (const auto& [key, field] : keys) {
    if (!first) out.push_back(',');
    first = false;
    AppendQuoted(*key, out);
    out.push_back(':');
    const Descriptor* child_type =
        field != nullptr && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
            ? field->message_type()
            : nullptr;
    AppendJson(fields.at(*key), child_type, out);
  }
  out.push_back('}');
}

}  // namespace

std::string WriteOrderedJson(const Value& value, const Descriptor& type) {
  std::string out;
  AppendJson(value, &type, out);
  return out;
}

void CheckJsonShape(const Value& value, const Descriptor& type,
                    absl::string_view path, std::vector<FieldViolation>& out) {
  if (value.kind_case() != Value::kStructValue) {
    Report(path, ObjectExpected(type, value), out);
    return;
  }
  const auto& keys = value.struct_value().fields();
  // Descriptor order, so that violations come out in a stable order.
  for (int f = 0; f < type.field_count(); ++f) {
    const FieldDescriptor& field = *type.field(f);
    auto found = keys.find(field.json_name());
    if (found == keys.end()) found = keys.find(field.name());
    if (found == keys.end()) continue;
    const Value& child = found->second;
    std::string child_path = JoinPath(path, found->first);
    if (field.is_map()) {
      if (child.kind_case() != Value::kStructValue &&
          child.kind_case() != Value::kNullValue) {
        Report(child_path, absl::StrCat("must be an object, not ", KindName(child)),
               out);
      }
      continue;
    }
    if (!field.is_repeated()) {
      CheckSingular(child, field, child_path, out);
      continue;
    }
    if (child.kind_case() == Value::kNullValue) continue;
    if (child.kind_case() != Value::kListValue) {
      Report(child_path, absl::StrCat("must be an array, not ", KindName(child)),
             out);
      continue;
    }
    const auto& items = child.list_value().values();
    for (int i = 0; i < items.size(); ++i) {
      CheckSingular(items[i], field, IndexPath(child_path, i), out);
    }
  }
}

void WrapSingleObjectsInLists(Value& value, const Descriptor& type) {
  if (value.kind_case() != Value::kStructValue) return;
  for (auto& [key, child] : *value.mutable_struct_value()->mutable_fields()) {
    const FieldDescriptor* field = FindField(type, key);
    if (field == nullptr || field->is_map() ||
        field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        IsFreeFormType(*field->message_type())) {
      continue;
    }
    const Descriptor& child_type = *field->message_type();
    if (field->is_repeated() && child.kind_case() == Value::kStructValue) {
      Value single = std::move(child);
      *child.mutable_list_value()->add_values() = std::move(single);
    }
    if (child.kind_case() == Value::kListValue) {
      for (Value& item : *child.mutable_list_value()->mutable_values()) {
        WrapSingleObjectsInLists(item, child_type);
      }
    } else {
      WrapSingleObjectsInLists(child, child_type);
    }
  }
}

void DropUnknownKeys(Value& value, const Descriptor& type, absl::string_view path,
                     std::vector<std::string>* dropped) {
  if (value.kind_case() != Value::kStructValue) return;
  auto& keys = *value.mutable_struct_value()->mutable_fields();
  for (auto it = keys.begin(); it != keys.end();) {
    const FieldDescriptor* field = FindField(type, it->first);
    std::string child_path = JoinPath(path, it->first);
    if (field == nullptr) {
      if (dropped != nullptr) dropped->push_back(std::move(child_path));
      it = keys.erase(it);
      continue;
    }
    Value& child = it->second;
    ++it;
    if (field->is_map() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        IsFreeFormType(*field->message_type())) {
      continue;
    }
    if (child.kind_case() == Value::kListValue) {
      auto& items = *child.mutable_list_value()->mutable_values();
      for (int i = 0; i < items.size(); ++i) {
        DropUnknownKeys(items[i], *field->message_type(), IndexPath(child_path, i), dropped);
      }
    } else {
      DropUnknownKeys(child, *field->message_type(), child_path, dropped);
    }
  }
}

void UnwrapSingleElementLists(Value& value, const Descriptor& type,
                              const std::vector<absl::string_view>& fields) {
  if (value.kind_case() != Value::kStructValue) return;
  for (auto& [key, child] : *value.mutable_struct_value()->mutable_fields()) {
    const FieldDescriptor* field = FindField(type, key);
    if (field == nullptr || field->is_map() ||
        field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        IsFreeFormType(*field->message_type())) {
      continue;
    }
    const Descriptor& child_type = *field->message_type();
    if (child.kind_case() == Value::kListValue) {
      for (Value& item : *child.mutable_list_value()->mutable_values()) {
        UnwrapSingleElementLists(item, child_type, fields);
      }
      bool unwrap = child.list_value().values_size() == 1 &&
                    std::find(fields.begin(), fields.end(), field->full_name()) !=
                        fields.end();
      if (unwrap) {
        Value single = std::move(*child.mutable_list_value()->mutable_values(0));
        child = std::move(single);
      }
    } else {
      UnwrapSingleElementLists(child, child_type, fields);
    }
  }
}

}  // namespace seedance::upstream_api
