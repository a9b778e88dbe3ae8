#include "http/http_client.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/http_server.h"
#include "tests/testing/status_matchers.h"

namespace seedance::http {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;

// Runs one HttpClient call on `server`'s io_context and waits for it.
absl::StatusOr<Response> Call(Server& server, absl::string_view url, std::string body,
                              absl::Duration timeout = absl::Seconds(5)) {
  HttpClient client(server.io_context());
  absl::Notification done;
  absl::StatusOr<Response> answer;
  client.PostJson(url, std::move(body), timeout,
                  [&](absl::StatusOr<Response> got) {
                    answer = std::move(got);
                    done.Notify();
                  });
  done.WaitForNotification();
  return answer;
}

TEST(HttpClientTest, PostsJsonAndReadsTheAnswer) {
  auto server = Server::Start({}, [](Request request, std::shared_ptr<Exchange> e) {
    const std::string* type = request.FindHeader("Content-Type");
    e->Respond(MakeResponse(202, "text/plain",
                            absl::StrCat(request.method, " ", request.target, " ",
                                         type ? *type : "", " ", request.body)));
  });
  ASSERT_THAT(server, IsOk());
  absl::StatusOr<Response> answer =
      Call(**server, absl::StrCat("http://127.0.0.1:", (*server)->port(), "/cb?x=1"),
           R"({"a":1})");
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 202);
  EXPECT_EQ(answer->body, R"(POST /cb?x=1 application/json {"a":1})");
}

TEST(HttpClientTest, RefusedConnectionIsUnavailable) {
  auto server = Server::Start({}, [](Request, std::shared_ptr<Exchange>) {});
  ASSERT_THAT(server, IsOk());
  // Find a port nobody listens on: start and stop a server.
  int dead_port = 0;
  {
    auto other = Server::Start({}, [](Request, std::shared_ptr<Exchange>) {});
    ASSERT_THAT(other, IsOk());
    dead_port = (*other)->port();
  }
  EXPECT_THAT(Call(**server, absl::StrCat("http://127.0.0.1:", dead_port, "/"), "{}"),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(HttpClientTest, SlowAnswerIsDeadlineExceeded) {
  absl::Mutex mu;
  std::shared_ptr<Exchange> held;
  auto server = Server::Start({}, [&](Request, std::shared_ptr<Exchange> e) {
    absl::MutexLock lock(&mu);
    held = std::move(e);  // never answered in time
  });
  ASSERT_THAT(server, IsOk());
  EXPECT_THAT(Call(**server, absl::StrCat("http://127.0.0.1:", (*server)->port(), "/"),
                   "{}", absl::Milliseconds(100)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  absl::MutexLock lock(&mu);
  held.reset();
}

TEST(HttpClientTest, HttpsIsInvalidArgument) {
  auto server = Server::Start({}, [](Request, std::shared_ptr<Exchange>) {});
  ASSERT_THAT(server, IsOk());
  EXPECT_THAT(Call(**server, "https://example.com/", "{}"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace seedance::http
