#include "http/http_client.h"

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/strand.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/core/tcp_stream.hpp"
#include "boost/beast/http/message.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/read.hpp"
#include "boost/beast/http/string_body.hpp"
#include "boost/beast/http/write.hpp"
#include "http/http_url.h"

namespace seedance::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

constexpr size_t kMaxAnswerBytes = 8 << 20;

// One request in flight; keeps itself alive through its handlers.
class Call : public std::enable_shared_from_this<Call> {
 public:
  Call(net::io_context& io, HttpUrl url, absl::Duration timeout,
       HttpClient::Callback done)
      : strand_(net::make_strand(io)),
        resolver_(strand_),
        stream_(strand_),
        url_(std::move(url)),
        deadline_(std::chrono::steady_clock::now() +
                  absl::ToChronoNanoseconds(timeout)),
        done_(std::move(done)) {}

  void Start(absl::string_view method, std::vector<Header> headers, std::string body) {
    request_.method_string(std::string(method));
    request_.target(url_.target);
    request_.version(11);
    request_.set(bhttp::field::host, absl::StrCat(url_.host, ":", url_.port));
    request_.set(bhttp::field::user_agent, "seedance-http");
    for (const Header& header : headers) request_.insert(header.name, header.value);
    request_.keep_alive(false);
    request_.body() = std::move(body);
    request_.prepare_payload();
    net::post(strand_, [self = shared_from_this()] { self->Resolve(); });
  }

 private:
  void Resolve() {
    // Name resolution is not bounded by the deadline (tcp_stream's timeout
    // covers connect, write and read); numeric hosts resolve at once.
    resolver_.async_resolve(
        url_.host, std::to_string(url_.port),
        [self = shared_from_this()](beast::error_code ec,
                                    tcp::resolver::results_type results) {
          if (ec) return self->Fail(absl::UnavailableError(
                      absl::StrCat("cannot resolve ", self->url_.host, ": ",
                                   ec.message())));
          self->stream_.expires_at(self->deadline_);
          self->stream_.async_connect(
              results, [self](beast::error_code connect_ec, const tcp::endpoint&) {
                self->OnConnect(connect_ec);
              });
        });
  }

  void OnConnect(beast::error_code ec) {
    if (ec) return Fail(Error("connect", ec));
    stream_.expires_at(deadline_);
    bhttp::async_write(stream_, request_,
                       [self = shared_from_this()](beast::error_code write_ec, size_t) {
                         self->OnWrite(write_ec);
                       });
  }

  void OnWrite(beast::error_code ec) {
    if (ec) return Fail(Error("send", ec));
    parser_.body_limit(kMaxAnswerBytes);
    stream_.expires_at(deadline_);
    bhttp::async_read(stream_, buffer_, parser_,
                      [self = shared_from_this()](beast::error_code read_ec, size_t) {
                        self->OnRead(read_ec);
                      });
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Fail(Error("read the answer", ec));
    const auto& message = parser_.get();
    Response response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      response.headers.push_back(
          {std::string(field.name_string()), std::string(field.value())});
    }
    response.body = message.body();
    beast::error_code close_ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, close_ec);
    Finish(std::move(response));
  }

  absl::Status Error(absl::string_view step, const beast::error_code& ec) {
    if (ec == beast::error::timeout) {
      return absl::DeadlineExceededError(
          absl::StrCat("timed out (", step, ") on ", url_.host, ":", url_.port));
    }
    return absl::UnavailableError(absl::StrCat("cannot ", step, " (", url_.host, ":",
                                               url_.port, "): ", ec.message()));
  }

  void Fail(absl::Status status) { Finish(std::move(status)); }

  void Finish(absl::StatusOr<Response> answer) {
    if (!done_) return;
    HttpClient::Callback done = std::move(done_);
    done_ = nullptr;
    done(std::move(answer));
  }

  net::strand<net::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  HttpUrl url_;
  std::chrono::steady_clock::time_point deadline_;
  HttpClient::Callback done_;
  bhttp::request<bhttp::string_body> request_;
  beast::flat_buffer buffer_;
  bhttp::response_parser<bhttp::string_body> parser_;
};

}  // namespace

void HttpClient::Send(absl::string_view method, absl::string_view url,
                      std::vector<Header> headers, std::string body,
                      absl::Duration timeout, Callback done) {
  absl::StatusOr<HttpUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) {
    net::post(io_, [done = std::move(done), status = parsed.status()] { done(status); });
    return;
  }
  auto call = std::make_shared<Call>(io_, *std::move(parsed), timeout, std::move(done));
  call->Start(method, std::move(headers), std::move(body));
}

void HttpClient::PostJson(absl::string_view url, std::string body,
                          absl::Duration timeout, Callback done) {
  Send("POST", url, {{"Content-Type", "application/json"}}, std::move(body), timeout,
       std::move(done));
}

}  // namespace seedance::http
