#include "mock_upstream/mock_upstream.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/clock.h"

namespace seedance::mock_upstream {

absl::StatusOr<std::unique_ptr<MockUpstream>> MockUpstream::Start(MockOptions options) {
  std::unique_ptr<MockUpstream> mock(new MockUpstream());
  MockUpstream* self = mock.get();
  http::ServerOptions server_options;
  server_options.address = options.address;
  server_options.port = options.port;
  server_options.io_threads = options.io_threads;
  server_options.max_connections = options.max_connections;
  server_options.max_body_bytes = options.max_body_bytes;
  absl::StatusOr<std::unique_ptr<http::Server>> server = http::Server::Start(
      server_options, [self](http::Request request, std::shared_ptr<http::Exchange> e) {
        MockService* service = self->ready_.load();
        if (service == nullptr) {
          e->Respond(http::MakeResponse(503, "text/plain", "starting\n"));
          return;
        }
        service->Handle(std::move(request), std::move(e));
      });
  if (!server.ok()) return server.status();
  mock->server_ = *std::move(server);
  boost::asio::io_context& io = mock->server_->io_context();
  const Clock& clock = SystemClock::Get();
  mock->task_scheduler_ = std::make_unique<AsioScheduler>(io, clock);
  mock->admin_scheduler_ = std::make_unique<AsioScheduler>(io, clock);
  mock->client_ = std::make_unique<http::HttpClient>(io);
  std::string host = options.address == "0.0.0.0" || options.address == "::"
                         ? "127.0.0.1"
                         : options.address;
  if (host.find(':') != std::string::npos) host = absl::StrCat("[", host, "]");
  mock->base_url_ =
      options.public_base_url.empty()
          ? absl::StrCat("http://", host, ":", mock->server_->port())
          : std::string(absl::StripSuffix(options.public_base_url, "/"));
  mock->service_ = std::make_unique<MockService>(
      std::move(options), clock, *mock->task_scheduler_, *mock->admin_scheduler_,
      *mock->client_);
  mock->service_->SetBaseUrl(mock->base_url_);
  mock->ready_ = mock->service_.get();
  return mock;
}

MockUpstream::~MockUpstream() { Shutdown(); }

void MockUpstream::Shutdown() {
  if (server_ == nullptr) return;
  // Joins the IO threads first: after this nothing runs on the io_context,
  // so the timers and the service can go before it.
  server_->Shutdown();
  ready_ = nullptr;
  service_.reset();
  client_.reset();
  admin_scheduler_.reset();
  task_scheduler_.reset();
}

}  // namespace seedance::mock_upstream
