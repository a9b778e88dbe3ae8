#include "clients/cpp/video_download.h"

#include <openssl/evp.h>

#include <cstdio>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "http/curl/curl_handles.h"

namespace seedance::client {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
struct DigestFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// What the curl callbacks write into.
struct Sink {
  FILE* file;
  EVP_MD_CTX* digest;
  const DownloadProgress* on_progress;
  int64_t reported = -1;
};

size_t Write(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  EVP_DigestUpdate(sink->digest, data, bytes);
  return std::fwrite(data, 1, bytes, sink->file);
}

int Progress(void* user, curl_off_t total, curl_off_t received, curl_off_t, curl_off_t) {
  auto* sink = static_cast<Sink*>(user);
  if (*sink->on_progress && received != sink->reported) {
    sink->reported = received;
    (*sink->on_progress)(received, total > 0 ? total : -1);
  }
  return 0;
}

}  // namespace

absl::StatusOr<Downloaded> DownloadToFile(const std::string& url, const std::string& path,
                                          const DownloadProgress& on_progress) {
  if (url.empty()) {
    return absl::FailedPreconditionError("the task has no video URL (did it succeed?)");
  }
  std::string partial = path + ".part";
  std::unique_ptr<FILE, FileCloser> file(std::fopen(partial.c_str(), "wb"));
  if (file == nullptr) return absl::InvalidArgumentError(absl::StrCat("cannot write ", partial));
  std::unique_ptr<EVP_MD_CTX, DigestFree> digest(EVP_MD_CTX_new());
  absl::StatusOr<http::curl::EasyHandle> easy = http::curl::NewEasyHandle();
  auto fail = [&](absl::Status status) {
    file.reset();
    std::remove(partial.c_str());
    return status;
  };
  if (digest == nullptr || EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr) != 1) {
    return fail(absl::InternalError("cannot start a SHA-256"));
  }
  if (!easy.ok()) return fail(easy.status());
  Sink sink{file.get(), digest.get(), &on_progress};
  CURL* h = easy->get();
  for (absl::Status s :
       {http::curl::SetEasyOption(h, CURLOPT_URL, url.c_str()),
        http::curl::SetEasyOption(h, CURLOPT_PROTOCOLS_STR, "http,https"),
        http::curl::SetEasyOption(h, CURLOPT_FOLLOWLOCATION, 1L),
        http::curl::SetEasyOption(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
        http::curl::SetEasyOption(h, CURLOPT_NOSIGNAL, 1L),
        http::curl::SetEasyOption(h, CURLOPT_MAXREDIRS, 10L),
        http::curl::SetEasyOption(h, CURLOPT_CONNECTTIMEOUT, 30L),
        // A transfer that stalls (under 1 byte/s for 60 s) fails instead of
        // hanging; a slow but moving one goes on.
        http::curl::SetEasyOption(h, CURLOPT_LOW_SPEED_LIMIT, 1L),
        http::curl::SetEasyOption(h, CURLOPT_LOW_SPEED_TIME, 60L),
        http::curl::SetEasyOption(h, CURLOPT_WRITEFUNCTION, &Write),
        http::curl::SetEasyOption(h, CURLOPT_WRITEDATA, static_cast<void*>(&sink)),
        http::curl::SetEasyOption(h, CURLOPT_NOPROGRESS, 0L),
        http::curl::SetEasyOption(h, CURLOPT_XFERINFOFUNCTION, &Progress),
        http::curl::SetEasyOption(h, CURLOPT_XFERINFODATA, static_cast<void*>(&sink))}) {
    if (!s.ok()) return fail(s);
  }
  CURLcode rc = curl_easy_perform(h);
  long http_status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &http_status);
  if (rc != CURLE_OK) {
    return fail(absl::UnavailableError(
        absl::StrCat("downloading the video failed: ", curl_easy_strerror(rc))));
  }
  if (http_status != 200) {
    return fail(absl::UnavailableError(absl::StrCat(
        "the video URL answered HTTP ", http_status, " (the provider's links expire)")));
  }
  Downloaded result;
  result.path = path;
  curl_off_t size = 0;
  curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &size);
  result.size = static_cast<int64_t>(size);
  char* content_type = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type != nullptr) result.content_type = content_type;
  unsigned char bytes[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest.get(), bytes, &length);
  result.sha256 = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), length));
  if (std::fclose(file.release()) != 0 || std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    return absl::UnavailableError(absl::StrCat("cannot write ", path));
  }
  if (on_progress && sink.reported != result.size) on_progress(result.size, result.size);
  return result;
}

}  // namespace seedance::client
