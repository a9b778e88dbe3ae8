// UpstreamClient: the calls the gateway makes to the SeeDance REST API, in
// the API's own terms (seedance/upstream/v1 messages). Asynchronous: nothing
// blocks a thread while a call is held open for minutes.
//
//   client.Submit(request, {.token = token, .traceparent = traceparent},
//                 absl::Minutes(15), [](absl::StatusOr<SubmitResult> r) { ... });
//
// The implementation over HTTP is RestUpstreamClient; tests use a mock
// (tests/server/upstream/mock_upstream_client.h).
#ifndef SEEDANCE_SERVER_UPSTREAM_UPSTREAM_CLIENT_H_
#define SEEDANCE_SERVER_UPSTREAM_UPSTREAM_CLIENT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "seedance/upstream/v1/tasks.pb.h"
#include "seedance/upstream/v1/videos.pb.h"

namespace seedance::server::upstream {

// The answer to POST /v1/seedance/videos that says something of the task
// (upstream_answers.h has the rule). Exactly one of the two is set.
struct SubmitResult {
  // A task result: the held call's final answer (no callback_url, no async),
  // or any answer, whatever its HTTP status, that carries a task status.
  std::optional<seedance::upstream::v1::VideosResponse> final_answer;
  // The immediate {"task_id"} answer (callback_url or async, or an upstream
  // that answered a held call at once); the result comes later.
  std::optional<seedance::upstream::v1::VideosAccepted> accepted;
};

// What every call for a task sends besides its body.
struct CallContext {
  // The bearer token. Never log it.
  std::string token;
  // The task's W3C traceparent, sent as the `traceparent` header; none when
  // empty.
  std::string traceparent;
};

class UpstreamClient {
 public:
  using CallId = uint64_t;

  virtual ~UpstreamClient() = default;

  // POST /v1/seedance/videos with `request` as the body, `context`'s token
  // and trace. `done` runs once, on the client's thread (it must not block),
  // with the answer or a Status mapped as in upstream_errors.h. Thread-safe.
  virtual CallId Submit(const seedance::upstream::v1::VideosRequest& request,
                        const CallContext& context, absl::Duration timeout,
                        std::function<void(absl::StatusOr<SubmitResult>)> done) = 0;

  // POST /v1/seedance/tasks {"action": "retrieve", "id": upstream_task_id}.
  // Thread-safe.
  virtual CallId Retrieve(const std::string& upstream_task_id, const CallContext& context,
                          absl::Duration timeout,
                          std::function<void(absl::StatusOr<seedance::upstream::v1::TaskRecord>)> done) = 0;

  // Aborts a call in flight; its callback runs with CANCELLED. Thread-safe.
  virtual void Cancel(CallId id) = 0;
};

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_SERVER_UPSTREAM_UPSTREAM_CLIENT_H_
