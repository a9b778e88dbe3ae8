#include "http/curl/curl_multi_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scripted_http_server.h"
#include "tests/testing/status_matchers.h"

namespace seedance::http::curl {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::RecordedRequest;
using ::seedance::testing::Script;
using ::seedance::testing::ScriptedHttpServer;
using ::seedance::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::IsNull;
using ::testing::Not;
using ::testing::Pair;
using ::testing::Pointee;

constexpr absl::Duration kTestWait = absl::Seconds(10);

std::unique_ptr<CurlMultiTransport> NewTransport(CurlMultiTransport::Options options = {}) {
  absl::StatusOr<std::unique_ptr<CurlMultiTransport>> transport =
      CurlMultiTransport::Create(std::move(options));
  EXPECT_THAT(transport, IsOk());
  return transport.ok() ? *std::move(transport) : nullptr;
}

// One call's outcome, and how many times its callback ran.
class Outcome {
 public:
  HttpTransport::Callback Callback() {
    return [this](absl::StatusOr<HttpReply> reply) {
      if (calls_.fetch_add(1) != 0) return;  // a second run: counted, not kept
      result_ = std::move(reply);
      done_.Notify();
    };
  }

  // The outcome, or kDeadlineExceeded "test waited in vain" after kTestWait.
  const absl::StatusOr<HttpReply>& Wait() {
    if (!done_.WaitForNotificationWithTimeout(kTestWait)) {
      static const absl::StatusOr<HttpReply> kNever =
          absl::DeadlineExceededError("test waited in vain for the callback");
      return kNever;
    }
    return result_;
  }

  int calls() const { return calls_.load(); }

 private:
  std::atomic<int> calls_{0};
  absl::Notification done_;
  absl::StatusOr<HttpReply> result_;
};

absl::StatusOr<HttpReply> CallAndWait(HttpTransport& transport, HttpCall call) {
  Outcome outcome;
  transport.Start(std::move(call), outcome.Callback());
  return outcome.Wait();
}

// Counts the outcomes of many calls by status code.
class Tally {
 public:
  HttpTransport::Callback Callback() {
    return [this](absl::StatusOr<HttpReply> reply) {
      absl::MutexLock lock(&mu_);
      codes_.push_back(reply.status().code());
    };
  }

  // True once `count` callbacks have run.
  bool WaitFor(size_t count) {
    auto reached = [this, count] { return codes_.size() >= count; };
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&reached), kTestWait);
  }

  std::vector<absl::StatusCode> codes() {
    absl::MutexLock lock(&mu_);
    return codes_;
  }

  size_t Count(absl::StatusCode code) {
    absl::MutexLock lock(&mu_);
    return static_cast<size_t>(std::count(codes_.begin(), codes_.end(), code));
  }

 private:
  absl::Mutex mu_;
  std::vector<absl::StatusCode> codes_ ABSL_GUARDED_BY(mu_);
};

int ThreadCount() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// A loopback port where connecting is refused: bound, never listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    bind(fd_, reinterpret_cast<sockaddr*>(&address), length);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() { close(fd_); }
  std::string Url(absl::string_view path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A loopback port where connecting hangs: Linux drops SYNs to a listener
// whose accept queue is full, and this one's (backlog 0) is filled by one
// connection that is never accepted.
class StalledPort {
 public:
  StalledPort() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length);
    listen(listen_fd_, 0);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    filler_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    connect(filler_fd_, reinterpret_cast<sockaddr*>(&address), length);
  }
  ~StalledPort() {
    close(filler_fd_);
    close(listen_fd_);
  }
  std::string Url(absl::string_view path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

 private:
  int listen_fd_ = -1;
  int filler_fd_ = -1;
  int port_ = 0;
};

