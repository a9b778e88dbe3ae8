#include "tests/interop/client_output.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/rpc/code.pb.h"
#include "tests/testing/json_value.h"

namespace seedance::testing {
namespace {

// "key=value" pairs after the kind; "message=" and "description=" take the
// rest of the line (they may hold spaces and '=').
std::vector<std::pair<std::string, std::string>> Fields(absl::string_view rest) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!rest.empty()) {
    rest = absl::StripLeadingAsciiWhitespace(rest);
    size_t eq = rest.find('=');
    if (eq == absl::string_view::npos) break;
    std::string key(rest.substr(0, eq));
    rest.remove_prefix(eq + 1);
    size_t end = (key == "message" || key == "description") ? rest.size() : rest.find(' ');
    if (end == absl::string_view::npos) end = rest.size();
    fields.emplace_back(key, std::string(rest.substr(0, end)));
    rest.remove_prefix(end);
  }
  return fields;
}

std::string Field(const std::vector<std::pair<std::string, std::string>>& fields,
                  absl::string_view key) {
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  return "";
}

uint64_t Number(const std::string& text) {
  uint64_t n = 0;
  return absl::SimpleAtoi(text, &n) ? n : 0;
}

std::string StateName(absl::string_view state) {
  absl::ConsumePrefix(&state, "TASK_STATE_");
  return std::string(state);
}

// A google.rpc.Status in proto3 JSON.
ClientError ErrorFromJson(const google::protobuf::Value& status) {
  ClientError error;
  error.code = google::rpc::Code_Name(
      static_cast<google::rpc::Code>(static_cast<int>(JsonNumber(status, "code"))));
  error.message = JsonString(status, "message");
  const google::protobuf::Value* details = JsonAt(status, "details");
  if (details == nullptr) return error;
  for (const google::protobuf::Value& detail : details->list_value().values()) {
    std::string type = JsonString(detail, "@type");
    if (absl::EndsWith(type, "google.rpc.BadRequest")) {
      const google::protobuf::Value* violations = JsonAt(detail, "field_violations");
      if (violations == nullptr) continue;
      for (const google::protobuf::Value& v : violations->list_value().values()) {
        error.fields.push_back(JsonString(v, "field"));
      }
    } else if (absl::EndsWith(type, "google.rpc.RetryInfo")) {
      absl::Duration delay;
      if (absl::ParseDuration(JsonString(detail, "retry_delay"), &delay)) {
        error.retry_delay_ms = absl::ToInt64Milliseconds(delay);
      }
    } else if (absl::EndsWith(type, "google.rpc.ErrorInfo")) {
      error.reason = JsonString(detail, "reason");
    }
  }
  return error;
}

bool IsTerminal(const std::string& state) {
  return state == "SUCCEEDED" || state == "FAILED" || state == "CANCELLED" ||
         state == "EXPIRED";
}

}  // namespace

std::vector<uint64_t> ClientOutput::Sequences() const {
  std::vector<uint64_t> out;
  for (const Event& e : events) out.push_back(e.sequence);
  return out;
}

std::string ClientOutput::Dump() const {
  return absl::StrCat("exit code ", exit_code, ", output:\n  ", absl::StrJoin(lines, "\n  "));
}

void ParseExampleLine(const std::string& line, ClientOutput& out) {
  out.lines.push_back(line);
  absl::string_view text = absl::StripLeadingAsciiWhitespace(line);
  if (absl::ConsumePrefix(&text, "video_url=")) {
    out.video_url = std::string(text);
    return;
  }
  std::pair<absl::string_view, absl::string_view> kind_rest =
      absl::StrSplit(text, absl::MaxSplits(' ', 1));
  absl::string_view kind = kind_rest.first;
  auto fields = Fields(kind_rest.second);
  // Detail lines belong to the error (or task error) printed last.
  std::optional<ClientError>& block = out.detail_block == "task_error" ? out.task_error : out.error;
  ClientError* last_error = block.has_value() ? &*block : nullptr;
  if (kind == "created") {
    out.created_task_id = Field(fields, "task");
  } else if (kind == "event") {
    out.events.push_back({Number(Field(fields, "seq")), Field(fields, "state")});
  } else if (kind == "resumed") {
    ++out.resumes;
    out.resume_codes.push_back(Field(fields, "code"));
  } else if (kind == "done") {
    out.final_task_id = Field(fields, "task");
    out.final_state = Field(fields, "state");
  } else if (kind == "cancelled") {
    out.cancelled_state = Field(fields, "state");
  } else if (kind == "error" || kind == "task_error") {
    ClientError error{.code = Field(fields, "code"), .message = Field(fields, "message")};
    out.detail_block = std::string(kind);
    if (kind == "error") {
      out.error = error;
    } else {
      out.task_error = error;
    }
  } else if (last_error != nullptr && kind == "field_violation") {
    last_error->fields.push_back(Field(fields, "field"));
  } else if (last_error != nullptr && absl::StartsWith(kind, "retry_delay_ms=")) {
    last_error->retry_delay_ms = static_cast<int64_t>(Number(std::string(kind.substr(15))));
  } else if (last_error != nullptr && kind == "error_info") {
    last_error->reason = Field(fields, "reason");
  }
}

void ParseCppJsonLine(const std::string& line, const std::string& command, ClientOutput& out) {
  out.lines.push_back(line);
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(line);
  if (!json.ok() || !json->has_struct_value()) return;  // not a JSON line
  if (JsonAt(*json, "status") != nullptr) {
    out.events.push_back({Number(JsonString(*json, "status.sequence")),
                          StateName(JsonString(*json, "status.state"))});
  } else if (JsonAt(*json, "heartbeat") != nullptr) {
    // Progress only.
  } else if (JsonAt(*json, "task_id") != nullptr) {
    std::string state = StateName(JsonString(*json, "state"));
    if (command == "cancel") {
      out.cancelled_state = state;
    } else if (command == "create" && !IsTerminal(state) && out.events.empty()) {
      out.created_task_id = JsonString(*json, "task_id");
    } else {
      out.final_task_id = JsonString(*json, "task_id");
      out.final_state = state;
      out.video_url = JsonString(*json, "result.video_url");
      if (JsonAt(*json, "error") != nullptr) {
        out.task_error = ErrorFromJson(*JsonAt(*json, "error"));
      }
    }
  } else if (JsonAt(*json, "code") != nullptr) {
    out.error = ErrorFromJson(*json);
  }
}

}  // namespace seedance::testing
