#include "server/http_api/json_request.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "http/http_url.h"
#include "upstream_api/field_violation.h"

namespace seedance::server::http_api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

absl::Status Violation(const std::string& field, const std::string& why, absl::string_view reason) {
  return upstream_api::InvalidArgumentWithViolations({{field, why, std::string(reason)}});
}

const FieldDescriptor* FieldNamed(const Message& message, const std::string& name) {
  const google::protobuf::Descriptor* type = message.GetDescriptor();
  const FieldDescriptor* field = type->FindFieldByName(name);
  return field != nullptr ? field : type->FindFieldByCamelcaseName(name);
}

// Sets (or, for a repeated field, adds) `text` on `field`.
absl::Status SetFromText(Message& message, const FieldDescriptor& field, const std::string& name,
                         const std::string& text) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = field.is_repeated();
  auto bad = [&](absl::string_view what) {
    return Violation(name, absl::StrCat("\"", text, "\" is not ", what),
                     upstream_api::kReasonWrongType);
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r.AddString(&message, &field, text) : r.SetString(&message, &field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad("an integer");
      repeated ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad("an integer");
      repeated ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad("a non-negative integer");
      repeated ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(text, &v)) return bad("a non-negative integer");
      repeated ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (text == "true" || text == "1") {
        v = true;
      } else if (text == "false" || text == "0") {
        v = false;
      } else {
        return bad("true or false");
      }
      repeated ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* value = field.enum_type()->FindValueByName(text);
      int number;
      if (value == nullptr && absl::SimpleAtoi(text, &number)) {
        value = field.enum_type()->FindValueByNumber(number);
      }
      if (value == nullptr) {
        return Violation(name, absl::StrCat("unknown value \"", text, "\""),
                         upstream_api::kReasonUnknownValue);
      }
      repeated ? r.AddEnum(&message, &field, value) : r.SetEnum(&message, &field, value);
      return absl::OkStatus();
    }
    default:
      return Violation(name, "cannot be set from the query; send it in a body",
                       upstream_api::kReasonNotAllowed);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<Message>> BuildRequest(const HttpRoute& route,
                                                      const PathTemplate::Bindings& bindings,
                                                      absl::string_view query,
                                                      absl::string_view body) {
  std::unique_ptr<Message> request(google::protobuf::MessageFactory::generated_factory()
                                       ->GetPrototype(route.rpc->input_type())
                                       ->New());
  if (route.body == "*") {
    if (!absl::StripAsciiWhitespace(body).empty()) {
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      auto parsed =
          google::protobuf::util::JsonStringToMessage(std::string(body), request.get(), options);
      if (!parsed.ok()) {
        return Violation("",
                         absl::StrCat("the body is not a ", route.rpc->input_type()->name(),
                                      " in JSON: ", std::string(parsed.message())),
                         upstream_api::kReasonMalformed);
      }
    }
  } else if (!absl::StripAsciiWhitespace(body).empty()) {
    return Violation("", absl::StrCat(route.verb, " ", route.path.text(), " takes no body"),
                     upstream_api::kReasonNotAllowed);
  }
  for (const auto& [name, value] : http::ParseQuery(query)) {
    const FieldDescriptor* field = FieldNamed(*request, name);
    if (field == nullptr || route.body == "*") {
      return Violation(name,
                       route.body == "*" ? "send the request's fields in the body"
                                         : "is not a field of this request",
                       upstream_api::kReasonNotAllowed);
    }
    if (absl::Status s = SetFromText(*request, *field, name, value); !s.ok()) return s;
  }
  // The path has the last word: a body cannot name another task.
  for (const auto& [name, value] : bindings) {
    const FieldDescriptor* field = FieldNamed(*request, name);
    if (field == nullptr || field->is_repeated() ||
        field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
      return absl::InternalError(
          absl::StrCat("the route's variable ", name, " is not a string field of the request"));
    }
    request->GetReflection()->SetString(request.get(), field, value);
  }
  return request;
}

std::string ToJson(const Message& message) {
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json);
  return json;
}

}  // namespace seedance::server::http_api