TEST(CurlMultiTransportTest, ReturnsStatusHeadersAndBody) {
  ScriptedHttpServer server;
  server.On("/v1/videos",
            Script::Reply({.status = 201,
                           .headers = {{"X-Trace-Id", "t-1"}, {"Content-Type", "application/json"}},
                           .body = R"({"id":"task-1"})"}));
  auto transport = NewTransport({.user_agent = "seedance-test"});

  absl::StatusOr<HttpReply> reply = CallAndWait(
      *transport,
      {.url = server.Url("/v1/videos?trace=1"),
       .headers = {{"authorization", "Bearer secret-token"}, {"content-type", "application/json"}},
       .body = R"({"model":"m"})"});

  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->status, 201);
  EXPECT_EQ(reply->body, R"({"id":"task-1"})");
  EXPECT_THAT(reply->headers,
              ElementsAre(Pair("x-trace-id", "t-1"), Pair("content-type", "application/json"),
                          Pair("content-length", "15")));
  EXPECT_THAT(reply->FindHeader("x-trace-id"), Pointee(Eq("t-1")));
  std::vector<RecordedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].target, "/v1/videos?trace=1");
  EXPECT_EQ(requests[0].body, R"({"model":"m"})");
  EXPECT_THAT(requests[0].FindHeader("authorization"), Pointee(Eq("Bearer secret-token")));
  EXPECT_THAT(requests[0].FindHeader("content-type"), Pointee(Eq("application/json")));
  EXPECT_THAT(requests[0].FindHeader("user-agent"), Pointee(Eq("seedance-test")));
  EXPECT_THAT(requests[0].FindHeader("expect"), IsNull());
}

TEST(CurlMultiTransportTest, GetSendsNoBodyAndNoContentType) {
  ScriptedHttpServer server;
  server.On("/v1/tasks/1", Script::Reply({.status = 200, .body = "{}"}));
  auto transport = NewTransport();

  ASSERT_THAT(CallAndWait(*transport, {.method = "GET", .url = server.Url("/v1/tasks/1")}), IsOk());

  std::vector<RecordedRequest> requests = server.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].body, "");
  EXPECT_THAT(requests[0].FindHeader("content-type"), IsNull());
  EXPECT_THAT(requests[0].FindHeader("content-length"), IsNull());
}

TEST(CurlMultiTransportTest, NonSuccessStatusIsAReplyNotAnError) {
  ScriptedHttpServer server;
  server.On("/busy",
            Script::Reply({.status = 503, .headers = {{"Retry-After", "7"}}, .body = "later"}));
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = server.Url("/busy")});

  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->body, "later");
  EXPECT_THAT(reply->FindHeader("retry-after"), Pointee(Eq("7")));
}

TEST(CurlMultiTransportTest, RedirectIsAReplyNotFollowed) {
  ScriptedHttpServer server;
  server.On("/old", Script::Reply({.status = 302, .headers = {{"Location", "/new"}}}));
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply =
      CallAndWait(*transport, {.method = "GET", .url = server.Url("/old")});

  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->status, 302);
  EXPECT_THAT(reply->FindHeader("location"), Pointee(Eq("/new")));
  EXPECT_EQ(server.Requests().size(), 1u);
}

TEST(CurlMultiTransportTest, KeepsOnlyTheFinalResponsesHeaders) {
  ScriptedHttpServer server;
  server.On("/interim",
            Script::Raw("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
                        "HTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 2\r\n\r\nok"));
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = server.Url("/interim")});

  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "ok");
  EXPECT_THAT(reply->headers, ElementsAre(Pair("x-final", "1"), Pair("content-length", "2")));
}

TEST(CurlMultiTransportTest, SequentialCallsReuseOneConnection) {
  ScriptedHttpServer server;
  server.On("/ping", Script::Reply({.status = 200, .body = "pong"}));
  auto transport = NewTransport();

  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = server.Url("/ping")});
    ASSERT_THAT(reply, IsOk());
  }

  EXPECT_EQ(server.AcceptedConnections(), 1);
  EXPECT_EQ(server.Requests().size(), 5u);
}

TEST(CurlMultiTransportTest, CallbacksMayStartNewCalls) {
  ScriptedHttpServer server;
  server.On("/first", Script::Reply({.status = 200, .body = "1"}));
  server.On("/second", Script::Reply({.status = 200, .body = "2"}));
  auto transport = NewTransport();
  Outcome second;

  Outcome first;
  transport->Start({.url = server.Url("/first")}, [&](absl::StatusOr<HttpReply> reply) {
    first.Callback()(std::move(reply));
    transport->Start({.url = server.Url("/second")}, second.Callback());
  });

  ASSERT_THAT(first.Wait(), IsOk());
  const absl::StatusOr<HttpReply>& reply = second.Wait();
  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->body, "2");
  EXPECT_EQ(server.AcceptedConnections(), 1);  // the second reused the first's
}

