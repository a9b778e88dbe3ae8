#include "http/curl/curl_multi_transport.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "base/scoped_fd.h"
#include "http/curl/curl_errors.h"
#include "http/curl/curl_handles.h"
#include "http/curl/curl_transfer.h"

namespace seedance::http::curl {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kMaxEventsPerWait = 256;

}  // namespace

// The event loop: owns the multi handle, the epoll set and every transfer.
// Start and Cancel (any thread) touch only the queue, `next_id_` and the
// const options; everything else belongs to the loop thread.
class CurlMultiTransport::Loop {
 public:
  static absl::StatusOr<std::unique_ptr<Loop>> Create(Options options);
  ~Loop() { multi_.reset(); }

  CallId Start(HttpCall call, Callback done);
  void Cancel(CallId id);
  // Aborts what is in flight and joins the loop thread.
  void Stop();

 private:
  struct Command {
    CallId cancel_id = 0;                // a Cancel when non-zero
    std::unique_ptr<Transfer> transfer;  // a Start otherwise
  };

  Loop(Options options, ScopedFd epoll_fd, ScopedFd event_fd, MultiHandle multi)
      : options_(std::move(options)),
        epoll_fd_(std::move(epoll_fd)),
        event_fd_(std::move(event_fd)),
        multi_(std::move(multi)) {}

  static int OnSocket(CURL* easy, curl_socket_t socket, int what, void* user, void* socket_user);
  static int OnTimer(CURLM* multi, long timeout_ms, void* user);

  // Moves `command` to the queue and wakes the loop; false (leaving
  // `command` alone) once the loop has stopped.
  bool Post(Command& command);
  void Run();
  int WaitTimeoutMs() const;
  void SocketAction(curl_socket_t socket, int mask);
  // Finishes the transfers libcurl reports done.
  void ReapCompleted();
  // Runs the queued commands; true when the loop should stop.
  bool RunCommands();
  void Begin(std::unique_ptr<Transfer> transfer);
  void CancelTransfer(CallId id);
  // Removes `id`'s handle from the multi handle and hands its transfer over.
  std::unique_ptr<Transfer> Detach(CallId id);
  void Shutdown();

  const Options options_;
  ScopedFd epoll_fd_;
  ScopedFd event_fd_;
  // Declared after the descriptors: curl_multi_cleanup may call OnSocket.
  MultiHandle multi_;
  std::atomic<CallId> next_id_{1};
  std::thread thread_;

  absl::Mutex mu_;
  std::vector<Command> commands_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;

  // Loop thread only.
  std::unordered_map<CallId, std::unique_ptr<Transfer>> transfers_;
  std::optional<SteadyClock::time_point> timer_due_;
};

absl::StatusOr<std::unique_ptr<CurlMultiTransport::Loop>> CurlMultiTransport::Loop::Create(
    Options options) {
  absl::StatusOr<MultiHandle> multi = NewMultiHandle();
  if (!multi.ok()) return multi.status();
  ScopedFd epoll_fd(epoll_create1(EPOLL_CLOEXEC));
  ScopedFd event_fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (epoll_fd.get() < 0 || event_fd.get() < 0) {
    return absl::InternalError(absl::StrCat("epoll/eventfd setup failed: ", std::strerror(errno)));
  }
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = event_fd.get();
  if (epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, event_fd.get(), &wake) != 0) {
    return absl::InternalError(absl::StrCat("epoll_ctl failed: ", std::strerror(errno)));
  }
  const int max_idle = options.max_idle_connections;
  const int max_host = options.max_host_connections;
  std::unique_ptr<Loop> loop(
      new Loop(std::move(options), std::move(epoll_fd), std::move(event_fd), *std::move(multi)));
  CURLM* handle = loop->multi_.get();
  for (absl::Status status : {
           SetMultiOption(handle, CURLMOPT_SOCKETFUNCTION, &Loop::OnSocket),
           SetMultiOption(handle, CURLMOPT_SOCKETDATA, static_cast<void*>(loop.get())),
           SetMultiOption(handle, CURLMOPT_TIMERFUNCTION, &Loop::OnTimer),
           SetMultiOption(handle, CURLMOPT_TIMERDATA, static_cast<void*>(loop.get())),
           SetMultiOption(handle, CURLMOPT_MAXCONNECTS, static_cast<long>(max_idle)),
           SetMultiOption(handle, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(max_host)),
       }) {
    if (!status.ok()) return status;
  }
  Loop* raw = loop.get();
  loop->thread_ = std::thread([raw] { raw->Run(); });
  pthread_setname_np(loop->thread_.native_handle(), "http-transport");
  return loop;
}

