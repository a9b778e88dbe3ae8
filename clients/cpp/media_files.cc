#include "clients/cpp/media_files.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "http/curl/curl_handles.h"

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

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

size_t WriteToFile(char* data, size_t size, size_t count, void* file) {
  return std::fwrite(data, size, count, static_cast<FILE*>(file)) * size;
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

absl::StatusOr<int64_t> DownloadToFile(const std::string& url, const std::string& path) {
  absl::StatusOr<http::curl::EasyHandle> easy = http::curl::NewEasyHandle();
  if (!easy.ok()) return easy.status();
  std::string partial = path + ".part";
  std::unique_ptr<FILE, FileCloser> file(std::fopen(partial.c_str(), "wb"));
  if (file == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot write ", partial));
  }
  CURL* h = easy->get();
  for (absl::Status s :
       {http::curl::SetEasyOption(h, CURLOPT_URL, url.c_str()),
        http::curl::SetEasyOption(h, CURLOPT_PROTOCOLS_STR, "http,https"),
        http::curl::SetEasyOption(h, CURLOPT_FOLLOWLOCATION, 1L),
        http::curl::SetEasyOption(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
        http::curl::SetEasyOption(h, CURLOPT_FAILONERROR, 1L),
        http::curl::SetEasyOption(h, CURLOPT_NOSIGNAL, 1L),
        http::curl::SetEasyOption(h, CURLOPT_CONNECTTIMEOUT, 30L),
        http::curl::SetEasyOption(h, CURLOPT_WRITEFUNCTION, &WriteToFile),
        http::curl::SetEasyOption(h, CURLOPT_WRITEDATA, static_cast<void*>(file.get()))}) {
    if (!s.ok()) return s;
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    std::remove(partial.c_str());
    return absl::UnavailableError(
        absl::StrCat("downloading the video failed: ", curl_easy_strerror(rc)));
  }
  curl_off_t size = 0;
  curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &size);
  if (std::fclose(file.release()) != 0 || std::rename(partial.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  return static_cast<int64_t>(size);
}

}  // namespace seedance::client
