// ScriptedHttpServer: a loopback HTTP/1.1 server for HTTP client tests, on
// plain sockets and one epoll thread (so thousands of held connections cost
// no threads). Each path gets a Script: answer, answer once the test
// releases it, hold forever, reset, close without a reply, send part of the
// body, send a huge body, drip the body a byte at a time, or send raw bytes. It records the
// requests and counts connections (accepted, closed by the client).
//
//   ScriptedHttpServer server;
//   server.On("/ok", Script::Reply({.status = 200, .body = "hi"}));
//   server.On("/slow", Script::ReplyWhenReleased({.status = 200}));
//   ... start calls to server.Url("/slow") ...
//   ASSERT_TRUE(server.WaitForRequests("/slow", 3));
//   server.Release("/slow");  // a latch: later requests are answered at once
//
// Unscripted paths get a 404. Requests are read by Content-Length (no
// chunked request bodies). Not for production: it trusts its client.
#ifndef SEEDANCE_TESTS_TESTING_SCRIPTED_HTTP_SERVER_H_
#define SEEDANCE_TESTS_TESTING_SCRIPTED_HTTP_SERVER_H_

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace seedance::testing {

struct ScriptedReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// What the server does with the requests for one path.
struct Script {
  enum class Action {
    kReply,              // answers `reply`
    kReplyWhenReleased,  // holds until Release(path), then answers `reply`
    kHoldForever,        // reads the request and never answers
    kReset,              // reads the request, then resets the connection
    kCloseWithoutReply,  // reads the request, then closes the connection
    kPartialBody,        // declares `reply`'s length, sends `bytes`, closes
    kHugeBody,           // sends `bytes` body bytes; length declared or not
    kDrip,               // sends `reply`'s body one byte per `interval`
    kRaw,                // sends `reply.body` as the raw bytes of the answer
  };
  Action action = Action::kReply;
  ScriptedReply reply;
  size_t bytes = 0;
  bool declare_length = true;
  absl::Duration interval;

  static Script Reply(ScriptedReply reply) { return {.reply = std::move(reply)}; }
  static Script ReplyWhenReleased(ScriptedReply reply) {
    return {.action = Action::kReplyWhenReleased, .reply = std::move(reply)};
  }
  static Script HoldForever() { return {.action = Action::kHoldForever}; }
  static Script Reset() { return {.action = Action::kReset}; }
  static Script CloseWithoutReply() { return {.action = Action::kCloseWithoutReply}; }
  static Script PartialBody(ScriptedReply reply, size_t sent_bytes) {
    return {.action = Action::kPartialBody, .reply = std::move(reply), .bytes = sent_bytes};
  }
  static Script HugeBody(size_t bytes, bool declare_length) {
    return {.action = Action::kHugeBody, .bytes = bytes, .declare_length = declare_length};
  }
  static Script Drip(ScriptedReply reply, absl::Duration interval) {
    return {.action = Action::kDrip, .reply = std::move(reply), .interval = interval};
  }
  // `bytes` must be whole HTTP answers (e.g. a 100 Continue, then a 200).
  static Script Raw(std::string bytes) {
    return {.action = Action::kRaw, .reply = {.body = std::move(bytes)}};
  }
};

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query, as sent
  // Lower-cased names, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int connection = 0;  // 1 for the first accepted connection, and so on

  const std::string* FindHeader(absl::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return &value;
    }
    return nullptr;
  }
};

