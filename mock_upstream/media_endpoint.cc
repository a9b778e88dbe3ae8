#include "mock_upstream/media_endpoint.h"

#include <utility>

#include "mock_upstream/media.h"

namespace seedance::mock_upstream {

bool MediaEndpoint::Serves(absl::string_view path) { return IsMediaPath(path); }

void MediaEndpoint::Handle(const http::Request& request, int64_t seq,
                           http::Exchange& exchange) {
  http::Response media = ServeMedia(
      request, {.video_bytes = state_.config().video_bytes, .now = state_.clock().Now()});
  state_.journal().Append("response", {{"request_seq", seq},
                                       {"path", request.path},
                                       {"status", int64_t{media.status}}});
  exchange.Respond(std::move(media));
}

}  // namespace seedance::mock_upstream
