// TcpProxy: a loopback TCP relay in front of a server, whose connections a
// test can cut at a moment it chooses, as a network failure would. Clients
// that connect through it see their streams break and must reconnect (the
// proxy keeps accepting).
//
//   auto proxy = TcpProxy::Start(gateway->grpc_port());
//   // ... a client connects to (*proxy)->address() and starts a watch ...
//   (*proxy)->CutAll();          // every open connection is closed now
//   EXPECT_GE((*proxy)->connections(), 2);   // the client came back
//
// One thread relays every connection. Thread-safe.
#ifndef SEEDANCE_TESTS_INTEROP_TCP_PROXY_H_
#define SEEDANCE_TESTS_INTEROP_TCP_PROXY_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace seedance::testing {

class TcpProxy {
 public:
  // Listens on 127.0.0.1, port 0, and relays each connection to
  // 127.0.0.1:`target_port`.
  static absl::StatusOr<std::unique_ptr<TcpProxy>> Start(int target_port);

  // Stops relaying and closes every socket.
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  // "127.0.0.1:<port>".
  std::string address() const;

  // Shuts down both sides of every open connection: the peers read EOF at
  // once. Connections made afterwards are relayed as usual.
  void CutAll();

  // Connections accepted so far.
  int connections() const { return accepted_.load(); }

  // Connections accepted from now on go to 127.0.0.1:`target_port` (e.g. a
  // server restarted on a new port); open ones stay as they are.
  void Retarget(int target_port) { target_port_.store(target_port); }

 private:
  struct Pair {
    int client_fd;
    int server_fd;
  };

  TcpProxy(int listen_fd, int port, int target_port, int wake_read, int wake_write);
  void Loop();
  void Accept();
  // Copies what `from` has to `to`; false when the connection is over.
  static bool Relay(int from, int to);

  const int listen_fd_;
  const int port_;
  std::atomic<int> target_port_;
  const int wake_read_;   // a byte here wakes the loop to stop
  const int wake_write_;
  std::atomic<int> accepted_{0};
  std::atomic<bool> stop_{false};
  absl::Mutex mu_;
  std::vector<Pair> pairs_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_INTEROP_TCP_PROXY_H_