HttpTransport::CallId CurlMultiTransport::Loop::Start(HttpCall call, Callback done) {
  std::unique_ptr<Transfer> transfer =
      NewTransfer(options_, next_id_.fetch_add(1, std::memory_order_relaxed), std::move(call),
                  std::move(done));
  const CallId id = transfer->id;
  Command command;
  command.transfer = std::move(transfer);
  if (!Post(command)) {
    // Only a Start racing with the destructor gets here: no loop thread is
    // left to run the callback on, so it runs on the caller's.
    command.transfer->done(ShutdownStatus(*command.transfer));
  }
  return id;
}

void CurlMultiTransport::Loop::Cancel(CallId id) {
  if (id == 0) return;  // never issued; 0 marks a Start in the queue
  Command command;
  command.cancel_id = id;
  Post(command);
}

bool CurlMultiTransport::Loop::Post(Command& command) {
  absl::MutexLock lock(&mu_);
  if (stopped_) return false;
  // The loop takes the whole queue at once: one wake-up per batch is enough.
  const bool wake = commands_.empty();
  commands_.push_back(std::move(command));
  if (wake) {
    const uint64_t one = 1;
    // Cannot fail short of a counter overflow; the loop drains it.
    (void)!write(event_fd_.get(), &one, sizeof(one));
  }
  return true;
}

void CurlMultiTransport::Loop::Stop() {
  if (std::this_thread::get_id() == thread_.get_id()) {
    // join() would deadlock: a callback destroyed the transport.
    Log(LogLevel::kError, "http_transport_destroyed_from_callback");
    std::abort();
  }
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    const uint64_t one = 1;
    (void)!write(event_fd_.get(), &one, sizeof(one));
  }
  thread_.join();
}

int CurlMultiTransport::Loop::OnSocket(CURL* /*easy*/, curl_socket_t socket, int what, void* user,
                                       void* /*socket_user*/) {
  auto* loop = static_cast<Loop*>(user);
  if (what == CURL_POLL_REMOVE) {
    // May fail when libcurl closed the socket first; the kernel dropped it then.
    epoll_ctl(loop->epoll_fd_.get(), EPOLL_CTL_DEL, socket, nullptr);
    return 0;
  }
  epoll_event event{};
  event.events =
      ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
  event.data.fd = socket;
  if (epoll_ctl(loop->epoll_fd_.get(), EPOLL_CTL_MOD, socket, &event) != 0 &&
      epoll_ctl(loop->epoll_fd_.get(), EPOLL_CTL_ADD, socket, &event) != 0) {
    Log(LogLevel::kError, "http_transport_epoll_failed", {{"error", std::strerror(errno)}});
    return -1;
  }
  return 0;
}

int CurlMultiTransport::Loop::OnTimer(CURLM* /*multi*/, long timeout_ms, void* user) {
  auto* loop = static_cast<Loop*>(user);
  if (timeout_ms < 0) {
    loop->timer_due_.reset();
  } else {
    loop->timer_due_ = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

int CurlMultiTransport::Loop::WaitTimeoutMs() const {
  if (!timer_due_.has_value()) return -1;
  const auto left = *timer_due_ - SteadyClock::now();
  if (left <= SteadyClock::duration::zero()) return 0;
  // Rounded up: waking a little early would only spin until the deadline.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<int64_t>(ms, INT_MAX));
}

void CurlMultiTransport::Loop::Run() {
  epoll_event events[kMaxEventsPerWait];
  bool stop = false;
  while (!stop) {
    const int ready = epoll_wait(epoll_fd_.get(), events, kMaxEventsPerWait, WaitTimeoutMs());
    if (ready < 0 && errno != EINTR) {
      Log(LogLevel::kError, "http_transport_epoll_failed", {{"error", std::strerror(errno)}});
    }
    for (int i = 0; i < ready; ++i) {
      const int fd = events[i].data.fd;
      if (fd == event_fd_.get()) {
        uint64_t count = 0;
        (void)!read(event_fd_.get(), &count, sizeof(count));
        continue;
      }
      const uint32_t got = events[i].events;
      int mask = 0;
      if ((got & (EPOLLIN | EPOLLHUP)) != 0) mask |= CURL_CSELECT_IN;
      if ((got & EPOLLOUT) != 0) mask |= CURL_CSELECT_OUT;
      if ((got & EPOLLERR) != 0) mask |= CURL_CSELECT_ERR;
      SocketAction(fd, mask);
    }
    if (timer_due_.has_value() && SteadyClock::now() >= *timer_due_) {
      timer_due_.reset();  // OnTimer may set a new one during the action
      SocketAction(CURL_SOCKET_TIMEOUT, 0);
    }
    stop = RunCommands();
  }
  Shutdown();
}

void CurlMultiTransport::Loop::SocketAction(curl_socket_t socket, int mask) {
  int running = 0;
  const CURLMcode code = curl_multi_socket_action(multi_.get(), socket, mask, &running);
  if (code != CURLM_OK) {
    Log(LogLevel::kError, "http_transport_socket_action_failed",
        {{"error", curl_multi_strerror(code)}});
  }
  ReapCompleted();
}

void CurlMultiTransport::Loop::ReapCompleted() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_.get(), &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    const CURLcode code = message->data.result;  // `message` dies with the removal
    void* user = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &user);
    std::unique_ptr<Transfer> transfer = Detach(static_cast<Transfer*>(user)->id);
    if (transfer == nullptr) continue;
    absl::StatusOr<HttpReply> outcome = TransferOutcome(*transfer, code);
    transfer->done(std::move(outcome));  // outside any lock, off libcurl's stack
  }
}

