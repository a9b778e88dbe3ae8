// VideosEndpoint: POST /v1/seedance/videos. Admission and the scenario
// (token rules, headers, then "[mock:...]" directives in the prompt),
// strict parsing and validation, the per-token cap on tasks in flight, then
// a planned task in one of three modes: blocking (the call is held until the
// task ends), callback or async (answered {"task_id"} at once). The task's
// life is the TaskRunner's.
//
//   VideosEndpoint videos(state, runner);
//   videos.Handle(request, JournalRequest(state, request), exchange);
//
// Thread-safe.
#ifndef SEEDANCE_MOCK_UPSTREAM_VIDEOS_ENDPOINT_H_
#define SEEDANCE_MOCK_UPSTREAM_VIDEOS_ENDPOINT_H_

#include <cstdint>
#include <memory>

#include "http/exchange.h"
#include "http/http_message.h"
#include "mock_upstream/mock_state.h"
#include "mock_upstream/task_runner.h"

namespace seedance::mock_upstream {

class VideosEndpoint {
 public:
  // `state` and `runner` must outlive the endpoint.
  VideosEndpoint(MockState& state, TaskRunner& runner) : state_(state), runner_(runner) {}

  // Answers (or holds) `request`, journaled as `seq`.
  void Handle(const http::Request& request, int64_t seq,
              std::shared_ptr<http::Exchange> exchange);

 private:
  MockState& state_;
  TaskRunner& runner_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_VIDEOS_ENDPOINT_H_
