// The files behind video_url and last_frame_url: a real, small, playable
// MP4 (1 s, 64x64, H.264) and a PNG of its last frame, embedded in the
// binary (assets/, made once with ffmpeg; see assets/README.md), served
// with HTTP Range support the way a CDN does. The video can be made larger
// (MockConfig::video_bytes), still a valid MP4, and a link can expire
// (?expires=<unix seconds>, MockConfig::media_ttl): 403 from then on.
//
//   http::Response r = ServeMedia(request, {.video_bytes = 0, .now = now});
//   // 200 with the file, 206 with Content-Range for "Range: bytes=0-99",
//   // 416 for a range past the end, 403 once the link expired.
#ifndef SEEDANCE_MOCK_UPSTREAM_MEDIA_H_
#define SEEDANCE_MOCK_UPSTREAM_MEDIA_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "http/http_message.h"

namespace seedance::mock_upstream {

// The embedded files.
absl::string_view SampleVideo();      // video/mp4
absl::string_view SampleLastFrame();  // image/png

// The smallest video_bytes other than 0: the sample and an empty `free` box.
int64_t MinVideoBytes();

// The video of `bytes` bytes (0: the sample): the sample followed by a
// `free` box of filler, which players skip. The same bytes every time for a
// size (made once, then shared). INVALID_ARGUMENT below MinVideoBytes() or
// at 4 GiB and more.
absl::StatusOr<std::shared_ptr<const std::string>> VideoOfSize(int64_t bytes);

// True for paths ServeMedia answers: "/seedance/<name>.mp4" or ".png".
bool IsMediaPath(absl::string_view path);

struct RangeSelection {
  enum Kind {
    kWhole,           // no usable single byte range: send everything, 200
    kPart,            // send [first, last], 206
    kUnsatisfiable,   // 416
  };
  Kind kind = kWhole;
  size_t first = 0;
  size_t last = 0;  // inclusive
};

// What `range_header` ("bytes=0-99", "bytes=100-", "bytes=-50") selects in a
// file of `size` bytes. Multiple ranges and malformed headers are ignored
// (kWhole), as RFC 9110 allows.
RangeSelection SelectRange(absl::string_view range_header, size_t size);

struct MediaSettings {
  // MockConfig::video_bytes.
  int64_t video_bytes = 0;
  // The mock's clock, for links with ?expires=.
  absl::Time now = absl::InfinitePast();
};

// The answer to a GET or HEAD of a media path: 200/206/416, 403 once its
// ?expires= passed, or 404.
http::Response ServeMedia(const http::Request& request, const MediaSettings& settings = {});

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MEDIA_H_
