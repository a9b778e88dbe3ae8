// HttpClient: asynchronous HTTP/1.1 requests on an existing io_context (the
// mock upstream sends its callbacks with it; the IO threads are shared, no
// thread per request). One fresh connection per request.
//
//   HttpClient client(server->io_context());
//   client.PostJson("http://127.0.0.1:9000/cb", body, absl::Seconds(5),
//                   [](absl::StatusOr<Response> answer) {
//                     if (answer.ok() && answer->status / 100 == 2) { ... }
//                   });
#ifndef SEEDANCE_HTTP_HTTP_CLIENT_H_
#define SEEDANCE_HTTP_HTTP_CLIENT_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "http/http_message.h"

namespace seedance::http {

class HttpClient {
 public:
  // Called exactly once, on an IO thread of the io_context: the answer (any
  // HTTP status), or INVALID_ARGUMENT (bad URL), UNAVAILABLE (cannot
  // connect, connection lost, malformed answer) or DEADLINE_EXCEEDED.
  using Callback = std::function<void(absl::StatusOr<Response> answer)>;

  // `io` must outlive the requests in flight.
  explicit HttpClient(boost::asio::io_context& io) : io_(io) {}

  // Sends `method` `url` (http:// only) with `headers` and `body`; the whole
  // exchange must end within `timeout`. Thread-safe.
  void Send(absl::string_view method, absl::string_view url,
            std::vector<Header> headers, std::string body, absl::Duration timeout,
            Callback done);

  // Send("POST", url, {Content-Type: application/json}, body, ...).
  void PostJson(absl::string_view url, std::string body, absl::Duration timeout,
                Callback done);

 private:
  boost::asio::io_context& io_;
};

}  // namespace seedance::http

#endif  // SEEDANCE_HTTP_HTTP_CLIENT_H_
