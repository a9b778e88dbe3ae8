#include "http/curl/curl_multi_transport.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "http/curl/curl_handles.h"

namespace seedance::http::curl {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kMaxEventsPerWait = 256;
// Keep-alive probes on held calls: a peer that vanished (NAT timeout,
// crashed host) is noticed within about two minutes instead of never.
constexpr long kTcpKeepIdleSeconds = 60;
constexpr long kTcpKeepIntervalSeconds = 30;
// Header values shorter than this are not scrubbed from messages: they are
// not secrets and replacing them would mangle ordinary words.
constexpr size_t kMinRedactedLength = 4;

// Owns a file descriptor.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// A call between Start and its callback. Heap-allocated and never moved:
// libcurl keeps pointers to `call.body`, `error` and the Transfer itself.
struct Transfer {
  HttpTransport::CallId id = 0;
  HttpCall call;
  HttpTransport::Callback done;
  // The URL as it may appear in messages and logs.
  std::string safe_url;
  // Substrings never to let into a message (header values, URL secrets).
  std::vector<std::string> secrets;
  // Not OK when the call could not be set up; it then fails on the loop.
  absl::Status setup_status;
  HeaderList request_headers;
  EasyHandle easy;  // after request_headers: cleaned up before them
  HttpReply reply;
  size_t max_reply_bytes = 0;
  size_t reply_bytes = 0;
  bool reply_too_large = false;
  // The last address call.allow_peer refused, for the failure message.
  std::string refused_peer;
  // Addresses allow_peer let through: a failure after one of them is an
  // ordinary connect failure, not a refusal.
  int allowed_peers = 0;
  char error[CURL_ERROR_SIZE] = {};
};

// The URL without userinfo, query and fragment: those may carry secrets.
std::string SafeUrl(absl::string_view url) {
  url = url.substr(0, std::min(url.find('?'), url.find('#')));
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(url);
  const size_t host_start = scheme_end + 3;
  const size_t authority_end = std::min(url.find('/', host_start), url.size());
  const size_t at = url.rfind('@', authority_end);
  if (at == absl::string_view::npos || at < host_start) return std::string(url);
  return absl::StrCat(url.substr(0, host_start), url.substr(at + 1));
}

// The parts of `url` SafeUrl drops, for scrubbing libcurl's messages.
void AddUrlSecrets(absl::string_view url, std::vector<std::string>& secrets) {
  const size_t query = std::min(url.find('?'), url.find('#'));
  if (query != absl::string_view::npos && query + 1 < url.size()) {
    secrets.emplace_back(url.substr(query + 1));
  }
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return;
  const size_t host_start = scheme_end + 3;
  const size_t at = url.substr(0, std::min(url.find('/', host_start), query)).rfind('@');
  if (at != absl::string_view::npos && at > host_start) {
    secrets.emplace_back(url.substr(host_start, at - host_start));
  }
}

std::string Redact(absl::string_view text, const std::vector<std::string>& secrets) {
  std::vector<std::pair<absl::string_view, absl::string_view>> replacements;
  for (const std::string& secret : secrets) {
    if (secret.size() >= kMinRedactedLength) replacements.emplace_back(secret, "<redacted>");
  }
  return absl::StrReplaceAll(text, replacements);
}

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) != absl::string_view::npos;
}

bool IsToken(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

bool IsHeaderValue(absl::string_view value) {
  return value.find_first_of(absl::string_view("\r\n\0", 3)) == absl::string_view::npos;
}

bool HasHttpScheme(absl::string_view url) {
  return absl::StartsWithIgnoreCase(url, "http://") || absl::StartsWithIgnoreCase(url, "https://");
}

constexpr long kReceiveBufferBytes = 4096;

// Milliseconds for CURLOPT_*TIMEOUT_MS: rounded up, at least 1 (0 would
// mean "no limit"), and 0 for an infinite duration.
long TimeoutMs(absl::Duration duration) {
  if (duration == absl::InfiniteDuration()) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(duration, absl::Milliseconds(1)));
  return static_cast<long>(std::clamp<int64_t>(ms, 1, LONG_MAX));
}

bool HasHeader(const HttpCall& call, absl::string_view name) {
  for (const auto& [header, value] : call.headers) {
    if (absl::EqualsIgnoreCase(header, name)) return true;
  }
  return false;
}