TEST(CurlMultiTransportTest, ManyHeldCallsCostNoThreads) {
  constexpr int kCalls = 500;
  ScriptedHttpServer server;
  server.On("/held", Script::ReplyWhenReleased({.status = 200, .body = "done"}));
  auto transport = NewTransport();
  const int threads_before = ThreadCount();
  Tally tally;

  for (int i = 0; i < kCalls; ++i) {
    transport->Start({.url = server.Url("/held"), .timeout = absl::Seconds(30)}, tally.Callback());
  }
  ASSERT_TRUE(server.WaitForRequests("/held", kCalls));
  const int threads_held = ThreadCount();
  server.Release("/held");

  ASSERT_TRUE(tally.WaitFor(kCalls));
  EXPECT_EQ(tally.Count(absl::StatusCode::kOk), static_cast<size_t>(kCalls));
  EXPECT_EQ(server.AcceptedConnections(), kCalls);
  EXPECT_EQ(threads_held, threads_before);
  std::cout << "threads: " << threads_before << " before, " << threads_held << " with " << kCalls
            << " calls held\n";
}

TEST(CurlMultiTransportTest, ConnectionRefusedIsUnavailableAndNeverSent) {
  RefusingPort port;
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = port.Url("/v1/videos")});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kUnavailable,
                              AllOf(HasSubstr("could not connect"), HasSubstr("not sent"))));
  EXPECT_TRUE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, RefusedPeerIsPermissionDeniedAndNeverConnected) {
  ScriptedHttpServer server;
  server.On("/hook", Script::Reply({.status = 200}));
  auto transport = NewTransport();

  auto refuse_ipv4 = [](const sockaddr& address) { return address.sa_family != AF_INET; };
  absl::StatusOr<HttpReply> reply =
      CallAndWait(*transport, {.url = server.Url("/hook"), .allow_peer = refuse_ipv4});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kPermissionDenied,
                              AllOf(HasSubstr("127.0.0.1"), HasSubstr("not allowed"))));
  EXPECT_TRUE(RequestNeverSent(reply.status()));
  EXPECT_EQ(server.AcceptedConnections(), 0);
}

TEST(CurlMultiTransportTest, CallWithAllowPeerNeverReusesAPooledConnection) {
  ScriptedHttpServer server;
  server.On("/ping", Script::Reply({.status = 200, .body = "pong"}));
  auto transport = NewTransport();
  ASSERT_THAT(CallAndWait(*transport, {.url = server.Url("/ping")}), IsOk());
  std::atomic<int> asked{0};

  absl::StatusOr<HttpReply> reply = CallAndWait(
      *transport, {.url = server.Url("/ping"), .allow_peer = [&asked](const sockaddr&) {
                     ++asked;
                     return true;
                   }});

  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->body, "pong");
  EXPECT_EQ(asked.load(), 1);
  EXPECT_EQ(server.AcceptedConnections(), 2);  // a fresh one, checked
}

TEST(CurlMultiTransportTest, ConnectTimeoutIsUnavailableAndNeverSent) {
  StalledPort port;
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply =
      CallAndWait(*transport, {.url = port.Url("/v1/videos"),
                               .timeout = absl::Seconds(5),
                               .connect_timeout = absl::Milliseconds(200)});

  EXPECT_THAT(reply,
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("could not connect within")));
  EXPECT_TRUE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, TimeoutWhileConnectingIsDeadlineExceededAndNeverSent) {
  StalledPort port;
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = port.Url("/v1/videos"),
                                                             .timeout = absl::Milliseconds(200),
                                                             .connect_timeout = absl::Seconds(5)});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_TRUE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, ResetAfterSendIsUnavailableWithUnknownOutcome) {
  ScriptedHttpServer server;
  server.On("/reset", Script::Reset());
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply =
      CallAndWait(*transport, {.url = server.Url("/reset"), .body = "{}"});

  EXPECT_THAT(reply,
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("may have reached the server")));
  EXPECT_FALSE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, CloseWithoutReplyIsUnavailableWithUnknownOutcome) {
  ScriptedHttpServer server;
  server.On("/empty", Script::CloseWithoutReply());
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = server.Url("/empty")});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("without a reply")));
  EXPECT_FALSE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, TruncatedBodyIsUnavailableWithUnknownOutcome) {
  ScriptedHttpServer server;
  server.On("/cut", Script::PartialBody({.status = 200, .body = std::string(1000, 'a')}, 100));
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = server.Url("/cut")});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cut short")));
  EXPECT_FALSE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, HeldCallTimesOutWithDeadlineExceeded) {
  ScriptedHttpServer server;
  server.On("/hold", Script::HoldForever());
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply =
      CallAndWait(*transport, {.url = server.Url("/hold"), .timeout = absl::Milliseconds(300)});

  EXPECT_THAT(reply,
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("no complete reply within")));
  EXPECT_FALSE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, DrippingReplyStillHitsTheWholeCallTimeout) {
  ScriptedHttpServer server;
  server.On("/drip",
            Script::Drip({.status = 200, .body = std::string(200, 'd')}, absl::Milliseconds(10)));
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply =
      CallAndWait(*transport, {.url = server.Url("/drip"), .timeout = absl::Milliseconds(300)});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_FALSE(RequestNeverSent(reply.status()));
}

