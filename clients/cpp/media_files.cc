#include "clients/cpp/media_files.h"

#include <fstream>
#include <iterator>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace seedance::client {
namespace {

// The image type from a file's magic bytes, or "".
std::string SniffImageType(const std::string& data) {
  if (absl::StartsWith(data, "\x89PNG\r\n\x1a\n")) return "png";
  if (absl::StartsWith(data, "\xff\xd8\xff")) return "jpeg";
  if (absl::StartsWith(data, "GIF87a") || absl::StartsWith(data, "GIF89a")) return "gif";
  if (absl::StartsWith(data, "BM")) return "bmp";
  if (data.size() >= 12 && data.compare(0, 4, "RIFF") == 0 && data.compare(8, 4, "WEBP") == 0) {
    return "webp";
  }
  return "";
}

}  // namespace

absl::StatusOr<std::string> ImageFileToDataUrl(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read image ", path));
  std::string data((std::istreambuf_iterator<char>(in)), {});
  if (data.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("image ", path, " is larger than ", max_bytes, " bytes"));
  }
  std::string type = SniffImageType(data);
  if (type.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not a PNG, JPEG, WebP, GIF or BMP image"));
  }
  return absl::StrCat("data:image/", type, ";base64,", absl::Base64Escape(data));
}

}  // namespace seedance::client
