#include "mock_upstream/media_endpoint.h"

#include <utility>

#include "mock_upstream/media.h"

namespace seedance::mock_upstream {

bool MediaEndpoint::Serves(absl::string_view path) { return IsMediaPath(path); }

void MediaEndpoint::Handle(const http::Request& request, int64_t seq,
                           http::Exchange& exchange) {
  const MockConfig config = state_.config();
  http::Response media =
      ServeMedia(request, {.video_bytes = config.video_bytes, .now = state_.clock().Now()});
  state_.journal().Append("response", {{"request_seq", seq},
                                       {"path", request.path},
                                       {"status", int64_t{media.status}}});
  if (media.status / 100 == 2 && config.media_drip_interval > absl::ZeroDuration()) {
    // Slowly, then the connection closes (Content-Length tells the end).
    return exchange.Drip(http::SerializeResponse(media), config.media_drip_chunk_bytes,
                         config.media_drip_interval);
  }
  exchange.Respond(std::move(media));
}

}  // namespace seedance::mock_upstream
