// MockService: the mock upstream's behaviour behind one http::Handler: the
// documented REST API (POST /v1/seedance/videos, POST /v1/seedance/tasks),
// the media behind the result URLs, and the admin API under /__mock/. Its
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

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/rate_limiter.h"
#include "http/exchange.h"
#include "http/http_client.h"
#include "http/http_message.h"
#include "mock_upstream/callback_plan.h"
#include "mock_upstream/journal.h"
#include "mock_upstream/mock_options.h"
#include "mock_upstream/replies.h"
#include "mock_upstream/scenario.h"
#include "mock_upstream/scheduler.h"
#include "mock_upstream/task.h"
#include "mock_upstream/task_store.h"
#include "mock_upstream/token_rules.h"

namespace seedance::mock_upstream {

// The API paths, as the guide and its siblings name them.
inline constexpr char kVideosPath[] = "/v1/seedance/videos";
inline constexpr char kTasksPath[] = "/v1/seedance/tasks";
inline constexpr char kAdminPrefix[] = "/__mock/";

class MockService {
 public:
  // `task_scheduler` runs task timers (the admin reset cancels them);
  // `admin_scheduler` runs journal-wait timeouts (never cancelled).
  MockService(MockOptions options, const Clock& clock, Scheduler& task_scheduler,
              Scheduler& admin_scheduler, http::HttpClient& client);

  // The base of the result URLs, "http://127.0.0.1:8080". Call before
  // serving.
  void SetBaseUrl(std::string base_url);

  // The http::Handler.
  void Handle(http::Request request, std::shared_ptr<http::Exchange> exchange);

  // The admin reset: cancels pending timers, answers held calls with 500
  // api_error, forgets tasks, journal, rules, quotas; config back to the
  // start-up values.
  void Reset();

 private:
  struct Caller {
    std::string token;
    std::string token_key;  // TokenFingerprint(token)
  };
  struct Held {
    std::shared_ptr<http::Exchange> exchange;
    int64_t request_seq;
  };

  // mock_service.cc: the steps every API call shares.
  int64_t JournalRequest(const http::Request& request);
  // Scenario from token rules and headers, then auth; false if answered.
  bool Admit(const http::Request& request, Endpoint endpoint, int64_t seq,
             Scenario& scenario, Caller& caller, http::Exchange& exchange);
  // Answers the scenario's error or the rate limit; true if answered.
  bool AnswerScenarioErrorOrLimit(const Scenario& scenario, const Caller& caller,
                                  int64_t seq, http::Exchange& exchange);
  // Journals the answer and sends it (or the fault instead).
  void Answer(int64_t seq, http::Exchange& exchange, http::Response response,
              const Scenario& scenario, const std::string& task_id = "");
  void AnswerError(int64_t seq, http::Exchange& exchange, absl::string_view code,
                   absl::string_view message, const Scenario& scenario);
  MockConfig config() const;
  uint64_t epoch() const;
  std::string base_url() const;
  DripPace PaceFor(const Scenario& scenario) const;

  // videos_endpoint.cc
  void HandleVideos(const http::Request& request, int64_t seq,
                    std::shared_ptr<http::Exchange> exchange);
  // tasks_endpoint.cc
  void HandleTasks(const http::Request& request, int64_t seq,
                   std::shared_ptr<http::Exchange> exchange);
  // admin_endpoint.cc
  void HandleAdmin(const http::Request& request, std::shared_ptr<http::Exchange> exchange);
  void HandleJournalWait(const http::Request& request,
                         std::shared_ptr<http::Exchange> exchange);
  http::Response HandleConfig(const http::Request& request);
  http::Response HandleRules(const http::Request& request);

  // task_runner.cc: a task's life after creation.
  void RunTask(std::shared_ptr<const Task> task);
  void OnTaskStarted(const std::shared_ptr<const Task>& task);
  void OnTaskFinished(const std::shared_ptr<const Task>& task);
  void SendCallback(std::shared_ptr<const Task> task, PlannedCallback planned,
                    int attempt);
  void ClientLeft(const std::string& task_id);

  const MockOptions options_;
  const Clock& clock_;
  Scheduler& task_scheduler_;
  Scheduler& admin_scheduler_;
  http::HttpClient& client_;
  TaskStore store_;
  Journal journal_;
  RateLimiter limiter_;
  TokenRules rules_;

  mutable absl::Mutex mu_;
  std::string base_url_ ABSL_GUARDED_BY(mu_);
  MockConfig config_ ABSL_GUARDED_BY(mu_);
  uint64_t epoch_ ABSL_GUARDED_BY(mu_) = 0;
  int fail_first_used_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, Held> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MOCK_SERVICE_H_
