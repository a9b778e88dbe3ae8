#include "http/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/exchange.h"
#include "http/http_message.h"
#include "tests/testing/curl_client.h"

namespace seedance::http {
namespace {

using ::seedance::testing::CurlClient;
using ::seedance::testing::HttpResult;
using ::seedance::testing::PerformHttp;
using ::testing::HasSubstr;

// Holds the exchanges a test's handler receives, for the test to answer.
class Inbox {
 public:
  void Put(Request request, std::shared_ptr<Exchange> exchange) {
    absl::MutexLock lock(&mu_);
    requests_.push_back(std::move(request));
    exchanges_.push_back(std::move(exchange));
  }
  // Waits for the n-th (0-based) exchange.
  std::shared_ptr<Exchange> Await(size_t n) {
    absl::MutexLock lock(&mu_);
    auto arrived = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return exchanges_.size() > n;
    };
    mu_.Await(absl::Condition(&arrived));
    return exchanges_[n];
  }
  Request RequestAt(size_t n) {
    absl::MutexLock lock(&mu_);
    return requests_.at(n);
  }
  void Clear() {
    absl::MutexLock lock(&mu_);
    exchanges_.clear();
  }

 private:
  absl::Mutex mu_;
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Exchange>> exchanges_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<Server> StartServer(Handler handler, ServerOptions options = {}) {
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::unique_ptr<Server> StartEcho(ServerOptions options = {}) {
  return StartServer(
      [](Request request, std::shared_ptr<Exchange> exchange) {
        exchange->Respond(MakeResponse(
            200, "text/plain",
            absl::StrCat(request.method, " ", request.path, " ", request.query, " ",
                         request.body)));
      },
      std::move(options));
}

std::string Url(const Server& server, absl::string_view target) {
  return absl::StrCat("http://127.0.0.1:", server.port(), target);
}

// A raw TCP client, for bytes libcurl would never send.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~RawClient() { close(fd_); }
  void Send(absl::string_view bytes) {
    EXPECT_EQ(send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Everything until the server closes (or 10 s pass).
  std::string ReadAll() {
    std::string out;
    char chunk[4096];
    while (true) {
      ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) break;
      out.append(chunk, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_;
};

TEST(HttpServerTest, ParsesRequestParts) {
  Inbox inbox;
  auto server = StartServer([&](Request request, std::shared_ptr<Exchange> exchange) {
    exchange->Respond(MakeResponse(201, "application/json", "{}"));
    inbox.Put(std::move(request), nullptr);
  });
  HttpResult result = PerformHttp({.method = "POST",
                                   .url = Url(*server, "/v1/seedance/videos?x=1&y=2"),
                                   .headers = {"X-Custom: hello", "Content-Type: a/b"},
                                   .body = "payload"});
  ASSERT_EQ(result.code, CURLE_OK) << result.error;
  EXPECT_EQ(result.status, 201);
  EXPECT_EQ(result.Header("content-type"), "application/json");
  inbox.Await(0);
  Request request = inbox.RequestAt(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/v1/seedance/videos?x=1&y=2");
  EXPECT_EQ(request.path, "/v1/seedance/videos");
  EXPECT_EQ(request.query, "x=1&y=2");
  EXPECT_EQ(request.body, "payload");
  ASSERT_NE(request.FindHeader("x-custom"), nullptr);
  EXPECT_EQ(*request.FindHeader("X-CUSTOM"), "hello");
  EXPECT_EQ(request.FindHeader("X-Absent"), nullptr);
  EXPECT_THAT(request.remote_address, HasSubstr("127.0.0.1:"));
}

TEST(HttpServerTest, KeepAliveReusesTheConnection) {
  auto server = StartEcho();
  CurlClient client;
  HttpResult first = client.Perform({.url = Url(*server, "/a")});
  HttpResult second = client.Perform({.url = Url(*server, "/b")});
  ASSERT_EQ(first.code, CURLE_OK) << first.error;
  ASSERT_EQ(second.code, CURLE_OK) << second.error;
  EXPECT_EQ(first.body, "GET /a  ");
  EXPECT_EQ(second.body, "GET /b  ");
  EXPECT_EQ(first.new_connections, 1);
  EXPECT_EQ(second.new_connections, 0);
  EXPECT_EQ(first.local_port, second.local_port);
}

TEST(HttpServerTest, AnswersLaterFromAnotherThread) {
  Inbox inbox;
  auto server = StartServer([&](Request request, std::shared_ptr<Exchange> exchange) {
    inbox.Put(std::move(request), std::move(exchange));
  });
  std::thread answerer([&] {
    inbox.Await(0)->Respond(MakeResponse(200, "text/plain", "later"));
  });
  HttpResult result = PerformHttp({.url = Url(*server, "/held")});
  answerer.join();
  ASSERT_EQ(result.code, CURLE_OK) << result.error;
  EXPECT_EQ(result.body, "later");
}

TEST(HttpServerTest, OnlyTheFirstTerminalCallTakesEffect) {
  auto server = StartServer([](Request, std::shared_ptr<Exchange> exchange) {
    exchange->Respond(MakeResponse(200, "text/plain", "first"));
    exchange->Respond(MakeResponse(500, "text/plain", "second"));
    exchange->ResetConnection();
  });
  CurlClient client;
  for (int i = 0; i < 2; ++i) {
    HttpResult result = client.Perform({.url = Url(*server, "/")});
    ASSERT_EQ(result.code, CURLE_OK) << result.error;
    EXPECT_EQ(result.body, "first");
  }
}

TEST(HttpServerTest, AStreamedAnswerComesPieceByPieceUntilItEnds) {
  absl::Notification written;
  std::vector<bool> oks;
  absl::Mutex mu;
  auto server = StartServer([&](Request, std::shared_ptr<Exchange> exchange) {
    Response head;
    head.status = 200;
    head.headers = {{"Content-Type", "text/event-stream"}};
    std::shared_ptr<ResponseStream> stream = exchange->StartStream(std::move(head));
    // Each piece from the last one's callback, as a handler does.
    stream->Write("one\n", [stream, &oks, &mu, &written](bool ok) {
      { absl::MutexLock lock(&mu); oks.push_back(ok); }
      stream->Write("two\n", [stream, &oks, &mu, &written](bool ok) {
        { absl::MutexLock lock(&mu); oks.push_back(ok); }
        stream->End();
        written.Notify();
      });
    });
    // A second terminal call is ignored.
    exchange->Respond(MakeResponse(500, "text/plain", "no"));
  });
  HttpResult result = PerformHttp({.url = Url(*server, "/events")});
  written.WaitForNotification();
  ASSERT_EQ(result.code, CURLE_OK) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.Header("Content-Type"), "text/event-stream");
  EXPECT_EQ(result.Header("Content-Length"), "");  // close-delimited
  EXPECT_EQ(result.body, "one\ntwo\n");
  absl::MutexLock lock(&mu);
  EXPECT_EQ(oks, (std::vector<bool>{true, true}));
}

TEST(HttpServerTest, WritesToAStreamWhoseClientLeftFail) {
  absl::Notification failed;
  std::shared_ptr<ResponseStream> stream;
  Inbox inbox;
  auto server = StartServer([&](Request request, std::shared_ptr<Exchange> exchange) {
    inbox.Put(std::move(request), std::move(exchange));
  });
  {
    RawClient client(server->port());
    client.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    stream = inbox.Await(0)->StartStream(MakeResponse(200, "text/event-stream", ""));
  }  // the client goes away
  // Pieces go out until the closed socket refuses one.
  std::function<void(bool)> next = [&](bool ok) {
    if (!ok) return failed.Notify();
    stream->Write(std::string(64 * 1024, 'x'), next);
  };
  next(true);
  failed.WaitForNotification();
  // And once over, a write fails at once.
  bool late = true;
  absl::Notification late_done;
  stream->Write("late", [&](bool ok) {
    late = ok;
    late_done.Notify();
  });
  late_done.WaitForNotification();
  EXPECT_FALSE(late);
}

TEST(HttpServerTest, AStreamWhoseClientStopsReadingEndsAfterTheWriteTimeout) {
  absl::Notification ended;
  std::atomic<int64_t> sent{0};
  Inbox inbox;
  auto server = StartServer(
      [&](Request request, std::shared_ptr<Exchange> exchange) {
        inbox.Put(std::move(request), std::move(exchange));
      },
      {.write_timeout = absl::Milliseconds(200)});
  RawClient client(server->port());  // connected, and never reads
  client.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
  std::shared_ptr<ResponseStream> stream =
      inbox.Await(0)->StartStream(MakeResponse(200, "text/event-stream", ""));
  // The handler writes as fast as pieces leave: the socket's buffers fill,
  // then nothing leaves, and the write times out instead of holding on.
  std::function<void(bool)> next = [&](bool ok) {
    if (!ok) return ended.Notify();
    sent += 64 * 1024;
    stream->Write(std::string(64 * 1024, 'x'), next);
  };
  next(true);
  EXPECT_TRUE(ended.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_GT(sent.load(), 0);
}

TEST(HttpServerTest, DroppedExchangeIsAnswered500) {
  auto server = StartServer([](Request, std::shared_ptr<Exchange>) {});
  HttpResult result = PerformHttp({.url = Url(*server, "/")});
  ASSERT_EQ(result.code, CURLE_OK) << result.error;
  EXPECT_EQ(result.status, 500);
}

TEST(HttpServerTest, BodyOverTheLimitIs413) {
  auto server = StartEcho({.max_body_bytes = 1024});
  HttpResult small = PerformHttp(
      {.method = "POST", .url = Url(*server, "/"), .body = std::string(1024, 'a')});
  HttpResult big = PerformHttp(
      {.method = "POST", .url = Url(*server, "/"), .body = std::string(4096, 'a')});
  ASSERT_EQ(small.code, CURLE_OK) << small.error;
  EXPECT_EQ(small.status, 200);
  ASSERT_EQ(big.code, CURLE_OK) << big.error;
  EXPECT_EQ(big.status, 413);
}

TEST(HttpServerTest, MalformedRequestIs400AndClosed) {
  auto server = StartEcho();
  RawClient raw(server->port());
  raw.Send("THIS IS NOT HTTP\r\n\r\n");
  std::string answer = raw.ReadAll();
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 400"));
  EXPECT_THAT(answer, HasSubstr("Connection: close"));
}

TEST(HttpServerTest, SlowHeadersAreCutOff) {
  auto server = StartEcho({.header_timeout = absl::Milliseconds(100)});
  RawClient raw(server->port());
  raw.Send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finished
  absl::Time start = absl::Now();
  EXPECT_EQ(raw.ReadAll(), "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartEcho();
  RawClient raw(server->port());
  raw.Send(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /two HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string answer = raw.ReadAll();
  size_t one = answer.find("GET /one");
  size_t two = answer.find("GET /two");
  ASSERT_NE(one, std::string::npos) << answer;
  ASSERT_NE(two, std::string::npos) << answer;
  EXPECT_LT(one, two);
}

TEST(HttpServerTest, HeadGetsHeadersWithoutBody) {
  auto server = StartEcho();
  RawClient raw(server->port());
  raw.Send("HEAD /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string answer = raw.ReadAll();
  EXPECT_THAT(answer, HasSubstr("Content-Length: 9\r\n"));
  EXPECT_EQ(answer.substr(answer.find("\r\n\r\n") + 4), "");
}

// Each fault primitive, as a libcurl client sees it.
TEST(HttpServerTest, FaultPrimitivesAsCurlSeesThem) {
  struct Case {
    std::string name;
    std::function<void(Exchange&)> act;
    std::vector<CURLcode> expect;
  };
  std::vector<Case> cases = {
      {"reset", [](Exchange& e) { e.ResetConnection(); },
       {CURLE_RECV_ERROR, CURLE_GOT_NOTHING}},
      {"empty reply", [](Exchange& e) { e.CloseWithoutResponse(); },
       {CURLE_GOT_NOTHING}},
      {"truncated body",
       [](Exchange& e) {
         e.WriteRawAndClose("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf");
       },
       {CURLE_PARTIAL_FILE}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto server = StartServer(
        [&c](Request, std::shared_ptr<Exchange> exchange) { c.act(*exchange); });
    HttpResult result = PerformHttp({.url = Url(*server, "/")});
    EXPECT_THAT(c.expect, ::testing::Contains(result.code)) << result.error;
  }
}

TEST(HttpServerTest, DripSendsEveryByteSlowly) {
  std::string wire = SerializeResponse(MakeResponse(200, "text/plain", "dripped body"));
  auto server = StartServer([&](Request, std::shared_ptr<Exchange> exchange) {
    exchange->Drip(wire, 10, absl::Milliseconds(10));
  });
  absl::Time start = absl::Now();
  HttpResult result = PerformHttp({.url = Url(*server, "/")});
  ASSERT_EQ(result.code, CURLE_OK) << result.error;
  EXPECT_EQ(result.body, "dripped body");
  // (wire.size() / 10) pauses of 10 ms at least.
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(10) * (wire.size() / 10 - 1));
}

TEST(HttpServerTest, ClientGoneIsReported) {
  absl::Notification gone;
  Inbox inbox;
  auto server = StartServer([&](Request request, std::shared_ptr<Exchange> exchange) {
    exchange->OnClientGone([&gone] { gone.Notify(); });
    inbox.Put(std::move(request), std::move(exchange));
  });
  HttpResult result = PerformHttp({.url = Url(*server, "/held"), .timeout_ms = 200});
  EXPECT_EQ(result.code, CURLE_OPERATION_TIMEDOUT);
  EXPECT_TRUE(gone.WaitForNotificationWithTimeout(absl::Seconds(10)));
  inbox.Await(0)->Respond(MakeResponse(200, "text/plain", "too late"));  // harmless
}

TEST(HttpServerTest, ShutdownClosesHeldRequests) {
  Inbox inbox;
  auto server = StartServer([&](Request request, std::shared_ptr<Exchange> exchange) {
    inbox.Put(std::move(request), std::move(exchange));
  });
  std::string url = Url(*server, "/held");
  HttpResult result;
  std::thread client([&] { result = PerformHttp({.url = url}); });
  std::shared_ptr<Exchange> held = inbox.Await(0);
  server->Shutdown();
  client.join();
  EXPECT_EQ(result.code, CURLE_GOT_NOTHING) << result.error;
  held->Respond(MakeResponse(200, "text/plain", "after shutdown"));  // harmless
  server->Shutdown();  // idempotent
  inbox.Clear();
  server.reset();
}

TEST(HttpServerTest, ManyHeldRequestsOnOneThread) {
  constexpr int kClients = 50;
  Inbox inbox;
  auto server = StartServer([&](Request request, std::shared_ptr<Exchange> exchange) {
    inbox.Put(std::move(request), std::move(exchange));
  });
  std::vector<std::thread> clients;
  std::vector<HttpResult> results(kClients);
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] { results[i] = PerformHttp({.url = Url(*server, "/")}); });
  }
  for (int i = 0; i < kClients; ++i) inbox.Await(i);  // all held at once
  for (int i = 0; i < kClients; ++i) {
    inbox.Await(i)->Respond(MakeResponse(200, "text/plain", "done"));
  }
  for (std::thread& t : clients) t.join();
  for (const HttpResult& r : results) EXPECT_EQ(r.body, "done");
}

TEST(HttpServerTest, ConnectionsOverTheLimitAreClosed) {
  Inbox inbox;
  auto server = StartServer(
      [&](Request request, std::shared_ptr<Exchange> exchange) {
        inbox.Put(std::move(request), std::move(exchange));
      },
      {.max_connections = 1});
  HttpResult first;
  std::thread holder([&] { first = PerformHttp({.url = Url(*server, "/held")}); });
  std::shared_ptr<Exchange> held = inbox.Await(0);
  HttpResult refused = PerformHttp({.url = Url(*server, "/second")});
  EXPECT_THAT((std::vector<CURLcode>{CURLE_GOT_NOTHING, CURLE_RECV_ERROR}),
              ::testing::Contains(refused.code))
      << refused.error;
  held->Respond(MakeResponse(200, "text/plain", "first"));
  holder.join();
  EXPECT_EQ(first.body, "first");
}

TEST(HttpServerTest, SeveralIoThreadsServeConcurrentClients) {
  auto server = StartEcho({.io_threads = 4});
  std::vector<std::thread> clients;
  std::vector<int> ok(8, 0);
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&, i] {
      CurlClient client;
      for (int j = 0; j < 20; ++j) {
        HttpResult r = client.Perform(
            {.method = "POST", .url = Url(*server, "/x"), .body = std::to_string(j)});
        if (r.code == CURLE_OK && r.body == "POST /x  " + std::to_string(j)) ++ok[i];
      }
    });
  }
  for (std::thread& t : clients) t.join();
  for (int count : ok) EXPECT_EQ(count, 20);
}

TEST(HttpServerTest, BadAddressFailsToStart) {
  auto server = Server::Start({.address = "not-an-address"},
                              [](Request, std::shared_ptr<Exchange>) {});
  EXPECT_FALSE(server.ok());
}

}  // namespace
}  // namespace seedance::http
