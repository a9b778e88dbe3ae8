// JsonWriter: builds JSON whose shape is the program's own rather than a
// proto's (those go through upstream_api::ToWireJson): the mock's admin API
// (journal, config, rules), the benchmarks' reports. Strings are escaped;
// keys come out in the order they are added.
//
//   JsonWriter json;
//   json.Object().Key("found").Bool(true).Key("count").Int(2).End();
//   std::string text = json.Take();  // {"found":true,"count":2}
//
// Not thread-safe; one writer per document.
#ifndef SEEDANCE_BASE_JSON_WRITER_H_
#define SEEDANCE_BASE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace seedance {

class JsonWriter {
 public:
  JsonWriter& Object();
  JsonWriter& Array();
  JsonWriter& End();  // closes the innermost object or array
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  // Inserts `json`, which must be valid JSON.
  JsonWriter& Raw(absl::string_view json);
  // The document so far.
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  struct Open {
    char close;        // '}' or ']'
    bool has_element;  // a comma goes before the next one
  };
  std::vector<Open> open_;
  bool after_key_ = false;
};

// `text` as a quoted JSON string.
std::string JsonQuote(absl::string_view text);

}  // namespace seedance

#endif  // SEEDANCE_BASE_JSON_WRITER_H_
