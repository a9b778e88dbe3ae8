#include "http/connection.h"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/post.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/write.hpp"
#include "http/beast_request.h"

namespace seedance::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// How long a closing connection waits for the client's FIN.
constexpr auto kDrainTimeout = std::chrono::seconds(2);

bool IsParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<ServerShared> shared,
                       uint64_t id)
    : stream_(std::move(socket)),
      timer_(stream_.get_executor()),
      shared_(std::move(shared)),
      id_(id) {
  beast::error_code ec;
  tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    remote_address_ = absl::StrCat(remote.address().to_string(), ":", remote.port());
  }
}

Connection::~Connection() {
  absl::MutexLock lock(&shared_->mu);
  shared_->live.erase(id_);
}

void Connection::Start() { ReadNext(); }

void Connection::CloseNow() {
  closed_ = true;
  gone_callback_ = nullptr;
  pending_request_ = 0;
  beast::error_code ec;
  timer_.cancel();
  stream_.socket().close(ec);
  self_.reset();
}

void Connection::ReadNext() {
  if (closed_) return;
  parser_.emplace();
  parser_->body_limit(shared_->options.max_body_bytes);
  parser_->header_limit(kRequestHeaderLimit);
  stream_.expires_after(absl::ToChronoNanoseconds(shared_->options.header_timeout));
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->OnRead(ec);
                    });
}

void Connection::OnRead(beast::error_code ec) {
  if (closed_) return;
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout) {
    Close();
  } else if (ec == bhttp::error::body_limit) {
    WriteErrorAndClose(413, "request body too large");
  } else if (ec == bhttp::error::header_limit) {
    WriteErrorAndClose(431, "request headers too large");
  } else if (ec == bhttp::error::partial_message) {
    Close();
  } else if (ec && IsParseError(ec)) {
    WriteErrorAndClose(400, absl::StrCat("malformed HTTP request: ", ec.message()));
  } else if (ec) {
    Close();
  } else {
    Dispatch();
  }
}

void Connection::Dispatch() {
  stream_.expires_never();
  bhttp::request<bhttp::string_body> message = parser_->release();
  parser_.reset();
  keep_alive_ = message.keep_alive();
  version_ = message.version();
  head_request_ = message.method() == bhttp::verb::head;
  Request request = ToRequest(std::move(message), remote_address_);

  pending_request_ = next_request_++;
  gone_callback_ = nullptr;
  self_ = shared_from_this();
  auto exchange =
      std::make_shared<ExchangeImpl>(weak_from_this(), shared_, pending_request_);
  WatchForClientGone();
  shared_->handler(std::move(request), std::move(exchange));
}

void Connection::WatchForClientGone() {
  stream_.socket().async_wait(
      tcp::socket::wait_read,
      [self = shared_from_this(), id = pending_request_](beast::error_code ec) {
        self->OnWatch(ec, id);
      });
}

void Connection::OnWatch(beast::error_code ec, uint64_t request_id) {
  if (closed_ || request_id != pending_request_ || ec == net::error::operation_aborted) {
    return;
  }
  if (ec) {
    ClientGone();
    return;
  }
  char byte;
  ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    ClientGone();
  } else if (n < 0) {
    WatchForClientGone();
  }
  // n > 0: the client pipelined its next request; it is read after this
  // answer, and a disconnect is then seen by the write.
}

void Connection::ClientGone() {
  auto keep = shared_from_this();
  std::function<void()> callback = std::move(gone_callback_);
  gone_request_ = pending_request_;
  FinishPending();
  Close();
  if (callback) callback();
}

void Connection::FinishPending() {
  pending_request_ = 0;
  gone_callback_ = nullptr;
  beast::error_code ec;
  stream_.socket().cancel(ec);  // ends the watch
  self_.reset();
}

void Connection::PostForRequest(uint64_t request_id,
                                std::function<void(Connection&)> work) {
  net::post(stream_.get_executor(),
            [self = shared_from_this(), request_id, work = std::move(work)] {
              if (self->closed_ || self->pending_request_ != request_id) return;
              work(*self);
            });
}

void Connection::RegisterGoneCallback(uint64_t request_id,
                                      std::function<void()> callback) {
  net::post(stream_.get_executor(), [self = shared_from_this(), request_id,
                                     callback = std::move(callback)]() mutable {
    if (self->pending_request_ == request_id && !self->closed_) {
      self->gone_callback_ = std::move(callback);
    } else if (self->gone_request_ == request_id) {
      callback();
    }
  });
}

