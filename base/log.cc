#include "base/log.h"

#include <cstdio>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/json_writer.h"

namespace seedance {
namespace {

struct LogState {
  absl::Mutex mu;
  LogLevel min_level ABSL_GUARDED_BY(mu) = LogLevel::kInfo;
  LogFormat format ABSL_GUARDED_BY(mu) = LogFormat::kText;
  std::function<void(absl::string_view)> sink ABSL_GUARDED_BY(mu);
};

LogState& State() {
  static LogState* const kState = new LogState();
  return *kState;
}

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}

absl::string_view JsonLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string Timestamp(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

// Fields a log shipper indexes on: top-level keys rather than in "fields".
bool IsTopLevelField(absl::string_view key) { return key == "task_id" || key == "trace_id"; }

bool NeedsQuotes(absl::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

void AppendValue(absl::string_view value, std::string& out) {
  if (!NeedsQuotes(value)) {
    absl::StrAppend(&out, value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace

std::string FormatLogLine(LogLevel level, absl::string_view event,
                          std::initializer_list<LogField> fields) {
  std::string line = absl::StrCat(LevelName(level), " ", event);
  for (const auto& [key, value] : fields) {
    absl::StrAppend(&line, " ", key, "=");
    AppendValue(value, line);
  }
  return line;
}

std::string FormatJsonLogLine(absl::Time time, LogLevel level, absl::string_view event,
                              std::initializer_list<LogField> fields) {
  JsonWriter json;
  json.Object()
      .Key("time").String(Timestamp(time))
      .Key("level").String(JsonLevelName(level))
      .Key("event").String(event);
  bool others = false;
  for (const auto& [key, value] : fields) {
    if (IsTopLevelField(key)) {
      // An empty id says nothing: left out, as a shipper expects.
      if (!value.empty()) json.Key(key).String(value);
    } else {
      others = true;
    }
  }
  if (others) {
    json.Key("fields").Object();
    for (const auto& [key, value] : fields) {
      if (!IsTopLevelField(key)) json.Key(key).String(value);
    }
    json.End();
  }
  json.End();
  return json.Take();
}

void Log(LogLevel level, absl::string_view event,
         std::initializer_list<LogField> fields) {
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  if (level < state.min_level) return;
  if (state.format == LogFormat::kJson) {
    std::string line = FormatJsonLogLine(absl::Now(), level, event, fields);
    if (state.sink) {
      state.sink(line);
      return;
    }
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stderr);
    return;
  }
  std::string line = FormatLogLine(level, event, fields);
  if (state.sink) {
    state.sink(line);
    return;
  }
  std::string stamped = absl::StrCat(Timestamp(absl::Now()), " ", line, "\n");
  std::fwrite(stamped.data(), 1, stamped.size(), stderr);
}

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  return absl::InvalidArgumentError(
      absl::StrCat("log level \"", name, "\" is none of debug, info, warning, error"));
}

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("log format \"", name, "\" is neither text nor json"));
}

absl::Status ConfigureLogging(absl::string_view level, absl::string_view format) {
  absl::StatusOr<LogLevel> parsed_level = ParseLogLevel(level);
  if (!parsed_level.ok()) return parsed_level.status();
  absl::StatusOr<LogFormat> parsed_format = ParseLogFormat(format);
  if (!parsed_format.ok()) return parsed_format.status();
  SetMinLogLevel(*parsed_level);
  SetLogFormat(*parsed_format);
  return absl::OkStatus();
}

void SetLogFormat(LogFormat format) {
  absl::MutexLock lock(&State().mu);
  State().format = format;
}

void SetMinLogLevel(LogLevel level) {
  absl::MutexLock lock(&State().mu);
  State().min_level = level;
}

void SetLogSink(std::function<void(absl::string_view line)> sink) {
  absl::MutexLock lock(&State().mu);
  State().sink = std::move(sink);
}

}  // namespace seedance
