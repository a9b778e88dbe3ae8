// W3C Trace Context (https://www.w3.org/TR/trace-context/): the
// `traceparent` header that ties one request's hops together in a tracing
// system. The gateway records no spans of its own; it keeps the caller's
// context with the task (or starts one) and forwards it on every hop, so
// the upstream's spans hang under the caller's in a trace and every log line
// of the task can be found by its trace id.
//
//   TraceContext trace = ContinueOrStartTrace(metadata_value);
//   trace.trace_id;          // "4bf92f3577b34da6a3ce929d0e0e4736"
//   trace.Traceparent();     // "00-4bf9...4736-00f067aa0ba902b7-01"
#ifndef SEEDANCE_BASE_TRACE_CONTEXT_H_
#define SEEDANCE_BASE_TRACE_CONTEXT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace seedance {

// The header's name, as gRPC metadata and HTTP both spell it.
inline constexpr char kTraceparentHeader[] = "traceparent";

struct TraceContext {
  std::string trace_id;   // 32 lower-case hex digits, not all zero
  std::string parent_id;  // 16 lower-case hex digits, not all zero: the caller's span
  uint8_t flags = 0;      // bit 0: sampled

  // "00-<trace_id>-<parent_id>-<flags>": version 00, whatever version it
  // was parsed from (the spec's rule for passing a context on).
  std::string Traceparent() const;
};

// The context of a `traceparent` value (surrounding blanks allowed), or
// nullopt when it breaks the spec's rules: upper-case or non-hex digits,
// wrong lengths, an all-zero id, version ff, or a version 00 value with
// anything after the flags. A later version is read by its first four
// fields, as the spec asks. Flag bits other than "sampled" are cleared.
std::optional<TraceContext> ParseTraceparent(absl::string_view value);

// A new trace: random ids, sampled (a caller that sent no context made no
// sampling decision, and downstream tracers then keep what they record).
// Thread-safe.
TraceContext StartTrace();

// ParseTraceparent(value), or StartTrace() when it is absent or invalid
// (the spec: an invalid traceparent is ignored, a new trace started).
TraceContext ContinueOrStartTrace(absl::string_view value);

// The trace id of a `traceparent` value, "" when it is not a valid one.
std::string TraceIdOf(absl::string_view traceparent);

}  // namespace seedance

#endif  // SEEDANCE_BASE_TRACE_CONTEXT_H_