TEST(CurlMultiTransportTest, DeclaredReplyLargerThanTheLimitIsResourceExhausted) {
  ScriptedHttpServer server;
  server.On("/huge", Script::HugeBody(1 << 20, /*declare_length=*/true));
  auto transport = NewTransport({.max_reply_bytes = 4096});

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = server.Url("/huge")});

  EXPECT_THAT(reply,
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("larger than 4096 bytes")));
}

TEST(CurlMultiTransportTest, StreamedReplyLargerThanTheLimitIsResourceExhausted) {
  ScriptedHttpServer server;
  server.On("/huge", Script::HugeBody(size_t{64} << 20, /*declare_length=*/false));
  auto transport = NewTransport({.max_reply_bytes = 100 * 1024});

  absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = server.Url("/huge")});

  EXPECT_THAT(
      reply, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("larger than 102400 bytes")));
}

TEST(CurlMultiTransportTest, BodySinkGetsTheBodyInChunksAndOnlyHeadersCountTowardTheLimit) {
  ScriptedHttpServer server;
  server.On("/video", Script::HugeBody(size_t{1} << 20, /*declare_length=*/true));
  auto transport = NewTransport({.max_reply_bytes = 4096});
  size_t received = 0;
  int chunks = 0;
  int status_seen = 0;

  absl::StatusOr<HttpReply> reply = CallAndWait(
      *transport, {.method = "GET",
                   .url = server.Url("/video"),
                   .body_sink = [&](const HttpReply& head, absl::string_view chunk) {
                     status_seen = head.status;
                     received += chunk.size();
                     ++chunks;
                     return absl::OkStatus();
                   }});

  ASSERT_THAT(reply, IsOk());
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(status_seen, 200);
  EXPECT_EQ(reply->body, "");
  EXPECT_EQ(received, size_t{1} << 20);
  EXPECT_GT(chunks, 1);
}

TEST(CurlMultiTransportTest, ABodySinksRefusalFailsTheCallWithItsStatus) {
  ScriptedHttpServer server;
  server.On("/video", Script::HugeBody(size_t{64} << 20, /*declare_length=*/false));
  auto transport = NewTransport();
  size_t received = 0;

  absl::StatusOr<HttpReply> reply = CallAndWait(
      *transport, {.method = "GET",
                   .url = server.Url("/video"),
                   .body_sink = [&](const HttpReply&, absl::string_view chunk) {
                     received += chunk.size();
                     if (received > 100 * 1024) return absl::ResourceExhaustedError("over the cap");
                     return absl::OkStatus();
                   }});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kResourceExhausted, "over the cap"));
  EXPECT_LT(received, size_t{64} << 20);
}

TEST(CurlMultiTransportTest, UnusableUrlsAreInvalidArgument) {
  auto transport = NewTransport();
  for (const char* url : {"", "ftp://127.0.0.1/file", "file:///etc/passwd", "127.0.0.1:1/no-scheme",
                          "http://bad host/", "http://[::1/"}) {
    absl::StatusOr<HttpReply> reply = CallAndWait(*transport, {.url = url});
    EXPECT_THAT(reply, StatusIs(absl::StatusCode::kInvalidArgument)) << url;
    EXPECT_TRUE(RequestNeverSent(reply.status())) << url;
  }
}

TEST(CurlMultiTransportTest, HeaderInjectionIsInvalidArgumentWithoutTheValue) {
  auto transport = NewTransport();

  absl::StatusOr<HttpReply> reply = CallAndWait(
      *transport,
      {.url = "http://127.0.0.1:1/x", .headers = {{"authorization", "Bearer tok\r\nX-Evil: 1"}}});

  EXPECT_THAT(reply, StatusIs(absl::StatusCode::kInvalidArgument,
                              AllOf(HasSubstr("authorization"), Not(HasSubstr("tok")))));
}

