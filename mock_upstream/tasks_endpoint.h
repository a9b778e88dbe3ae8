// TasksEndpoint: POST /v1/seedance/tasks, actions "retrieve" and
// "retrieve_batch" over the task records at the clock's now. A task is
// visible only to the token that created it; an unknown id in "retrieve" is
// 400 api_not_implemented ("task not found"), and "retrieve_batch" leaves
// unknown ids out.
//
//   TasksEndpoint tasks(state);
//   tasks.Handle(request, JournalRequest(state, request), exchange);
//
// Thread-safe.
#ifndef SEEDANCE_MOCK_UPSTREAM_TASKS_ENDPOINT_H_
#define SEEDANCE_MOCK_UPSTREAM_TASKS_ENDPOINT_H_

#include <cstdint>
#include <memory>

#include "http/exchange.h"
#include "http/http_message.h"
#include "mock_upstream/mock_state.h"

namespace seedance::mock_upstream {

class TasksEndpoint {
 public:
  // `state` must outlive the endpoint.
  explicit TasksEndpoint(MockState& state) : state_(state) {}

  // Answers `request`, journaled as `seq`.
  void Handle(const http::Request& request, int64_t seq,
              std::shared_ptr<http::Exchange> exchange);

 private:
  MockState& state_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_TASKS_ENDPOINT_H_
