// Server: a small event-driven HTTP/1.1 server on Boost.Asio + Beast. A fixed
// number of IO threads (default 1) serves every connection: keep-alive, no
// thread per connection, so thousands of held requests cost no thread each.
//
//   ServerOptions options;                       // 127.0.0.1, port 0
//   absl::StatusOr<std::unique_ptr<Server>> server = Server::Start(
//       options, [](Request request, std::shared_ptr<Exchange> exchange) {
//         exchange->Respond(MakeResponse(200, "text/plain", "hello"));
//       });
//   int port = (*server)->port();
//   (*server)->Shutdown();                      // or let the destructor do it
//
// Malformed HTTP is answered 400 and the connection closed; a body larger
// than max_body_bytes is answered 413; a client that takes longer than
// header_timeout to send a whole request is disconnected.
#ifndef SEEDANCE_HTTP_HTTP_SERVER_H_
#define SEEDANCE_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "http/exchange.h"

namespace seedance::http {

struct ServerOptions {
  std::string address = "127.0.0.1";
  int port = 0;                       // 0: pick a free port
  int io_threads = 1;
  size_t max_body_bytes = 16 << 20;   // bigger → 413
  absl::Duration header_timeout = absl::Seconds(30);  // slowloris guard
  // A client that takes none of an answer (or of a streamed piece) for
  // this long is gone: the connection closes and a stream's write fails.
  absl::Duration write_timeout = absl::Seconds(60);
  size_t max_connections = 20000;
};

class ServerCore;

class Server {
 public:
  // Binds, listens and starts the IO threads. Errors: the address cannot be
  // parsed or bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(ServerOptions options,
                                                       Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port. Thread-safe.
  int port() const;
  // The IO threads' context, for timers of the embedding program. Timers
  // made on it must be destroyed before the Server.
  boost::asio::io_context& io_context();
  // Stops accepting, closes every connection (held requests included) and
  // joins the IO threads. Idempotent; also run by the destructor. Not from an
  // IO thread.
  void Shutdown();

 private:
  explicit Server(std::unique_ptr<ServerCore> core);
  std::unique_ptr<ServerCore> core_;
};

}  // namespace seedance::http

#endif  // SEEDANCE_HTTP_HTTP_SERVER_H_
