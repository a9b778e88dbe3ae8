// Local files in and out of the gateway: a local image becomes a data URL
// for VideoSpec.images, and a finished video is downloaded to a file.
//
//   absl::StatusOr<std::string> url = ImageFileToDataUrl("cat.png");
//   absl::Status saved = DownloadToFile(task.result().video_url(), "cat.mp4");
#ifndef SEEDANCE_CLIENTS_CPP_MEDIA_FILES_H_
#define SEEDANCE_CLIENTS_CPP_MEDIA_FILES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace seedance::client {

// "data:image/<type>;base64,..." for a PNG, JPEG, WebP, GIF or BMP file
// (the type is read from the file's first bytes). INVALID_ARGUMENT for an
// unreadable or unknown file, or one larger than `max_bytes`.
absl::StatusOr<std::string> ImageFileToDataUrl(const std::string& path,
                                               size_t max_bytes = 10 << 20);

// Downloads `url` (http or https) to `path`, via a temporary file renamed at
// the end so that `path` is never half-written. Returns the size in bytes.
absl::StatusOr<int64_t> DownloadToFile(const std::string& url, const std::string& path);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_MEDIA_FILES_H_