void Connection::SendResponse(Response response) {
  auto keep = shared_from_this();
  FinishPending();
  auto message = std::make_shared<bhttp::response<bhttp::string_body>>();
  message->version(version_);
  message->result(static_cast<unsigned>(response.status));
  const std::string* length = nullptr;
  for (const Header& header : response.headers) {
    if (absl::EqualsIgnoreCase(header.name, "Content-Length")) {
      length = &header.value;
      continue;
    }
    if (absl::EqualsIgnoreCase(header.name, "Connection")) {
      if (absl::EqualsIgnoreCase(header.value, "close")) keep_alive_ = false;
      continue;
    }
    message->insert(header.name, header.value);
  }
  if (shared_->stopped) keep_alive_ = false;
  message->keep_alive(keep_alive_);
  if (head_request_) {
    // HEAD: the headers of the GET answer, no body.
    message->set(bhttp::field::content_length,
                 length != nullptr ? *length : absl::StrCat(response.body.size()));
  } else {
    message->body() = std::move(response.body);
    message->prepare_payload();
  }
  response_ = message;
  stream_.expires_after(absl::ToChronoNanoseconds(shared_->options.write_timeout));
  bhttp::async_write(stream_, *message,
                     [self = std::move(keep)](beast::error_code ec, size_t) {
                       bool keep_alive = self->response_ && !self->response_->need_eof();
                       self->response_.reset();
                       if (ec) {
                         self->Close();
                       } else if (!keep_alive) {
                         self->GracefulClose();
                       } else {
                         self->ReadNext();
                       }
                     });
}

void Connection::Reset() {
  auto keep = shared_from_this();
  FinishPending();
  beast::error_code ec;
  stream_.socket().set_option(net::socket_base::linger(true, 0), ec);
  Close();
}

void Connection::CloseQuietly() {
  auto keep = shared_from_this();
  FinishPending();
  GracefulClose();
}

void Connection::WriteRaw(std::string bytes) {
  auto keep = shared_from_this();
  FinishPending();
  WriteThenClose(std::make_shared<std::string>(std::move(bytes)));
}

void Connection::DripBytes(std::string bytes, size_t chunk_bytes,
                           absl::Duration interval) {
  auto keep = shared_from_this();
  FinishPending();
  DripStep(std::make_shared<std::string>(std::move(bytes)), 0,
           std::max<size_t>(chunk_bytes, 1), interval);
}

void Connection::StartStreaming(Response head) {
  auto keep = shared_from_this();
  FinishPending();
  // The body ends with the connection (close-delimited), and says its
  // length beforehand if the head does (a file). The connection (and this
  // object) lives while pieces are in flight.
  std::erase_if(head.headers, [](const Header& header) {
    return absl::EqualsIgnoreCase(header.name, "Connection");
  });
  std::string out = SerializeHead(head);  // with "Connection: close"
  streaming_ = true;
  self_ = keep;
  pieces_.push_front({std::make_shared<std::string>(std::move(out)), nullptr});
  if (!writing_piece_) WriteNextPiece();
}

void Connection::PostStreamWrite(std::string bytes, std::function<void(bool ok)> written) {
  net::post(stream_.get_executor(), [self = shared_from_this(),
                                     bytes = std::make_shared<std::string>(std::move(bytes)),
                                     written = std::move(written)]() mutable {
    if (self->closed_ || !self->streaming_ || self->stream_ended_) {
      if (written) written(false);
      return;
    }
    self->pieces_.push_back({std::move(bytes), std::move(written)});
    if (!self->writing_piece_) self->WriteNextPiece();
  });
}

void Connection::PostStreamEnd() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->closed_ || !self->streaming_ || self->stream_ended_) return;
    self->stream_ended_ = true;
    if (!self->writing_piece_) self->WriteNextPiece();
  });
}

void Connection::WriteNextPiece() {
  if (closed_) return;
  if (pieces_.empty()) {
    if (stream_ended_) {
      self_.reset();
      GracefulClose();
    }
    return;
  }
  writing_piece_ = true;
  Piece piece = std::move(pieces_.front());
  pieces_.pop_front();
  // A client that takes nothing for this long is gone (its window is full).
  stream_.expires_after(absl::ToChronoNanoseconds(shared_->options.write_timeout));
  net::async_write(stream_, net::buffer(*piece.bytes),
                   [self = shared_from_this(), piece](beast::error_code ec, size_t) {
                     self->writing_piece_ = false;
                     if (ec) {
                       self->Close();
                       if (piece.written) piece.written(false);
                       return;
                     }
                     if (piece.written) piece.written(true);
                     self->WriteNextPiece();
                   });
}

void Connection::WriteErrorAndClose(int status, absl::string_view message) {
  Response response = MakeResponse(status, "text/plain", absl::StrCat(message, "\n"));
  WriteThenClose(std::make_shared<std::string>(SerializeResponse(response)));
}

void Connection::WriteThenClose(std::shared_ptr<std::string> bytes) {
  stream_.expires_after(absl::ToChronoNanoseconds(shared_->options.write_timeout));
  net::async_write(stream_, net::buffer(*bytes),
                   [self = shared_from_this(), bytes](beast::error_code ec, size_t) {
                     if (ec) {
                       self->Close();
                     } else {
                       self->GracefulClose();
                     }
                   });
}