class ScriptedHttpServer {
 public:
  // Listens on 127.0.0.1 on a free port; aborts the test binary if it
  // cannot (a broken test machine, not a test failure).
  ScriptedHttpServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listen_fd_, SOMAXCONN) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      std::perror("ScriptedHttpServer: listen");
      std::abort();
    }
    port_ = ntohs(address.sin_port);
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    Watch(listen_fd_, EPOLLIN, EPOLL_CTL_ADD);
    Watch(wake_fd_, EPOLLIN, EPOLL_CTL_ADD);
    thread_ = std::thread([this] { Run(); });
  }

  ~ScriptedHttpServer() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    Wake();
    thread_.join();
    for (auto& [fd, connection] : connections_) close(fd);
    close(listen_fd_);
    close(epoll_fd_);
    close(wake_fd_);
  }

  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const { return port_; }

  // "http://127.0.0.1:<port><path_and_query>".
  std::string Url(absl::string_view path_and_query) const {
    return absl::StrCat("http://127.0.0.1:", port_, path_and_query);
  }

  // Requests for `path` (the target without its query) follow `script`.
  void On(const std::string& path, Script script) {
    absl::MutexLock lock(&mu_);
    scripts_[path] = std::move(script);
  }

  // Answers the requests held on `path` by kReplyWhenReleased, and from now
  // on answers new ones at once.
  void Release(const std::string& path) {
    {
      absl::MutexLock lock(&mu_);
      released_.insert(path);
    }
    Wake();
  }

  std::vector<RecordedRequest> Requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

  int AcceptedConnections() const {
    absl::MutexLock lock(&mu_);
    return accepted_;
  }

  // Connections the client closed or reset (not those the script closed).
  int ConnectionsClosedByClient() const {
    absl::MutexLock lock(&mu_);
    return closed_by_client_;
  }

  // True once `count` requests for `path` have been read in full.
  bool WaitForRequests(const std::string& path, int count,
                       absl::Duration timeout = absl::Seconds(10)) const {
    auto reached = [this, &path, count]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return CountRequests(path) >= count; };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  // True once the client has closed `count` connections.
  bool WaitForConnectionsClosedByClient(int count,
                                        absl::Duration timeout = absl::Seconds(10)) const {
    auto reached = [this, count]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return closed_by_client_ >= count; };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kHugeChunk = 64 * 1024;

  struct Connection {
    int number = 0;
    std::string in;
    std::string out;
    bool busy = false;  // a request is being answered or held
    bool close_after_write = false;
    std::string held_path;  // non-empty: waiting for Release
    ScriptedReply held_reply;
    size_t huge_left = 0;   // body bytes of a huge reply still to queue
    std::string drip_left;  // body bytes of a drip still to queue
    absl::Duration drip_interval;
    std::optional<Clock::time_point> next_drip;
  };

  static std::string Head(const ScriptedReply& reply, std::optional<size_t> length, bool close) {
    std::string head = absl::StrCat("HTTP/1.1 ", reply.status, " Scripted\r\n");
    for (const auto& [name, value] : reply.headers)
      absl::StrAppend(&head, name, ": ", value, "\r\n");
    if (length.has_value()) absl::StrAppend(&head, "Content-Length: ", *length, "\r\n");
    if (close) absl::StrAppend(&head, "Connection: close\r\n");
    return absl::StrCat(head, "\r\n");
  }

  int CountRequests(const std::string& path) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    int count = 0;
    for (const RecordedRequest& request : requests_) {
      if (request.target.substr(0, request.target.find('?')) == path) ++count;
    }
    return count;
  }

  void Wake() {
    const uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }

  void Watch(int fd, uint32_t events, int operation) {
    epoll_event event{};
    event.events = events;
    event.data.fd = fd;
    epoll_ctl(epoll_fd_, operation, fd, &event);
  }

  void Run() {
    epoll_event events[64];
    while (true) {
      const int ready = epoll_wait(epoll_fd_, events, 64, NextDripMs());
      for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        if (fd == wake_fd_) {
          uint64_t count = 0;
          (void)!read(wake_fd_, &count, sizeof(count));
        } else if (fd == listen_fd_) {
          Accept();
        } else if (connections_.count(fd) != 0) {
          if ((events[i].events & EPOLLOUT) != 0) Flush(fd);
          if (connections_.count(fd) != 0 &&
              (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
            Read(fd);
          }
        }
      }
      Drip();
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
      }
      AnswerReleased();
    }
  }

  int NextDripMs() const {
    std::optional<Clock::time_point> next;
    for (const auto& [fd, connection] : connections_) {
      if (connection.next_drip.has_value() &&
          (!next.has_value() || *connection.next_drip < *next)) {
        next = connection.next_drip;
      }
    }
    if (!next.has_value()) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
  }

  void Accept() {
    while (true) {
      const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      Connection& connection = connections_[fd];
      {
        absl::MutexLock lock(&mu_);
        connection.number = ++accepted_;
      }
      Watch(fd, EPOLLIN, EPOLL_CTL_ADD);
    }
  }

  void Close(int fd, bool by_client) {
    connections_.erase(fd);
    close(fd);
    if (by_client) {
      absl::MutexLock lock(&mu_);
      ++closed_by_client_;
    }
  }

  void Read(int fd) {
    Connection& connection = connections_[fd];
    char buffer[16 * 1024];
    while (true) {
      const ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
      if (got > 0) {
        connection.in.append(buffer, static_cast<size_t>(got));
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (got < 0 && errno == EINTR) continue;
      Close(fd, /*by_client=*/true);  // EOF or reset
      return;
    }
    Serve(fd);
  }

  // Answers the complete requests waiting on `fd`, one at a time.
  void Serve(int fd) {
    while (connections_.count(fd) != 0) {
      Connection& connection = connections_[fd];
      if (connection.busy) return;
      const size_t head_end = connection.in.find("\r\n\r\n");
      if (head_end == std::string::npos) return;
      RecordedRequest request;
      request.connection = connection.number;
      size_t content_length = 0;
      absl::string_view head(connection.in.data(), head_end);
      size_t line_end = head.find("\r\n");
      absl::string_view request_line = head.substr(0, line_end);
      const size_t space1 = request_line.find(' ');
      const size_t space2 = request_line.find(' ', space1 + 1);
      request.method = std::string(request_line.substr(0, space1));
      request.target = std::string(request_line.substr(space1 + 1, space2 - space1 - 1));
      while (line_end != absl::string_view::npos) {
        const size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        absl::string_view line =
            head.substr(start, line_end == absl::string_view::npos ? absl::string_view::npos
                                                                   : line_end - start);
        const size_t colon = line.find(':');
        if (colon == absl::string_view::npos) continue;
        std::string name = absl::AsciiStrToLower(line.substr(0, colon));
        std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
        if (name == "content-length") (void)absl::SimpleAtoi(value, &content_length);
        request.headers.emplace_back(std::move(name), std::move(value));
      }
      if (connection.in.size() < head_end + 4 + content_length) return;
      request.body = connection.in.substr(head_end + 4, content_length);
      connection.in.erase(0, head_end + 4 + content_length);
      const std::string path = request.target.substr(0, request.target.find('?'));
      Script script = Script::Reply({.status = 404, .body = "no script"});
      bool released = false;
      {
        absl::MutexLock lock(&mu_);
        requests_.push_back(std::move(request));
        if (auto it = scripts_.find(path); it != scripts_.end()) script = it->second;
        released = released_.count(path) != 0;
      }
      Act(fd, path, script, released);
    }
  }

  void Act(int fd, const std::string& path, const Script& script, bool released) {
    Connection& connection = connections_[fd];
    const ScriptedReply& reply = script.reply;
    switch (script.action) {
      case Script::Action::kReply:
        Send(fd, Head(reply, reply.body.size(), false) + reply.body);
        return;
      case Script::Action::kReplyWhenReleased:
        if (released) {
          Send(fd, Head(reply, reply.body.size(), false) + reply.body);
        } else {
          connection.busy = true;
          connection.held_path = path;
          connection.held_reply = reply;
        }
        return;
      case Script::Action::kHoldForever:
        connection.busy = true;
        return;
      case Script::Action::kReset: {
        linger abort_on_close{.l_onoff = 1, .l_linger = 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
        Close(fd, /*by_client=*/false);
        return;
      }
      case Script::Action::kCloseWithoutReply:
        Close(fd, /*by_client=*/false);
        return;
      case Script::Action::kPartialBody:
        connection.busy = true;
        connection.close_after_write = true;
        Send(fd, Head(reply, reply.body.size(), false) + reply.body.substr(0, script.bytes));
        return;
      case Script::Action::kHugeBody:
        connection.busy = true;
        connection.close_after_write = true;
        connection.huge_left = script.bytes;
        Send(fd,
             Head(reply, script.declare_length ? std::optional<size_t>(script.bytes) : std::nullopt,
                  /*close=*/true));
        return;
      case Script::Action::kRaw:
        Send(fd, reply.body);
        return;
      case Script::Action::kDrip:
        connection.busy = true;
        connection.drip_left = reply.body;
        connection.drip_interval = script.interval;
        connection.next_drip = Clock::now();
        Send(fd, Head(reply, reply.body.size(), false));
        return;
    }
  }

  void Send(int fd, std::string bytes) {
    connections_[fd].out += bytes;
    Flush(fd);
  }

  // Writes what is queued; refills huge bodies; closes when the script says.
  void Flush(int fd) {
    Connection& connection = connections_[fd];
    while (true) {
      if (connection.out.empty() && connection.huge_left > 0) {
        const size_t chunk = std::min(connection.huge_left, kHugeChunk);
        connection.out.assign(chunk, 'x');
        connection.huge_left -= chunk;
      }
      if (connection.out.empty()) break;
      const ssize_t sent = send(fd, connection.out.data(), connection.out.size(), MSG_NOSIGNAL);
      if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        Watch(fd, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
        return;
      }
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0) {
        Close(fd, /*by_client=*/true);
        return;
      }
      connection.out.erase(0, static_cast<size_t>(sent));
    }
    Watch(fd, EPOLLIN, EPOLL_CTL_MOD);
    if (connection.close_after_write && connection.drip_left.empty()) {
      Close(fd, /*by_client=*/false);
    }
  }

  void Drip() {
    const Clock::time_point now = Clock::now();
    std::vector<int> due;
    for (auto& [fd, connection] : connections_) {
      if (connection.next_drip.has_value() && *connection.next_drip <= now) due.push_back(fd);
    }
    for (int fd : due) {
      Connection& connection = connections_[fd];
      const std::string byte = connection.drip_left.substr(0, 1);
      connection.drip_left.erase(0, 1);
      if (connection.drip_left.empty()) {
        connection.next_drip.reset();
        connection.busy = false;
      } else {
        connection.next_drip = now + absl::ToChronoNanoseconds(connection.drip_interval);
      }
      Send(fd, byte);
    }
  }

  void AnswerReleased() {
    std::set<std::string> released;
    {
      absl::MutexLock lock(&mu_);
      released = released_;
    }
    std::vector<int> ready;
    for (const auto& [fd, connection] : connections_) {
      if (!connection.held_path.empty() && released.count(connection.held_path) != 0) {
        ready.push_back(fd);
      }
    }
    for (int fd : ready) {
      Connection& connection = connections_[fd];
      const ScriptedReply reply = connection.held_reply;
      connection.held_path.clear();
      connection.busy = false;
      Send(fd, Head(reply, reply.body.size(), false) + reply.body);
      if (connections_.count(fd) != 0) Serve(fd);  // a request may be waiting
    }
  }

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int port_ = 0;
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, Script> scripts_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> released_ ABSL_GUARDED_BY(mu_);
  std::vector<RecordedRequest> requests_ ABSL_GUARDED_BY(mu_);
  int accepted_ ABSL_GUARDED_BY(mu_) = 0;
  int closed_by_client_ ABSL_GUARDED_BY(mu_) = 0;

  // Server thread only.
  std::map<int, Connection> connections_;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_SCRIPTED_HTTP_SERVER_H_