bool CurlMultiTransport::Loop::RunCommands() {
  std::vector<Command> commands;
  bool stopping = false;
  {
    absl::MutexLock lock(&mu_);
    commands.swap(commands_);
    stopping = stopping_;
  }
  for (Command& command : commands) {
    if (command.cancel_id != 0) {
      CancelTransfer(command.cancel_id);
    } else if (stopping) {
      command.transfer->done(ShutdownStatus(*command.transfer));
    } else {
      Begin(std::move(command.transfer));
    }
  }
  return stopping;
}

void CurlMultiTransport::Loop::Begin(std::unique_ptr<Transfer> transfer) {
  if (!transfer->setup_status.ok()) {
    transfer->done(transfer->setup_status);
    return;
  }
  const CURLMcode code = curl_multi_add_handle(multi_.get(), transfer->easy.get());
  if (code != CURLM_OK) {
    transfer->done(absl::InternalError(
        absl::StrCat(transfer->call.method, " ", transfer->safe_url,
                     ": curl_multi_add_handle failed: ", curl_multi_strerror(code))));
    return;
  }
  const CallId id = transfer->id;
  transfers_.emplace(id, std::move(transfer));
}

void CurlMultiTransport::Loop::CancelTransfer(CallId id) {
  std::unique_ptr<Transfer> transfer = Detach(id);
  if (transfer == nullptr) return;  // unknown, finished or already cancelled
  transfer->done(absl::CancelledError(
      absl::StrCat(transfer->call.method, " ", transfer->safe_url, ": the call was cancelled")));
}

std::unique_ptr<Transfer> CurlMultiTransport::Loop::Detach(CallId id) {
  auto it = transfers_.find(id);
  if (it == transfers_.end()) return nullptr;
  std::unique_ptr<Transfer> transfer = std::move(it->second);
  transfers_.erase(it);
  // An unfinished transfer's connection is closed, not kept for reuse.
  curl_multi_remove_handle(multi_.get(), transfer->easy.get());
  return transfer;
}

void CurlMultiTransport::Loop::Shutdown() {
  std::vector<CallId> ids;
  for (const auto& [id, transfer] : transfers_) ids.push_back(id);
  if (!ids.empty()) {
    const std::string count = absl::StrCat(ids.size());
    Log(LogLevel::kInfo, "http_transport_abort_in_flight", {{"calls", count}});
  }
  for (CallId id : ids) {
    std::unique_ptr<Transfer> transfer = Detach(id);
    transfer->done(ShutdownStatus(*transfer));
  }
  // Callbacks may have started calls meanwhile (they fail here, each once),
  // and so may theirs; after `stopped_` Start no longer queues.
  while (true) {
    std::vector<Command> commands;
    {
      absl::MutexLock lock(&mu_);
      if (commands_.empty()) {
        stopped_ = true;
        break;
      }
      commands.swap(commands_);
    }
    for (Command& command : commands) {
      if (command.transfer != nullptr) command.transfer->done(ShutdownStatus(*command.transfer));
    }
  }
  multi_.reset();  // closes the cached connections while OnSocket still works
}

absl::StatusOr<std::unique_ptr<CurlMultiTransport>> CurlMultiTransport::Create(Options options) {
  absl::StatusOr<std::unique_ptr<Loop>> loop = Loop::Create(std::move(options));
  if (!loop.ok()) return loop.status();
  return std::unique_ptr<CurlMultiTransport>(new CurlMultiTransport(*std::move(loop)));
}

CurlMultiTransport::CurlMultiTransport(std::unique_ptr<Loop> loop) : loop_(std::move(loop)) {}

CurlMultiTransport::~CurlMultiTransport() { loop_->Stop(); }

HttpTransport::CallId CurlMultiTransport::Start(HttpCall call, Callback done) {
  return loop_->Start(std::move(call), std::move(done));
}

void CurlMultiTransport::Cancel(CallId id) { loop_->Cancel(id); }

}  // namespace seedance::http::curl