size_t OnReplyHeader(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t length = size * count;
  transfer.reply_bytes += length;
  if (transfer.reply_bytes > transfer.max_reply_bytes) {
    transfer.reply_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  absl::string_view line(data, length);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  auto& headers = transfer.reply.headers;
  if (absl::StartsWith(line, "HTTP/")) {
    headers.clear();  // a new response (after 1xx): keep only the final one's
  } else if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    if (!headers.empty()) {  // obsolete line folding
      absl::StrAppend(&headers.back().second, " ", absl::StripAsciiWhitespace(line));
    }
  } else if (const size_t colon = line.find(':'); colon != absl::string_view::npos) {
    headers.emplace_back(absl::AsciiStrToLower(line.substr(0, colon)),
                         std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  return length;
}

size_t OnReplyBody(char* data, size_t size, size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const size_t length = size * count;
  transfer.reply_bytes += length;
  if (transfer.reply_bytes > transfer.max_reply_bytes) {
    transfer.reply_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  transfer.reply.body.append(data, length);
  return length;
}

// "10.0.0.1" or "fe80::1" for an AF_INET/AF_INET6 address, else "?".
std::string AddressText(const sockaddr& address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address.sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text,
              sizeof(text));
  } else if (address.sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text,
              sizeof(text));
  }
  return text;
}

// CURLOPT_OPENSOCKETFUNCTION for calls with allow_peer: libcurl asks before
// each connection attempt, with the address it resolved, so the check sees
// what is actually connected to. A refused address is skipped (libcurl
// tries the next one, or fails with CURLE_COULDNT_CONNECT).
curl_socket_t OpenAllowedSocket(void* user, curlsocktype, curl_sockaddr* address) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (!transfer.call.allow_peer(address->addr)) {
    transfer.refused_peer = AddressText(address->addr);
    return CURL_SOCKET_BAD;
  }
  ++transfer.allowed_peers;
  return socket(address->family, address->socktype, address->protocol);
}

