#include "http/curl/curl_transfer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "http/curl/url_redaction.h"

namespace seedance::http::curl {
namespace {

// Keep-alive probes on held calls: a peer that vanished (NAT timeout,
// crashed host) is noticed within about two minutes instead of never.
constexpr long kTcpKeepIdleSeconds = 60;
constexpr long kTcpKeepIntervalSeconds = 30;

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
// A download handed to a body sink reads in larger pieces: fewer calls per
// MiB, still a bounded buffer per call.
constexpr long kSinkReceiveBufferBytes = 64 * 1024;

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
  if (transfer.call.body_sink) {
    if (transfer.reply.status == 0) {
      long status = 0;
      curl_easy_getinfo(transfer.easy.get(), CURLINFO_RESPONSE_CODE, &status);
      transfer.reply.status = static_cast<int>(status);
    }
    transfer.sink_status = transfer.call.body_sink(transfer.reply, absl::string_view(data, length));
    return transfer.sink_status.ok() ? length : 0;  // 0 aborts with CURLE_WRITE_ERROR
  }
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
      // A sink keeps its own limit on the body.
      SetEasyOption(handle, CURLOPT_MAXFILESIZE_LARGE,
                    call.body_sink ? curl_off_t{0}
                                   : static_cast<curl_off_t>(
                                         std::min<size_t>(options.max_reply_bytes, INT64_MAX))),
      SetEasyOption(handle, CURLOPT_HEADERFUNCTION, &OnReplyHeader),
      SetEasyOption(handle, CURLOPT_HEADERDATA, static_cast<void*>(&transfer)),
      // The receive buffer is allocated per transfer and lives as long as
      // the call: 16 KiB by default, most of a held call's memory. Answers
      // here are a few KiB of JSON; a bigger one just takes more reads.
      SetEasyOption(handle, CURLOPT_BUFFERSIZE,
                    call.body_sink ? kSinkReceiveBufferBytes : kReceiveBufferBytes),
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

}  // namespace

std::unique_ptr<Transfer> NewTransfer(const CurlMultiTransport::Options& options,
                                      HttpTransport::CallId id, HttpCall call,
                                      HttpTransport::Callback done) {
  auto transfer = std::make_unique<Transfer>();
  transfer->id = id;
  transfer->safe_url = SafeUrl(call.url);
  for (const auto& [name, value] : call.headers) transfer->secrets.push_back(value);
  AddUrlSecrets(call.url, transfer->secrets);
  transfer->call = std::move(call);
  transfer->done = done ? std::move(done) : [](absl::StatusOr<HttpReply>) {};
  transfer->max_reply_bytes = options.max_reply_bytes;
  transfer->setup_status = SetUpTransfer(options, *transfer);
  if (!transfer->setup_status.ok()) {
    transfer->setup_status = absl::Status(
        transfer->setup_status.code(), absl::StrCat(transfer->call.method, " ", transfer->safe_url,
                                                    ": ", transfer->setup_status.message()));
    if (transfer->setup_status.code() == absl::StatusCode::kInvalidArgument) {
      transfer->setup_status = MarkRequestNeverSent(transfer->setup_status);
    }
  }
  return transfer;
}

}  // namespace seedance::http::curl
