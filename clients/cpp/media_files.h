// Local images into the gateway: a file becomes a data URL for
// VideoSpec.images (video_download.h saves the result).
//
//   absl::StatusOr<std::string> url = seedance::client::ImageFileToDataUrl("cat.png");
//   if (url.ok()) spec.add_images()->set_url(*url);
#ifndef SEEDANCE_CLIENTS_CPP_MEDIA_FILES_H_
#define SEEDANCE_CLIENTS_CPP_MEDIA_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace seedance::client {

// "data:image/<type>;base64,..." for a PNG, JPEG, WebP, GIF or BMP file
// (the type is read from the file's first bytes). INVALID_ARGUMENT for an
// unreadable or unknown file, or one larger than `max_bytes`.
absl::StatusOr<std::string> ImageFileToDataUrl(const std::string& path,
                                               size_t max_bytes = 10 << 20);

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_MEDIA_FILES_H_