void Connection::DripStep(std::shared_ptr<std::string> bytes, size_t offset,
                          size_t chunk, absl::Duration interval) {
  if (closed_) return;
  size_t n = std::min(chunk, bytes->size() - offset);
  if (n == 0) {
    GracefulClose();
    return;
  }
  stream_.expires_after(absl::ToChronoNanoseconds(shared_->options.write_timeout));
  net::async_write(
      stream_, net::buffer(bytes->data() + offset, n),
      [self = shared_from_this(), bytes, offset, n, chunk, interval](
          beast::error_code ec, size_t) {
        if (ec) {
          self->Close();
          return;
        }
        if (offset + n >= bytes->size()) {
          self->GracefulClose();
          return;
        }
        self->timer_.expires_after(absl::ToChronoNanoseconds(interval));
        self->timer_.async_wait([self, bytes, next = offset + n, chunk,
                                 interval](beast::error_code wait_ec) {
          if (wait_ec) return;
          self->DripStep(bytes, next, chunk, interval);
        });
      });
}

void Connection::GracefulClose() {
  if (closed_) return;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    Close();
    return;
  }
  stream_.expires_after(kDrainTimeout);
  Drain();
}

void Connection::Drain() {
  auto scratch = std::make_shared<std::array<char, 1024>>();
  stream_.async_read_some(net::buffer(*scratch),
                          [self = shared_from_this(), scratch](beast::error_code ec,
                                                               size_t) {
                            if (ec || self->closed_) {
                              self->Close();
                            } else {
                              self->Drain();
                            }
                          });
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  gone_callback_ = nullptr;
  pending_request_ = 0;
  timer_.cancel();
  stream_.close();
  // Pieces of a streamed answer that will never leave say so.
  std::deque<Piece> unsent = std::move(pieces_);
  pieces_.clear();
  auto keep = std::move(self_);
  for (Piece& piece : unsent) {
    if (piece.written) piece.written(false);
  }
}

ExchangeImpl::ExchangeImpl(std::weak_ptr<Connection> connection,
                           std::shared_ptr<ServerShared> shared, uint64_t request_id)
    : connection_(std::move(connection)),
      shared_(std::move(shared)),
      request_id_(request_id) {}

ExchangeImpl::~ExchangeImpl() {
  if (done_.load() || shared_->stopped.load()) return;
  // A handler that drops the exchange unanswered would leave the client
  // waiting forever.
  if (std::shared_ptr<Connection> connection = connection_.lock()) {
    connection->PostForRequest(request_id_, [](Connection& c) {
      c.SendResponse(
          MakeResponse(500, "text/plain", "the server dropped the request\n"));
    });
  }
}

void ExchangeImpl::Terminal(std::function<void(Connection&)> work) {
  if (done_.exchange(true) || shared_->stopped.load()) return;
  if (std::shared_ptr<Connection> connection = connection_.lock()) {
    connection->PostForRequest(request_id_, std::move(work));
  }
}

void ExchangeImpl::Respond(Response response) {
  Terminal([response = std::move(response)](Connection& c) mutable {
    c.SendResponse(std::move(response));
  });
}

void ExchangeImpl::ResetConnection() {
  Terminal([](Connection& c) { c.Reset(); });
}

void ExchangeImpl::CloseWithoutResponse() {
  Terminal([](Connection& c) { c.CloseQuietly(); });
}

void ExchangeImpl::WriteRawAndClose(std::string bytes) {
  Terminal([bytes = std::move(bytes)](Connection& c) mutable {
    c.WriteRaw(std::move(bytes));
  });
}

void ExchangeImpl::Drip(std::string bytes, size_t chunk_bytes, absl::Duration interval) {
  Terminal([bytes = std::move(bytes), chunk_bytes, interval](Connection& c) mutable {
    c.DripBytes(std::move(bytes), chunk_bytes, interval);
  });
}

namespace {

// The stream of an ExchangeImpl: posts to its connection's strand.
class ResponseStreamImpl : public ResponseStream {
 public:
  explicit ResponseStreamImpl(std::weak_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  void Write(std::string bytes, std::function<void(bool ok)> written) override {
    if (std::shared_ptr<Connection> connection = connection_.lock()) {
      return connection->PostStreamWrite(std::move(bytes), std::move(written));
    }
    if (written) written(false);
  }
  void End() override {
    if (std::shared_ptr<Connection> connection = connection_.lock()) connection->PostStreamEnd();
  }

 private:
  std::weak_ptr<Connection> connection_;
};

}  // namespace

std::shared_ptr<ResponseStream> ExchangeImpl::StartStream(Response head) {
  std::weak_ptr<Connection> started;
  if (!done_.exchange(true) && !shared_->stopped.load()) {
    if (std::shared_ptr<Connection> connection = connection_.lock()) {
      connection->PostForRequest(request_id_, [head = std::move(head)](Connection& c) mutable {
        c.StartStreaming(std::move(head));
      });
      started = connection;
    }
  }
  return std::make_shared<ResponseStreamImpl>(started);
}

void ExchangeImpl::OnClientGone(std::function<void()> callback) {
  if (shared_->stopped.load()) return;
  if (std::shared_ptr<Connection> connection = connection_.lock()) {
    connection->RegisterGoneCallback(request_id_, std::move(callback));
  } else if (!done_.load()) {
    callback();  // the connection closed before the callback was set
  }
}

}  // namespace seedance::http
