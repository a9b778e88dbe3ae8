#include "http/http_server.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/asio/strand.hpp"
#include "http/connection.h"

namespace seedance::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// The Server's state; a separate class so that the public header needs no
// Asio networking headers.
class ServerCore {
 public:
  ServerCore(ServerOptions options, Handler handler)
      : io_(std::max(1, options.io_threads)),
        work_(net::make_work_guard(io_)),
        acceptor_(io_),
        accept_retry_(io_),
        shared_(std::make_shared<ServerShared>()) {
    shared_->options = std::move(options);
    shared_->handler = std::move(handler);
  }

  ~ServerCore() { Shutdown(); }

  absl::Status Listen() {
    boost::system::error_code ec;
    net::ip::address address = net::ip::make_address(shared_->options.address, ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad listen address \"", shared_->options.address, "\""));
    }
    tcp::endpoint endpoint(address, static_cast<unsigned short>(shared_->options.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError(absl::StrCat("cannot listen on ",
                                                 shared_->options.address, ":",
                                                 shared_->options.port, ": ",
                                                 ec.message()));
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return absl::OkStatus();
  }

  void Run() {
    Accept();
    for (int i = 0; i < std::max(1, shared_->options.io_threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
  }

  void Shutdown() {
    {
      absl::MutexLock lock(&mu_);
      if (shut_down_) return;
      shut_down_ = true;
    }
    shared_->stopped = true;
    io_.stop();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
    // No IO thread runs now: the connections can be closed from here.
    boost::system::error_code ec;
    acceptor_.close(ec);
    accept_retry_.cancel();
    std::vector<std::shared_ptr<Connection>> connections;
    {
      absl::MutexLock lock(&shared_->mu);
      for (auto& [id, weak] : shared_->live) {
        if (std::shared_ptr<Connection> connection = weak.lock()) {
          connections.push_back(std::move(connection));
        }
      }
    }
    for (const auto& connection : connections) connection->CloseNow();
  }

  int port() const { return port_; }
  net::io_context& io() { return io_; }

 private:
  void Accept() {
    acceptor_.async_accept(net::make_strand(io_),
                           [this](boost::system::error_code ec, tcp::socket socket) {
                             OnAccept(ec, std::move(socket));
                           });
  }

  void OnAccept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || shared_->stopped) return;
    if (ec) {
      // Typically out of file descriptors: wait a little instead of spinning.
      Log(LogLevel::kWarning, "http_accept_failed", {{"error", ec.message()}});
      accept_retry_.expires_after(std::chrono::milliseconds(50));
      accept_retry_.async_wait([this](boost::system::error_code wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    std::shared_ptr<Connection> connection;
    {
      absl::MutexLock lock(&shared_->mu);
      if (shared_->live.size() < shared_->options.max_connections) {
        uint64_t id = shared_->next_id++;
        boost::system::error_code nodelay_ec;
        socket.set_option(tcp::no_delay(true), nodelay_ec);
        connection = std::make_shared<Connection>(std::move(socket), shared_, id);
        shared_->live.emplace(id, connection);
      }
    }
    if (connection) {
      net::post(connection->executor(), [connection] { connection->Start(); });
    } else {
      boost::system::error_code close_ec;
      socket.close(close_ec);  // over max_connections
    }
    Accept();
  }

  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  std::shared_ptr<ServerShared> shared_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(ServerOptions options,
                                                      Handler handler) {
  auto core = std::make_unique<ServerCore>(std::move(options), std::move(handler));
  absl::Status listening = core->Listen();
  if (!listening.ok()) return listening;
  core->Run();
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

Server::Server(std::unique_ptr<ServerCore> core) : core_(std::move(core)) {}

Server::~Server() { Shutdown(); }

int Server::port() const { return core_->port(); }

boost::asio::io_context& Server::io_context() { return core_->io(); }

void Server::Shutdown() { core_->Shutdown(); }

}  // namespace seedance::http
