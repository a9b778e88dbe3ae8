// MockService: the mock upstream behind one http::Handler, a thin router
// over the endpoint classes it owns, which share one MockState: the
// documented REST API (POST /v1/seedance/videos: VideosEndpoint, POST
// /v1/seedance/tasks: TasksEndpoint), the media behind the result URLs
// (MediaEndpoint), the admin API under /__mock/ (AdminEndpoint), and the
// mock's Prometheus metrics at /metrics (MockMetrics); the task engine
// (TaskRunner) plays the tasks the videos endpoint creates. Its
// time comes from an injected Clock and its waiting from Schedulers, so
// everything but the sockets is deterministic.
//
//   MockService service(options, SystemClock::Get(), task_scheduler,
//                       admin_scheduler, http_client);
//   service.SetBaseUrl("http://127.0.0.1:8080");
//   server handler: [&](Request r, std::shared_ptr<Exchange> e) {
//     service.Handle(std::move(r), std::move(e));
//   }
//
// Thread-safe: Handle runs on any IO thread.
#ifndef SEEDANCE_MOCK_UPSTREAM_MOCK_SERVICE_H_
#define SEEDANCE_MOCK_UPSTREAM_MOCK_SERVICE_H_

#include <memory>
#include <string>

#include "base/clock.h"
#include "http/exchange.h"
#include "http/http_client.h"
#include "http/http_message.h"
#include "mock_upstream/admin_endpoint.h"
#include "mock_upstream/api_call.h"
#include "mock_upstream/media_endpoint.h"
#include "mock_upstream/mock_metrics.h"
#include "mock_upstream/mock_options.h"
#include "mock_upstream/mock_state.h"
#include "base/scheduler.h"
#include "mock_upstream/task_runner.h"
#include "mock_upstream/tasks_endpoint.h"
#include "mock_upstream/videos_endpoint.h"

namespace seedance::mock_upstream {

class MockService {
 public:
  // `task_scheduler` runs task timers (the admin reset cancels them);
  // `admin_scheduler` runs journal-wait timeouts (never cancelled). All
  // must outlive the service.
  MockService(MockOptions options, const Clock& clock, Scheduler& task_scheduler,
              Scheduler& admin_scheduler, http::HttpClient& client);
  ~MockService();

  // The base of the result URLs, "http://127.0.0.1:8080". Call before
  // serving.
  void SetBaseUrl(std::string base_url) { state_.SetBaseUrl(std::move(base_url)); }

  // The http::Handler: the admin API and GET /metrics unjournaled; every
  // other request journaled, then answered by its endpoint or 400
  // api_not_implemented.
  void Handle(http::Request request, std::shared_ptr<http::Exchange> exchange);

  // The admin reset (MockState::Reset).
  void Reset() { state_.Reset(); }

 private:
  MockState state_;
  MockMetrics metrics_;  // counts the journal's entries: before the parts that append
  TaskRunner runner_;
  VideosEndpoint videos_;
  TasksEndpoint tasks_;
  MediaEndpoint media_;
  AdminEndpoint admin_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MOCK_SERVICE_H_
