#include "server/content/content_sniff.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace seedance::server::content {
namespace {

// A short, printable description of bytes that are not what was expected
// ("<!DOCTYPE" reads as such; binary as hex).
std::string Describe(absl::string_view head) {
  if (head.empty()) return "no bytes";
  absl::string_view shown = head.substr(0, 8);
  bool printable = true;
  for (char c : shown) printable = printable && absl::ascii_isprint(static_cast<unsigned char>(c));
  if (printable) return absl::StrCat("bytes starting \"", shown, "\"");
  std::string hex;
  for (char c : shown) absl::StrAppend(&hex, absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
  return absl::StrCat("bytes starting 0x", hex);
}

}  // namespace

absl::StatusOr<std::string> SniffContentType(absl::string_view head) {
  // ISO BMFF: a 4-byte box size, then the first box's type, "ftyp".
  if (head.size() >= 8 && head.substr(4, 4) == "ftyp") return std::string("video/mp4");
  if (absl::StartsWith(head, "\x89PNG\r\n\x1a\n")) return std::string("image/png");
  if (absl::StartsWith(head, "\xff\xd8\xff")) return std::string("image/jpeg");
  return absl::InvalidArgumentError(
      absl::StrCat("not an MP4, PNG or JPEG file: ", Describe(head)));
}

absl::Status CheckContentKind(absl::string_view head, ContentKind kind) {
  absl::StatusOr<std::string> type = SniffContentType(head);
  if (!type.ok()) return type.status();
  bool video = *type == "video/mp4";
  if (video == (kind == ContentKind::kVideo)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "expected ", kind == ContentKind::kVideo ? "a video (MP4)" : "an image (PNG or JPEG)",
      ", got ", *type));
}

}  // namespace seedance::server::content
