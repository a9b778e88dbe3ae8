// What a downloaded result's first bytes say it is, so that the gateway
// keeps only what it was promised: an MP4 for a video (an ISO BMFF `ftyp`
// box first), a PNG or JPEG for a last frame (their magic numbers). A CDN's
// HTML error page served with 200, or a truncated body, fails here rather
// than being stored and served as the video.
//
//   absl::StatusOr<std::string> type = SniffContentType(first_bytes);  // "video/mp4"
//   absl::Status ok = CheckContentKind(first_bytes, ContentKind::kVideo);
#ifndef SEEDANCE_SERVER_CONTENT_CONTENT_SNIFF_H_
#define SEEDANCE_SERVER_CONTENT_CONTENT_SNIFF_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::server::content {

// The most bytes SniffContentType reads.
inline constexpr size_t kSniffBytes = 12;

enum class ContentKind { kVideo, kImage };

// "video/mp4", "image/png" or "image/jpeg" from the first bytes of a file;
// INVALID_ARGUMENT (saying what they look like) otherwise.
absl::StatusOr<std::string> SniffContentType(absl::string_view head);

// OK if `head` is the start of a `kind` (a video: MP4; an image: PNG or
// JPEG); INVALID_ARGUMENT saying what was found instead.
absl::Status CheckContentKind(absl::string_view head, ContentKind kind);

}  // namespace seedance::server::content

#endif  // SEEDANCE_SERVER_CONTENT_CONTENT_SNIFF_H_
