// CallbackReceiver: the small HTTP endpoint where the upstream POSTs task
// results in CALLBACK mode:
//
//   POST /v1/upstream-callbacks/<task_id>/<secret>   body: VideosResponse JSON
//
// The secret is per task and unguessable; a callback for an unknown task is
// 404, with a wrong secret 403, with a body that is not the documented JSON
// 400, with a body about another upstream task than the URL's 409, and 200 only once the report is durably applied (or was a harmless
// duplicate), so an upstream that retries unacknowledged callbacks loses
// nothing if the gateway dies mid-way. Bodies are capped, slow senders cut
// off (the HTTP server's limits).
//
//   auto receiver = CallbackReceiver::Start({.port = 8081}, [&](auto cb, auto done) {
//     manager.OnUpstreamCallback(cb.task_id, cb.secret, cb.answer, done);
//   });
//   std::string prefix = absl::StrCat("http://host:", (*receiver)->port(),
//                                     CallbackReceiver::kPathPrefix);
#ifndef SEEDANCE_SERVER_UPSTREAM_CALLBACK_RECEIVER_H_
#define SEEDANCE_SERVER_UPSTREAM_CALLBACK_RECEIVER_H_

#include <functional>
#include <memory>
#include <string>

#include "server/stats/gateway_stats.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "http/http_server.h"
#include "seedance/upstream/v1/videos.pb.h"

namespace seedance::server::upstream {

// A callback request, taken apart.
struct ParsedCallback {
  std::string task_id;
  std::string secret;
  seedance::upstream::v1::VideosResponse answer;
};

// The pure part of the receiver: checks method and path and reads the body.
// Errors: NOT_FOUND (not a callback path), UNIMPLEMENTED (not POST),
// INVALID_ARGUMENT (body). Thread-safe.
absl::StatusOr<ParsedCallback> ParseCallbackRequest(const http::Request& request);

// The HTTP answer for the outcome of handling a callback.
http::Response CallbackResponse(const absl::Status& outcome);

// How the callback counts (stats::CallbackResult) after the manager
// answered `outcome`; `task_had_ended`: an acknowledged repeat for a task
// that had ended before it came.
stats::CallbackResult CallbackResultOf(const absl::Status& outcome, bool task_had_ended);

class CallbackReceiver {
 public:
  static constexpr absl::string_view kPathPrefix = "/v1/upstream-callbacks";

  struct Options {
    std::string address = "127.0.0.1";
    int port = 0;
    // Callback bodies are a few hundred bytes.
    size_t max_body_bytes = 64 << 10;
    absl::Duration header_timeout = absl::Seconds(10);
    // Where callbacks refused before they reach the sink (a body that does
    // not parse) are counted; the sink counts the rest. Must outlive the
    // receiver.
    stats::GatewayStats* stats = &stats::NoStats();
  };

  // Takes a parsed callback; calls `done` with the outcome (see
  // TaskManager::OnUpstreamCallback). Called on an HTTP thread: must not block.
  using Sink = std::function<void(ParsedCallback callback,
                                  std::function<void(absl::Status)> done)>;

  // Listens and serves until Shutdown, handing each callback to `sink`.
  static absl::StatusOr<std::unique_ptr<CallbackReceiver>> Start(const Options& options,
                                                                 Sink sink);

  int port() const { return server_->port(); }

  // Stops serving; pending callbacks get no answer (the upstream retries).
  void Shutdown() { server_->Shutdown(); }

 private:
  explicit CallbackReceiver(std::unique_ptr<http::Server> server)
      : server_(std::move(server)) {}

  std::unique_ptr<http::Server> server_;
};

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_SERVER_UPSTREAM_CALLBACK_RECEIVER_H_
