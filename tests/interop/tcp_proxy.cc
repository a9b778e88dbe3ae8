#include "tests/interop/tcp_proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace seedance::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

absl::Status Errno(const char* what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpProxy>> TcpProxy::Start(int target_port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("socket");
  sockaddr_in addr = Loopback(0);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    absl::Status error = Errno("bind/listen");
    close(fd);
    return error;
  }
  int wake[2];
  if (pipe2(wake, O_CLOEXEC) != 0) {
    absl::Status error = Errno("pipe");
    close(fd);
    return error;
  }
  return std::unique_ptr<TcpProxy>(
      new TcpProxy(fd, ntohs(addr.sin_port), target_port, wake[0], wake[1]));
}

TcpProxy::TcpProxy(int listen_fd, int port, int target_port, int wake_read, int wake_write)
    : listen_fd_(listen_fd),
      port_(port),
      target_port_(target_port),
      wake_read_(wake_read),
      wake_write_(wake_write),
      thread_([this] { Loop(); }) {}

TcpProxy::~TcpProxy() {
  stop_ = true;
  char byte = 0;
  (void)!write(wake_write_, &byte, 1);
  thread_.join();
  absl::MutexLock lock(&mu_);
  for (const Pair& p : pairs_) {
    close(p.client_fd);
    close(p.server_fd);
  }
  close(listen_fd_);
  close(wake_read_);
  close(wake_write_);
}

std::string TcpProxy::address() const { return absl::StrCat("127.0.0.1:", port_); }

void TcpProxy::CutAll() {
  absl::MutexLock lock(&mu_);
  // Only the loop closes sockets (under mu_), so these are still ours; it
  // sees the EOF and closes them.
  for (const Pair& p : pairs_) {
    shutdown(p.client_fd, SHUT_RDWR);
    shutdown(p.server_fd, SHUT_RDWR);
  }
}

void TcpProxy::Accept() {
  int client = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in target = Loopback(target_port_.load());
  if (server < 0 || connect(server, reinterpret_cast<sockaddr*>(&target), sizeof(target)) != 0) {
    if (server >= 0) close(server);
    close(client);
    return;
  }
  int one = 1;
  setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ++accepted_;
  absl::MutexLock lock(&mu_);
  pairs_.push_back({client, server});
}

bool TcpProxy::Relay(int from, int to) {
  char buffer[64 * 1024];
  ssize_t n = read(from, buffer, sizeof(buffer));
  if (n <= 0) return n < 0 && (errno == EINTR || errno == EAGAIN);
  // Blocking writes: gRPC's messages here are small and both peers read.
  for (ssize_t sent = 0; sent < n;) {
    ssize_t w = send(to, buffer + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
    if (w <= 0) return false;
    sent += w;
  }
  return true;
}

void TcpProxy::Loop() {
  while (!stop_) {
    std::vector<Pair> pairs;
    {
      absl::MutexLock lock(&mu_);
      pairs = pairs_;
    }
    std::vector<pollfd> fds = {{wake_read_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    for (const Pair& p : pairs) {
      fds.push_back({p.client_fd, POLLIN, 0});
      fds.push_back({p.server_fd, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
    if (fds[0].revents != 0) break;                       // stop
    if (fds[1].revents & POLLIN) Accept();
    std::vector<Pair> done;
    for (size_t i = 0; i < pairs.size(); ++i) {
      const pollfd& c = fds[2 + 2 * i];
      const pollfd& s = fds[3 + 2 * i];
      bool alive = true;
      if (c.revents != 0) alive = Relay(pairs[i].client_fd, pairs[i].server_fd);
      if (alive && s.revents != 0) alive = Relay(pairs[i].server_fd, pairs[i].client_fd);
      if (!alive) done.push_back(pairs[i]);
    }
    if (done.empty()) continue;
    absl::MutexLock lock(&mu_);
    for (const Pair& p : done) {
      close(p.client_fd);
      close(p.server_fd);
      pairs_.erase(std::remove_if(pairs_.begin(), pairs_.end(),
                                  [&](const Pair& q) { return q.client_fd == p.client_fd; }),
                   pairs_.end());
    }
  }
}

}  // namespace seedance::testing