// Checks `transfer.call` and configures its easy handle. Runs on the caller's
// thread: the loop thread only adds the finished handle.
absl::Status SetUpTransfer(const CurlMultiTransport::Options& options, Transfer& transfer) {
  const HttpCall& call = transfer.call;
  if (!IsToken(call.method)) return absl::InvalidArgumentError("the method is not an HTTP token");
  if (!HasHttpScheme(call.url)) {
    return absl::InvalidArgumentError("the URL is not an absolute http:// or https:// URL");
  }
  const bool head = call.method == "HEAD";
  if (head && !call.body.empty()) return absl::InvalidArgumentError("a HEAD call has no body");
  HeaderList& headers = transfer.request_headers;
  for (const auto& [name, value] : call.headers) {
    if (!IsToken(name) || !IsHeaderValue(value)) {
      // The name is safe to show; the value is not.
      return absl::InvalidArgumentError(
          absl::StrCat("header \"", IsToken(name) ? name : "?", "\" is malformed"));
    }
    // "name;" is libcurl's spelling of a header with an empty value.
    const std::string line =
        value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value);
    if (absl::Status status = AppendHeader(headers, line.c_str()); !status.ok()) return status;
  }
  // Suppress what libcurl would add on its own: a form content type for a
  // body, and "Expect: 100-continue" (a round trip) for a large one.
  const bool send_body = !call.body.empty() || (call.method != "GET" && !head);
  for (const char* name : {"Content-Type", "Expect"}) {
    if (!send_body || HasHeader(call, name)) continue;
    if (absl::Status status = AppendHeader(headers, absl::StrCat(name, ":").c_str());
        !status.ok()) {
      return status;
    }
  }

  absl::StatusOr<EasyHandle> easy = NewEasyHandle();
  if (!easy.ok()) return easy.status();
  transfer.easy = *std::move(easy);
  CURL* handle = transfer.easy.get();
  std::vector<absl::Status> results = {
      SetEasyOption(handle, CURLOPT_PRIVATE, static_cast<void*>(&transfer)),
      SetEasyOption(handle, CURLOPT_ERRORBUFFER, transfer.error),
      SetEasyOption(handle, CURLOPT_URL, call.url.c_str()),
      SetEasyOption(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
      SetEasyOption(handle, CURLOPT_PROXY, ""),  // never from the environment
      SetEasyOption(handle, CURLOPT_NOSIGNAL, 1L),
      // Detach, rather than join, a DNS thread still resolving when the call
      // is cancelled or times out: joining would stall the loop thread.
      SetEasyOption(handle, CURLOPT_QUICK_EXIT, 1L),
      SetEasyOption(handle, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1)),
      SetEasyOption(handle, CURLOPT_FOLLOWLOCATION, 0L),
      SetEasyOption(handle, CURLOPT_TIMEOUT_MS, TimeoutMs(call.timeout)),
      SetEasyOption(handle, CURLOPT_CONNECTTIMEOUT_MS, TimeoutMs(call.connect_timeout)),
      SetEasyOption(handle, CURLOPT_TCP_KEEPALIVE, 1L),
      SetEasyOption(handle, CURLOPT_TCP_KEEPIDLE, kTcpKeepIdleSeconds),
      SetEasyOption(handle, CURLOPT_TCP_KEEPINTVL, kTcpKeepIntervalSeconds),
      SetEasyOption(handle, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L),
      SetEasyOption(handle, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L),
      SetEasyOption(handle, CURLOPT_MAXFILESIZE_LARGE,
                    static_cast<curl_off_t>(std::min<size_t>(options.max_reply_bytes, INT64_MAX))),
      SetEasyOption(handle, CURLOPT_HEADERFUNCTION, &OnReplyHeader),
      SetEasyOption(handle, CURLOPT_HEADERDATA, static_cast<void*>(&transfer)),
      // The receive buffer is allocated per transfer and lives as long as
      // the call: 16 KiB by default, most of a held call's memory. Answers
      // here are a few KiB of JSON; a bigger one just takes more reads.
      SetEasyOption(handle, CURLOPT_BUFFERSIZE, kReceiveBufferBytes),
      SetEasyOption(handle, CURLOPT_WRITEFUNCTION, &OnReplyBody),
      SetEasyOption(handle, CURLOPT_WRITEDATA, static_cast<void*>(&transfer)),
      SetEasyOption(handle, CURLOPT_HTTPHEADER, headers.get()),
  };
  if (call.allow_peer) {
    // A pooled connection was checked for another call, if at all; and this
    // one goes back to no pool (it would only crowd out the upstream's).
    results.push_back(SetEasyOption(handle, CURLOPT_FRESH_CONNECT, 1L));
    results.push_back(SetEasyOption(handle, CURLOPT_FORBID_REUSE, 1L));
    results.push_back(SetEasyOption(handle, CURLOPT_OPENSOCKETFUNCTION, &OpenAllowedSocket));
    results.push_back(
        SetEasyOption(handle, CURLOPT_OPENSOCKETDATA, static_cast<void*>(&transfer)));
  }
  if (!options.ca_file.empty()) {
    results.push_back(SetEasyOption(handle, CURLOPT_CAINFO, options.ca_file.c_str()));
  }
  if (!options.user_agent.empty()) {
    results.push_back(SetEasyOption(handle, CURLOPT_USERAGENT, options.user_agent.c_str()));
  }
  if (head) {
    results.push_back(SetEasyOption(handle, CURLOPT_NOBODY, 1L));
  } else if (send_body) {
    // Size first: without it libcurl would strlen() the body.
    results.push_back(SetEasyOption(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                                    static_cast<curl_off_t>(call.body.size())));
    results.push_back(SetEasyOption(handle, CURLOPT_POSTFIELDS, call.body.data()));
  }
  if (call.method != "GET" && call.method != "HEAD" && call.method != "POST") {
    results.push_back(SetEasyOption(handle, CURLOPT_CUSTOMREQUEST, call.method.c_str()));
  } else if (call.method == "GET" && send_body) {
    results.push_back(SetEasyOption(handle, CURLOPT_CUSTOMREQUEST, "GET"));
  }
  for (absl::Status& status : results) {
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

// A failed transfer's Status, by retry meaning (see http_transport.h).
absl::Status FailureStatus(const Transfer& transfer, CURLcode code) {
  long request_bytes = 0;
  curl_easy_getinfo(transfer.easy.get(), CURLINFO_REQUEST_SIZE, &request_bytes);
  // libcurl counts request bytes as it writes them: zero means not a byte
  // of this call reached a socket. Reused keep-alive connections that turn
  // out dead are retried by libcurl itself before it gives up.
  const bool sent = request_bytes > 0;
  const std::string detail = Redact(
      transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(code), transfer.secrets);
  auto make = [&](absl::StatusCode status_code, absl::string_view what, bool never_sent) {
    absl::Status status(
        status_code,
        absl::StrCat(transfer.call.method, " ", transfer.safe_url, ": ", what,
                     never_sent ? "; the request was not sent" : "", " (curl: ", detail, ")"));
    return never_sent ? MarkRequestNeverSent(std::move(status)) : status;
  };
  auto unavailable = [&](absl::string_view what) {
    return make(absl::StatusCode::kUnavailable,
                absl::StrCat(what, sent ? "; the request may have reached the server" : ""), !sent);
  };
  if (transfer.reply_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return make(absl::StatusCode::kResourceExhausted,
                absl::StrCat("the reply is larger than ", transfer.max_reply_bytes, " bytes"),
                false);
  }
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
      return make(absl::StatusCode::kInvalidArgument, "unusable URL", true);
    case CURLE_COULDNT_RESOLVE_HOST:
      return make(absl::StatusCode::kUnavailable, "could not resolve the host", true);
    case CURLE_COULDNT_CONNECT:
      if (!transfer.refused_peer.empty() && transfer.allowed_peers == 0) {
        return make(absl::StatusCode::kPermissionDenied,
                    absl::StrCat("connecting to ", transfer.refused_peer,
                                 " is not allowed for this call"),
                    true);
      }
      return make(absl::StatusCode::kUnavailable, "could not connect", true);
    case CURLE_OPERATION_TIMEDOUT:
      // Unsent with the shorter connect timeout: still connecting (DNS, TCP
      // or TLS), so it was the connect timeout that fired.
      if (!sent && transfer.call.connect_timeout < transfer.call.timeout) {
        return make(absl::StatusCode::kUnavailable,
                    absl::StrCat("could not connect within ",
                                 absl::FormatDuration(transfer.call.connect_timeout)),
                    true);
      }
      return make(
          absl::StatusCode::kDeadlineExceeded,
          absl::StrCat("no complete reply within ", absl::FormatDuration(transfer.call.timeout)),
          !sent);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CERTPROBLEM:
      return make(absl::StatusCode::kUnavailable,
                  "TLS verification failed: the server's certificate or host name is not trusted",
                  true);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_USE_SSL_FAILED:
      return make(absl::StatusCode::kUnavailable, "the TLS handshake failed", true);
    case CURLE_GOT_NOTHING:
      return unavailable("the server closed the connection without a reply");
    case CURLE_PARTIAL_FILE:
      return unavailable("the reply was cut short");
    case CURLE_RECV_ERROR:
      return unavailable("the connection failed while waiting for the reply");
    case CURLE_SEND_ERROR:
      return unavailable("the connection failed while sending the request");
    case CURLE_WEIRD_SERVER_REPLY:
      return unavailable("the server's reply is not HTTP");
    default:
      return unavailable("the transfer failed");
  }
}

