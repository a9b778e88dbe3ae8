// MediaEndpoint: the files behind the result URLs (GET or HEAD of
// "/seedance/<name>.mp4" or ".png", served by ServeMedia in media.h, with
// Range support), the answer journaled against its request. No token: a
// CDN URL is open to whoever holds it.
//
//   MediaEndpoint media(state);
//   if (MediaEndpoint::Serves(request.path)) {
//     media.Handle(request, JournalRequest(state, request), *exchange);
//   }
//
// Thread-safe.
#ifndef SEEDANCE_MOCK_UPSTREAM_MEDIA_ENDPOINT_H_
#define SEEDANCE_MOCK_UPSTREAM_MEDIA_ENDPOINT_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "http/exchange.h"
#include "http/http_message.h"
#include "mock_upstream/mock_state.h"

namespace seedance::mock_upstream {

class MediaEndpoint {
 public:
  // `state` must outlive the endpoint.
  explicit MediaEndpoint(MockState& state) : state_(state) {}

  // True for the paths this endpoint answers.
  static bool Serves(absl::string_view path);

  // Answers `request`, journaled as `seq`: 200/206/416, or 404 for a method
  // other than GET and HEAD.
  void Handle(const http::Request& request, int64_t seq, http::Exchange& exchange);

 private:
  MockState& state_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MEDIA_ENDPOINT_H_
