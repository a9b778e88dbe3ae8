// MockUpstream: the mock of the SeeDance Videos Generation REST API as a
// running server: an http::Server, the task timers on its io_context, the
// callback client, and the MockService behind them.
//
//   MockOptions options;                        // 127.0.0.1, port 0
//   absl::StatusOr<std::unique_ptr<MockUpstream>> mock = MockUpstream::Start(options);
//   std::string base = (*mock)->base_url();     // "http://127.0.0.1:41234"
//   (*mock)->Shutdown();                        // or let the destructor do it
#ifndef SEEDANCE_MOCK_UPSTREAM_MOCK_UPSTREAM_H_
#define SEEDANCE_MOCK_UPSTREAM_MOCK_UPSTREAM_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "mock_upstream/asio_scheduler.h"
#include "mock_upstream/mock_options.h"
#include "mock_upstream/mock_service.h"

namespace seedance::mock_upstream {

class MockUpstream {
 public:
  // Listens and serves. Errors: the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<MockUpstream>> Start(MockOptions options);
  ~MockUpstream();

  // The bound port.
  int port() const { return server_->port(); }
  // The base of every URL the mock hands out, "http://127.0.0.1:<port>"
  // unless --public_base_url says otherwise.
  const std::string& base_url() const { return base_url_; }
  // Stops serving: held calls are closed, pending timers dropped.
  // Idempotent.
  void Shutdown();

 private:
  MockUpstream() = default;

  // Declared first, destroyed last: the rest lives on its io_context.
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<AsioScheduler> task_scheduler_;
  std::unique_ptr<AsioScheduler> admin_scheduler_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<MockService> service_;
  // Set once the service exists; requests before that get 503.
  std::atomic<MockService*> ready_{nullptr};
  std::string base_url_;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MOCK_UPSTREAM_H_