absl::StatusOr<HttpReply> Outcome(Transfer& transfer, CURLcode code) {
  if (code != CURLE_OK) return FailureStatus(transfer, code);
  long status = 0;
  curl_easy_getinfo(transfer.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  transfer.reply.status = static_cast<int>(status);
  return std::move(transfer.reply);
}

absl::Status ShutdownStatus(const Transfer& transfer) {
  return absl::FailedPreconditionError(absl::StrCat(transfer.call.method, " ", transfer.safe_url,
                                                    ": the HTTP transport is shutting down"));
}

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
  auto transfer = std::make_unique<Transfer>();
  transfer->id = next_id_.fetch_add(1, std::memory_order_relaxed);
  transfer->safe_url = SafeUrl(call.url);
  for (const auto& [name, value] : call.headers) transfer->secrets.push_back(value);
  AddUrlSecrets(call.url, transfer->secrets);
  transfer->call = std::move(call);
  transfer->done = done ? std::move(done) : [](absl::StatusOr<HttpReply>) {};
  transfer->max_reply_bytes = options_.max_reply_bytes;
  transfer->setup_status = SetUpTransfer(options_, *transfer);
  if (!transfer->setup_status.ok()) {
    transfer->setup_status = absl::Status(
        transfer->setup_status.code(), absl::StrCat(transfer->call.method, " ", transfer->safe_url,
                                                    ": ", transfer->setup_status.message()));
    if (transfer->setup_status.code() == absl::StatusCode::kInvalidArgument) {
      transfer->setup_status = MarkRequestNeverSent(transfer->setup_status);
    }
  }
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
    absl::StatusOr<HttpReply> outcome = Outcome(*transfer, code);
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