TEST(CurlMultiTransportTest, FailureMessagesCarryNoSecrets) {
  RefusingPort port;
  auto transport = NewTransport();
  const std::string url = port.Url("/v1/videos?api_key=query-secret");

  absl::StatusOr<HttpReply> reply =
      CallAndWait(*transport, {.url = absl::StrCat("http://user:password-secret@", url.substr(7)),
                               .headers = {{"authorization", "Bearer header-secret"}},
                               .body = "body-secret"});

  ASSERT_THAT(reply, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("/v1/videos")));
  for (const char* secret : {"query-secret", "password-secret", "header-secret", "body-secret"}) {
    EXPECT_THAT(std::string(reply.status().message()), Not(HasSubstr(secret)));
  }
}

TEST(CurlMultiTransportTest, CancelOfHeldCallIsCancelledOnceAndClosesTheConnection) {
  ScriptedHttpServer server;
  server.On("/hold", Script::HoldForever());
  server.On("/ping", Script::Reply({.status = 200}));
  auto transport = NewTransport();
  Outcome held;

  const HttpTransport::CallId id = transport->Start({.url = server.Url("/hold")}, held.Callback());
  ASSERT_TRUE(server.WaitForRequests("/hold", 1));
  transport->Cancel(id);

  EXPECT_THAT(held.Wait(), StatusIs(absl::StatusCode::kCancelled));
  EXPECT_TRUE(server.WaitForConnectionsClosedByClient(1));
  transport->Cancel(id);
  // A later call's callback runs after anything the loop had queued.
  ASSERT_THAT(CallAndWait(*transport, {.url = server.Url("/ping")}), IsOk());
  EXPECT_EQ(held.calls(), 1);
}

TEST(CurlMultiTransportTest, CancelRightAfterStartIsCancelled) {
  ScriptedHttpServer server;
  server.On("/hold", Script::HoldForever());
  auto transport = NewTransport();
  Outcome held;

  transport->Cancel(transport->Start({.url = server.Url("/hold")}, held.Callback()));

  EXPECT_THAT(held.Wait(), StatusIs(absl::StatusCode::kCancelled));
}

TEST(CurlMultiTransportTest, CancelAfterCompletionAndOfUnknownIdsIsHarmless) {
  ScriptedHttpServer server;
  server.On("/ping", Script::Reply({.status = 200, .body = "pong"}));
  auto transport = NewTransport();
  Outcome first;

  const HttpTransport::CallId id = transport->Start({.url = server.Url("/ping")}, first.Callback());
  ASSERT_THAT(first.Wait(), IsOk());
  transport->Cancel(id);
  transport->Cancel(id + 1000);
  transport->Cancel(0);

  ASSERT_THAT(CallAndWait(*transport, {.url = server.Url("/ping")}), IsOk());
  EXPECT_EQ(first.calls(), 1);
}

TEST(CurlMultiTransportTest, DestructionRunsEveryCallbackOnce) {
  constexpr int kHeld = 20;
  ScriptedHttpServer server;
  server.On("/hold", Script::HoldForever());
  auto transport = NewTransport();
  Tally tally;
  Tally restarted;

  for (int i = 0; i < kHeld; ++i) {
    transport->Start({.url = server.Url("/hold")}, tally.Callback());
  }
  // This one starts another call from its callback, during the shutdown
  // (`transport` is already null then: unique_ptr::reset clears it first).
  CurlMultiTransport* raw = transport.get();
  transport->Start({.url = server.Url("/hold")}, [&, raw](absl::StatusOr<HttpReply> reply) {
    tally.Callback()(std::move(reply));
    raw->Start({.url = server.Url("/hold")}, restarted.Callback());
  });
  ASSERT_TRUE(server.WaitForRequests("/hold", kHeld + 1));
  transport->Start({.url = server.Url("/hold")}, tally.Callback());  // maybe not begun yet

  transport.reset();

  EXPECT_EQ(tally.codes().size(), static_cast<size_t>(kHeld + 2));
  EXPECT_EQ(tally.Count(absl::StatusCode::kFailedPrecondition), static_cast<size_t>(kHeld + 2));
  EXPECT_THAT(restarted.codes(), ElementsAre(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace seedance::http::curl
