#include "base/json_writer.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/utf8.h"

namespace seedance {

std::string JsonQuote(absl::string_view raw) {
  // JSON text is UTF-8; the admin API quotes raw client bytes (journaled
  // bodies and paths, parse errors), so invalid bytes become U+FFFD (found
  // by fuzz/mock_http_fuzzer: answers that were not JSON).
  std::string text = ToValidUtf8(raw);
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<int>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!open_.empty()) {
    if (open_.back().has_element) out_.push_back(',');
    open_.back().has_element = true;
  }
}

JsonWriter& JsonWriter::Object() {
  BeforeValue();
  out_.push_back('{');
  open_.push_back({'}', false});
  return *this;
}

JsonWriter& JsonWriter::Array() {
  BeforeValue();
  out_.push_back('[');
  open_.push_back({']', false});
  return *this;
}

JsonWriter& JsonWriter::End() {
  out_.push_back(open_.back().close);
  open_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::Key(absl::string_view key) {
  BeforeValue();
  absl::StrAppend(&out_, JsonQuote(key), ":");
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(absl::string_view value) {
  BeforeValue();
  out_ += JsonQuote(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  absl::StrAppend(&out_, value);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  BeforeValue();
  if (!std::isfinite(value)) {
    out_ += "null";
  } else {
    // The shortest text that reads back as the same double.
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out_.append(buffer, ec == std::errc() ? end : buffer);
  }
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::Raw(absl::string_view json) {
  BeforeValue();
  absl::StrAppend(&out_, json);
  return *this;
}

}  // namespace seedance
