// Structured logging: one line per event, "key=value" fields, so that logs
// can be grepped by task_id or trace_id and parsed by machines. Abseil
// 20220623 has no absl/log; this is the small shim the project uses.
//
//   Log(LogLevel::kInfo, "task_created", {{"task_id", id}, {"mode", "hold"}});
//   // 2026-11-24T10:00:00.123Z INFO task_created task_id=3f2a... mode=hold
//
// Never pass a secret as a field: callers log ids and hashes, not tokens.
// Values with spaces, quotes or '=' are quoted. Thread-safe.
//
// With SetLogFormat(LogFormat::kJson), each line is one JSON object for log
// shippers instead, the task and trace ids (when a field) at the top:
//   {"time":"2026-11-24T10:00:00.123Z","level":"info","event":"task_created",
//    "task_id":"3f2a...","fields":{"mode":"hold"}}
#ifndef SEEDANCE_BASE_LOG_H_
#define SEEDANCE_BASE_LOG_H_

#include <functional>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace seedance {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

using LogField = std::pair<absl::string_view, absl::string_view>;

// Writes one line for `event` at `level` with `fields`, if `level` is at
// least the minimum level.
void Log(LogLevel level, absl::string_view event,
         std::initializer_list<LogField> fields = {});

// Lines below `level` are dropped. Default: kInfo.
void SetMinLogLevel(LogLevel level);

// Text ("key=value", the default) or one JSON object per line.
void SetLogFormat(LogFormat format);

// The values of the binaries' --log_level ("debug", "info", "warning",
// "error") and --log_format ("text", "json"); INVALID_ARGUMENT otherwise.
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name);
absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name);

// Both parsed and set, as the binaries' flags give them; nothing is set
// when either is bad.
absl::Status ConfigureLogging(absl::string_view level, absl::string_view format);

// Sends every line (without the trailing newline) to `sink` instead of
// stderr; an empty function restores stderr. For tests and for embedding.
void SetLogSink(std::function<void(absl::string_view line)> sink);

// The line Log() would write, without timestamp: "INFO event k=v ...".
std::string FormatLogLine(LogLevel level, absl::string_view event,
                          std::initializer_list<LogField> fields);

// The line Log() writes in LogFormat::kJson at `time` (what a sink gets
// then, too).
std::string FormatJsonLogLine(absl::Time time, LogLevel level, absl::string_view event,
                              std::initializer_list<LogField> fields);

}  // namespace seedance

#endif  // SEEDANCE_BASE_LOG_H_
