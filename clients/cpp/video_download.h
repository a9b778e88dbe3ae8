// Saving a finished task's video to a file, all or nothing, with progress
// and the SHA-256 of what was saved.
//
//   absl::StatusOr<seedance::client::Downloaded> saved = seedance::client::DownloadToFile(
//       task.result().video_url(), "cat.mp4",
//       [](int64_t received, int64_t total) { std::printf("%ld of %ld\n", received, total); });
//   if (saved.ok()) std::printf("%ld bytes, sha256 %s\n", saved->size, saved->sha256.c_str());
//
// Today the bytes come from the provider's video_url, which expires (about
// a day after the task ended). Once the gateway keeps results itself, this
// goes through the gateway instead; the signature stays.
#ifndef SEEDANCE_CLIENTS_CPP_VIDEO_DOWNLOAD_H_
#define SEEDANCE_CLIENTS_CPP_VIDEO_DOWNLOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace seedance::client {

struct Downloaded {
  std::string path;
  int64_t size = 0;
  std::string sha256;        // hex
  std::string content_type;  // e.g. "video/mp4"; "" when not given
};

// Told the bytes received so far and the total (-1 until known).
using DownloadProgress = std::function<void(int64_t received, int64_t total)>;

// Downloads `url` (http or https) to `path`: the bytes go to `path` +
// ".part", renamed into place once complete, so `path` is never half a
// video. FAILED_PRECONDITION for an empty URL; INVALID_ARGUMENT when `path`
// cannot be written (found before anything is fetched); UNAVAILABLE when
// the link fails (its HTTP status in the message: the provider's links
// expire) or the transfer breaks.
absl::StatusOr<Downloaded> DownloadToFile(const std::string& url, const std::string& path,
                                          const DownloadProgress& on_progress = nullptr);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_VIDEO_DOWNLOAD_H_
