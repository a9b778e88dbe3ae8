// TaskRunner: the mock's task engine, a task's life after the videos
// endpoint created it: its status changes on the task scheduler's timers
// (journaled), the held blocking call answered when it ends, and the
// callbacks with their retries. Work of a task planned before an admin
// reset is dropped (MockState's epoch).
//
//   TaskRunner runner(state, http_client);
//   runner.HoldCall(task->id, exchange, seq);  // blocking mode, before Run
//   runner.Run(task);
//
// Thread-safe; timer and callback work runs on the schedulers' and the
// client's threads.
#ifndef SEEDANCE_MOCK_UPSTREAM_TASK_RUNNER_H_
#define SEEDANCE_MOCK_UPSTREAM_TASK_RUNNER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "http/exchange.h"
#include "http/http_client.h"
#include "mock_upstream/callback_plan.h"
#include "mock_upstream/mock_state.h"
#include "mock_upstream/task.h"

namespace seedance::mock_upstream {

class TaskRunner {
 public:
  // `state` and `client` (which POSTs the callbacks) must outlive the runner.
  TaskRunner(MockState& state, http::HttpClient& client)
      : state_(state), client_(client) {}

  // Holds `exchange`, the blocking call of request `seq`, until the task
  // ends; if the client leaves first, journals "client_gone". Call before
  // Run: a task without generation time ends inside Run.
  void HoldCall(const std::string& task_id, std::shared_ptr<http::Exchange> exchange,
                int64_t seq);

  // Plays `task`'s timeline and its callbacks.
  void Run(std::shared_ptr<const Task> task);

 private:
  void OnStarted(const std::shared_ptr<const Task>& task);
  void OnFinished(const std::shared_ptr<const Task>& task);
  void SendCallback(std::shared_ptr<const Task> task, PlannedCallback planned, int attempt);
  void ClientLeft(const std::string& task_id);

  MockState& state_;
  http::HttpClient& client_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_TASK_RUNNER_H_
