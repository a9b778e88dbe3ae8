// Internal to the HTTP server: one accepted TCP connection (Connection), the
// Exchange it hands to the handler for each request, and the state the
// connections share with their Server (ServerShared). Everything a
// Connection does runs on its strand; Exchange methods post there.
#ifndef SEEDANCE_HTTP_CONNECTION_H_
#define SEEDANCE_HTTP_CONNECTION_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/message.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/string_body.hpp"
#include "http/exchange.h"
#include "http/http_server.h"

namespace seedance::http {

class Connection;

// What the Server and its connections share. Thread-safe.
struct ServerShared {
  ServerOptions options;
  Handler handler;
  std::atomic<bool> stopped{false};

  absl::Mutex mu;
  uint64_t next_id ABSL_GUARDED_BY(mu) = 1;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> live ABSL_GUARDED_BY(mu);
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerShared> shared,
             uint64_t id);
  ~Connection();

  // The strand every step of this connection runs on.
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }
  // Starts reading the first request. Call once, after registering.
  void Start();
  // Closes the socket at once. Only when no IO thread runs (Server shutdown).
  void CloseNow();

  // Posts `work` to the strand if the connection still waits for the answer
  // to request `request_id`; `work` gets the connection.
  void PostForRequest(uint64_t request_id, std::function<void(Connection&)> work);

  // Terminal actions; run on the strand for the pending request.
  void SendResponse(Response response);
  void Reset();
  void CloseQuietly();
  void WriteRaw(std::string bytes);
  void DripBytes(std::string bytes, size_t chunk_bytes, absl::Duration interval);
  void StartStreaming(Response head);
  // A streamed answer's pieces and end; posted to the strand (work for a
  // closed connection only fails the piece).
  void PostStreamWrite(std::string bytes, std::function<void(bool ok)> written);
  void PostStreamEnd();
  // Sets what runs if the client leaves before the answer to `request_id`
  // (runs it at once if it already left). Thread-safe: posts to the strand.
  void RegisterGoneCallback(uint64_t request_id, std::function<void()> callback);

 private:
  void ReadNext();
  void OnRead(boost::beast::error_code ec);
  void Dispatch();
  void WatchForClientGone();
  void OnWatch(boost::beast::error_code ec, uint64_t request_id);
  void ClientGone();
  // Ends the wait for an answer: stops the watch, drops the self-reference.
  void FinishPending();
  void WriteErrorAndClose(int status, absl::string_view message);
  void WriteThenClose(std::shared_ptr<std::string> bytes);
  void DripStep(std::shared_ptr<std::string> bytes, size_t offset, size_t chunk,
                absl::Duration interval);
  // Half-closes, drains what the client still sends, then closes: so the
  // client reads our last answer instead of a reset.
  void GracefulClose();
  void Drain();
  void Close();
  // Writes the next queued piece of a streamed answer, or ends it.
  void WriteNextPiece();

  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<ServerShared> shared_;
  const uint64_t id_;
  std::string remote_address_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>>
      parser_;
  std::shared_ptr<boost::beast::http::response<boost::beast::http::string_body>>
      response_;
  bool closed_ = false;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool head_request_ = false;
  // The request awaiting its answer (0: none) and what to do if the client
  // leaves first.
  uint64_t pending_request_ = 0;
  uint64_t next_request_ = 1;
  uint64_t gone_request_ = 0;  // the request whose client left
  std::function<void()> gone_callback_;
  // Keeps the connection alive while the handler holds the exchange.
  std::shared_ptr<Connection> self_;
  // A streamed answer: pieces waiting to be written, whether one is being
  // written, whether the handler ended it.
  struct Piece {
    std::shared_ptr<std::string> bytes;
    std::function<void(bool ok)> written;
  };
  std::deque<Piece> pieces_;
  bool streaming_ = false;
  bool writing_piece_ = false;
  bool stream_ended_ = false;
};

// The Exchange of one request; forwards to its connection's strand.
class ExchangeImpl : public Exchange {
 public:
  ExchangeImpl(std::weak_ptr<Connection> connection,
               std::shared_ptr<ServerShared> shared, uint64_t request_id);
  ~ExchangeImpl() override;

  void Respond(Response response) override;
  void ResetConnection() override;
  void CloseWithoutResponse() override;
  void WriteRawAndClose(std::string bytes) override;
  void Drip(std::string bytes, size_t chunk_bytes, absl::Duration interval) override;
  void OnClientGone(std::function<void()> callback) override;
  std::shared_ptr<ResponseStream> StartStream(Response head) override;

 private:
  // Runs `work` on the strand if this is the first terminal call.
  void Terminal(std::function<void(Connection&)> work);

  std::weak_ptr<Connection> connection_;
  std::shared_ptr<ServerShared> shared_;
  const uint64_t request_id_;
  std::atomic<bool> done_{false};
};

}  // namespace seedance::http

#endif  // SEEDANCE_HTTP_CONNECTION_H_
