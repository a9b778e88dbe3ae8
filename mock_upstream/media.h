// The files behind video_url and last_frame_url: a real, small, playable
// MP4 (1 s, 64x64, H.264) and a PNG of its last frame, embedded in the
// binary (assets/, made once with ffmpeg; see assets/README.md), served
// with HTTP Range support the way a CDN does.
//
//   http::Response r = ServeMedia(request);  // GET/HEAD /seedance/<id>.mp4
//   // 200 with the file, 206 with Content-Range for "Range: bytes=0-99",
//   // 416 for a range past the end.
#ifndef SEEDANCE_MOCK_UPSTREAM_MEDIA_H_
#define SEEDANCE_MOCK_UPSTREAM_MEDIA_H_

#include <string>

#include "absl/strings/string_view.h"
#include "http/http_message.h"

namespace seedance::mock_upstream {

// The embedded files.
absl::string_view SampleVideo();      // video/mp4
absl::string_view SampleLastFrame();  // image/png

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

// The answer to a GET or HEAD of a media path: 200/206/416, or 404.
http::Response ServeMedia(const http::Request& request);

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MEDIA_H_
