#include "base/trace_context.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "base/random_id.h"

namespace seedance {
namespace {

// Exactly `size` lower-case hex digits (the spec forbids upper case).
bool IsLowerHex(absl::string_view text, size_t size) {
  if (text.size() != size) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsAllZero(absl::string_view text) { return text.find_first_not_of('0') == text.npos; }

std::string RandomNonZeroHex(size_t bytes) {
  std::string id = NewSecret(bytes);
  while (IsAllZero(id)) id = NewSecret(bytes);
  return id;
}

}  // namespace

std::string TraceContext::Traceparent() const {
  return absl::StrFormat("00-%s-%s-%02x", trace_id, parent_id, flags);
}

std::optional<TraceContext> ParseTraceparent(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  // version "-" trace-id "-" parent-id "-" flags: 2 + 1 + 32 + 1 + 16 + 1 + 2.
  constexpr size_t kLength = 55;
  if (value.size() < kLength) return std::nullopt;
  absl::string_view version = value.substr(0, 2);
  if (!IsLowerHex(version, 2) || version == "ff") return std::nullopt;
  if (version == "00" ? value.size() != kLength
                      : value.size() > kLength && value[kLength] != '-') {
    return std::nullopt;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(value.substr(0, kLength), '-');
  if (parts.size() != 4 || !IsLowerHex(parts[1], 32) || !IsLowerHex(parts[2], 16) ||
      !IsLowerHex(parts[3], 2) || IsAllZero(parts[1]) || IsAllZero(parts[2])) {
    return std::nullopt;
  }
  uint32_t flags = 0;
  if (!absl::SimpleHexAtoi(parts[3], &flags)) return std::nullopt;
  // Only "sampled" is defined (Level 1); the spec has the other bits set to
  // zero when the context is passed on.
  return TraceContext{.trace_id = std::string(parts[1]),
                      .parent_id = std::string(parts[2]),
                      .flags = static_cast<uint8_t>(flags & 0x01)};
}

TraceContext StartTrace() {
  return TraceContext{
      .trace_id = RandomNonZeroHex(16), .parent_id = RandomNonZeroHex(8), .flags = 0x01};
}

TraceContext ContinueOrStartTrace(absl::string_view value) {
  std::optional<TraceContext> parsed = ParseTraceparent(value);
  return parsed ? *std::move(parsed) : StartTrace();
}

std::string TraceIdOf(absl::string_view traceparent) {
  std::optional<TraceContext> parsed = ParseTraceparent(traceparent);
  return parsed ? std::move(parsed->trace_id) : std::string();
}

}  // namespace seedance
