// End-to-end: the HTTP/JSON face of the gateway (--http_listen), every
// unary route, against the real gateway in front of the real mock, with
// curl as the client: success, each class of error with its HTTP status and
// google.rpc.Status body (field paths, reasons, Retry-After),
// authentication, idempotency and paging, as the gRPC API has them.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/json_value.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::JsonAt;
using ::seedance::testing::JsonNumber;
using ::seedance::testing::JsonString;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kModel[] = "doubao-seedance-1-0-pro-250528";

class HttpApiE2eTest : public ::testing::Test {
 protected:
  void StartStack(std::vector<std::string> gateway_flags = {}) {
    auto mock =
        testing::MockUpstreamProcess::Start({"--generation_ms=100", "--queue_ms=20",
                                             "--slow_generation_ms=60000", "--log_level=warning"});
    ASSERT_THAT(mock, IsOk());
    mock_ = *std::move(mock);
    std::vector<std::string> flags = {"--upstream_base_url=" + mock_->base_url(),
                                      "--delivery=callback", "--http_listen=127.0.0.1:0",
                                      "--log_level=warning"};
    flags.insert(flags.end(), gateway_flags.begin(), gateway_flags.end());
    auto gateway = testing::GatewayProcess::Start(flags, dir_.path() + "/data");
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
    ASSERT_NE(gateway_->http_port(), 0);
  }

  testing::HttpResult Call(const std::string& method, const std::string& target,
                           const std::string& body = "", const std::string& token = "alice",
                           std::vector<std::string> headers = {}) {
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    if (!body.empty()) headers.push_back("Content-Type: application/json");
    return testing::PerformHttp(
        {.method = method,
         .url = absl::StrCat("http://127.0.0.1:", gateway_->http_port(), target),
         .headers = headers,
         .body = body});
  }

  static google::protobuf::Value Json(const testing::HttpResult& r) {
    absl::StatusOr<google::protobuf::Value> v = testing::ParseJsonValue(r.body);
    EXPECT_TRUE(v.ok()) << r.status << " " << r.body;
    return v.value_or(google::protobuf::Value());
  }

  static std::string CreateBody(const std::string& request_id, const std::string& prompt) {
    return absl::StrCat(R"({"requestId": ")", request_id, R"(", "spec": {"model": ")", kModel,
                        R"(", "prompt": ")", prompt, R"("}})");
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
  std::unique_ptr<testing::GatewayProcess> gateway_;
};

TEST_F(HttpApiE2eTest, CreateThenGetAnswerTheTaskInProtobufJson) {
  StartStack();
  const std::string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  testing::HttpResult created = Call("POST", "/v1/videoTasks", CreateBody("r-1", "a cat"), "alice",
                                     {"traceparent: " + traceparent});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_THAT(created.Header("Content-Type"), StartsWith("application/json"));
  EXPECT_EQ(created.Header("traceparent"), traceparent);
  google::protobuf::Value task = Json(created);
  const std::string id = JsonString(task, "taskId");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(JsonString(task, "state"), "TASK_STATE_PENDING");
  EXPECT_EQ(JsonString(task, "spec.prompt"), "a cat");
  EXPECT_EQ(JsonString(task, "traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");

  testing::HttpResult got = Call("GET", "/v1/videoTasks/" + id);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(JsonString(Json(got), "taskId"), id);
  EXPECT_THAT(got.Header("traceparent"), StartsWith("00-"));
  // Another caller does not see it.
  EXPECT_EQ(Call("GET", "/v1/videoTasks/" + id, "", "bob").status, 404);
}

TEST_F(HttpApiE2eTest, ARequestIdMakesACreateIdempotent) {
  StartStack();
  testing::HttpResult first = Call("POST", "/v1/videoTasks", CreateBody("same", "a cat"));
  testing::HttpResult again = Call("POST", "/v1/videoTasks", CreateBody("same", "a cat"));
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(JsonString(Json(first), "taskId"), JsonString(Json(again), "taskId"));
  testing::HttpResult other = Call("POST", "/v1/videoTasks", CreateBody("same", "a dog"));
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(JsonNumber(Json(other), "code"), 6);  // ALREADY_EXISTS
  EXPECT_EQ(
      mock_->JournalCount({{"kind", "request"}, {"path", "/v1/seedance/videos"}}).value_or(-1), 1);
}

TEST_F(HttpApiE2eTest, EachClassOfErrorHasItsStatusAndDetails) {
  StartStack();
  // Validation: every bad field, by path.
  testing::HttpResult invalid =
      Call("POST", "/v1/videoTasks",
           R"({"spec": {"model": "no-such-model", "prompt": "x", "durationSeconds": 99}})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_THAT(invalid.body, HasSubstr("google.rpc.BadRequest"));
  EXPECT_THAT(invalid.body, HasSubstr(R"("field":"spec.model")"));
  EXPECT_THAT(invalid.body, HasSubstr(R"("field":"spec.duration_seconds")"));
  // A body that is not the request.
  testing::HttpResult garbled = Call("POST", "/v1/videoTasks", R"({"spec": {"durtion": 5}})");
  EXPECT_EQ(garbled.status, 400);
  EXPECT_THAT(garbled.body, HasSubstr("not a CreateVideoTaskRequest in JSON"));
  // No credentials.
  testing::HttpResult anonymous = Call("GET", "/v1/videoTasks", "", "");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(JsonNumber(Json(anonymous), "code"), 16);
  EXPECT_THAT(anonymous.body, HasSubstr("MISSING_CREDENTIALS"));
  // No such task; no such route; not this verb; a bad query.
  EXPECT_EQ(Call("GET", "/v1/videoTasks/no-such-task").status, 404);
  EXPECT_EQ(Call("GET", "/v2/nothing").status, 404);
  testing::HttpResult verb = Call("DELETE", "/v1/videoTasks");
  EXPECT_EQ(verb.status, 405);
  EXPECT_THAT(verb.Header("Allow"), HasSubstr("POST"));
  testing::HttpResult query = Call("GET", "/v1/videoTasks?pageSize=lots");
  EXPECT_EQ(query.status, 400);
  EXPECT_THAT(query.body, HasSubstr(R"("field":"pageSize")"));
  // The content of no task.
  EXPECT_EQ(Call("GET", "/v1/videoTasks/x/content").status, 404);
}

TEST_F(HttpApiE2eTest, ListPagesAndFiltersTheCallersTasks) {
  StartStack();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Call("POST", "/v1/videoTasks", CreateBody(absl::StrCat("p", i), "a cat")).status,
              200);
  }
  ASSERT_EQ(Call("POST", "/v1/videoTasks", CreateBody("b", "a cat"), "bob").status, 200);
  testing::HttpResult first = Call("GET", "/v1/videoTasks?pageSize=2");
  ASSERT_EQ(first.status, 200) << first.body;
  google::protobuf::Value page = Json(first);
  ASSERT_NE(JsonAt(page, "tasks"), nullptr);
  EXPECT_EQ(JsonAt(page, "tasks")->list_value().values_size(), 2);
  const std::string token = JsonString(page, "nextPageToken");
  ASSERT_FALSE(token.empty());
  testing::HttpResult second = Call("GET", "/v1/videoTasks?pageSize=2&pageToken=" + token);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(JsonAt(Json(second), "tasks")->list_value().values_size(), 1);
  EXPECT_EQ(JsonString(Json(second), "nextPageToken"), "");
  // A filter by state, by its name.
  testing::HttpResult none = Call("GET", "/v1/videoTasks?states=TASK_STATE_CANCELLED");
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(JsonAt(Json(none), "tasks"), nullptr);  // an empty list is left out
}

TEST_F(HttpApiE2eTest, CancelEndsATaskAndASecondCancelIsRefused) {
  StartStack();
  ASSERT_THAT(mock_->AddTokenRule("slow-caller", "slow"), IsOk());
  testing::HttpResult created =
      Call("POST", "/v1/videoTasks", CreateBody("c", "a slow cat"), "slow-caller");
  ASSERT_EQ(created.status, 200);
  const std::string id = JsonString(Json(created), "taskId");
  testing::HttpResult cancelled =
      Call("POST", "/v1/videoTasks/" + id + ":cancel", "{}", "slow-caller");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(JsonString(Json(cancelled), "state"), "TASK_STATE_CANCELLED");
  testing::HttpResult again = Call("POST", "/v1/videoTasks/" + id + ":cancel", "", "slow-caller");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(JsonNumber(Json(again), "code"), 9);  // FAILED_PRECONDITION
}

TEST_F(HttpApiE2eTest, ARateLimitIs429WithRetryAfter) {
  StartStack({"--caller_rpc_rate=0.2", "--caller_rpc_burst=1"});
  EXPECT_EQ(Call("GET", "/v1/models").status, 200);
  testing::HttpResult limited = Call("GET", "/v1/models");
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.Header("Retry-After").empty());
  EXPECT_THAT(limited.body, HasSubstr("CALLER_RPC_RATE_LIMITED"));
}

// ---- watch streams as Server-Sent Events --------------------------------------

// One SSE event as read off the wire.
struct SseEvent {
  std::string id, event, data;
};

// Parses a text/event-stream body (comments are counted, not kept).
std::vector<SseEvent> ParseEvents(absl::string_view body, int* comments = nullptr) {
  std::vector<SseEvent> events;
  for (absl::string_view block : absl::StrSplit(body, "\n\n", absl::SkipEmpty())) {
    SseEvent e;
    bool any = false;
    for (absl::string_view line : absl::StrSplit(block, '\n')) {
      if (absl::ConsumePrefix(&line, ":")) {
        if (comments != nullptr) ++*comments;
      } else if (absl::ConsumePrefix(&line, "id: ")) {
        e.id = std::string(line);
        any = true;
      } else if (absl::ConsumePrefix(&line, "event: ")) {
        e.event = std::string(line);
        any = true;
      } else if (absl::ConsumePrefix(&line, "data: ")) {
        e.data = std::string(line);
        any = true;
      }
    }
    if (any) events.push_back(std::move(e));
  }
  return events;
}

// Reads a stream over a plain socket until `enough` says so (or 20 s pass
// without a byte), then drops the connection: a cut stream, as a browser
// sees one.
std::string ReadUntil(int port, const std::string& target, const std::string& token,
                      const std::function<bool(const std::string&)>& enough) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  timeval timeout{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string request =
      absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ", token,
                   "\r\nAccept: text/event-stream\r\n\r\n");
  EXPECT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(request.size()));
  std::string got;
  char chunk[4096];
  while (!enough(got)) {
    ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) break;
    got.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  return got;
}

// The body of a raw answer (after its head).
std::string BodyOf(const std::string& raw) {
  size_t end = raw.find("\r\n\r\n");
  return end == std::string::npos ? "" : raw.substr(end + 4);
}

TEST_F(HttpApiE2eTest, AWatchIsAnEventStreamOfEveryChangeUntilTheEnd) {
  StartStack();
  testing::HttpResult created = Call("POST", "/v1/videoTasks", CreateBody("w", "a cat"));
  const std::string id = JsonString(Json(created), "taskId");
  testing::HttpResult watched = Call("GET", "/v1/videoTasks/" + id + ":watch?afterSequence=0");
  ASSERT_EQ(watched.status, 200) << watched.body;
  EXPECT_EQ(watched.Header("Content-Type"), "text/event-stream");
  EXPECT_THAT(watched.body, StartsWith("retry: "));
  std::vector<SseEvent> events = ParseEvents(watched.body);
  ASSERT_GE(events.size(), 2u);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event, "status");
    EXPECT_EQ(events[i].id, absl::StrCat(i + 1));  // every change, once, in order
  }
  absl::StatusOr<google::protobuf::Value> last = testing::ParseJsonValue(events.back().data);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(JsonString(*last, "state"), "TASK_STATE_SUCCEEDED");
  // A watch of another caller's task, or of none, is an ordinary error.
  EXPECT_EQ(Call("GET", "/v1/videoTasks/" + id + ":watch", "", "bob").status, 404);
}

TEST_F(HttpApiE2eTest, ACutStreamResumesWithLastEventIdAndGetsEachChangeOnce) {
  StartStack();
  testing::HttpResult created = Call("POST", "/v1/videoTasks", CreateBody("cut", "a cat"));
  const std::string id = JsonString(Json(created), "taskId");
  std::string first =
      ReadUntil(gateway_->http_port(), "/v1/videoTasks/" + id + ":watch?afterSequence=0", "alice",
                [](const std::string& got) { return ParseEvents(BodyOf(got)).size() >= 2; });
  std::vector<SseEvent> before = ParseEvents(BodyOf(first));
  ASSERT_GE(before.size(), 2u) << first;
  const std::string last_seen = before[1].id;
  EXPECT_EQ(last_seen, "2");
  // As EventSource reconnects: the same URL without afterSequence, and the
  // last id it saw.
  testing::HttpResult rest =
      Call("GET", "/v1/videoTasks/" + id + ":watch", "", "alice", {"Last-Event-ID: " + last_seen});
  ASSERT_EQ(rest.status, 200) << rest.body;
  std::vector<SseEvent> after = ParseEvents(rest.body);
  ASSERT_FALSE(after.empty());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, absl::StrCat(i + 3));  // from 3 on: nothing repeated, nothing lost
  }
  EXPECT_THAT(after.back().data, HasSubstr("TASK_STATE_SUCCEEDED"));
}

TEST_F(HttpApiE2eTest, HeartbeatsAreCommentsWhileNothingChanges) {
  StartStack({"--heartbeat_interval=100ms"});
  ASSERT_THAT(mock_->AddTokenRule("slow-caller", "slow"), IsOk());
  testing::HttpResult created =
      Call("POST", "/v1/videoTasks", CreateBody("hb", "a slow cat"), "slow-caller");
  const std::string id = JsonString(Json(created), "taskId");
  // A task that will not end soon: its stream has a heartbeat after the
  // current state, and then (the task cancelled) its end.
  std::string raw =
      ReadUntil(gateway_->http_port(), "/v1/videoTasks/" + id + ":watch", "slow-caller",
                [](const std::string& got) { return absl::StrContains(got, ": heartbeat {"); });
  int comments = 0;
  std::vector<SseEvent> events = ParseEvents(BodyOf(raw), &comments);
  EXPECT_GE(comments, 1) << raw;
  ASSERT_FALSE(events.empty()) << raw;
  EXPECT_EQ(events.front().event, "status");
  ASSERT_EQ(Call("POST", "/v1/videoTasks/" + id + ":cancel", "", "slow-caller").status, 200);
  testing::HttpResult ended = Call("GET", "/v1/videoTasks/" + id + ":watch", "", "slow-caller");
  EXPECT_THAT(ParseEvents(ended.body).back().data, HasSubstr("TASK_STATE_CANCELLED"));
}

TEST_F(HttpApiE2eTest, CreateAndWatchStreamsTheNewTasksWholeLife) {
  StartStack();
  testing::HttpResult streamed =
      Call("POST", "/v1/videoTasks:createAndWatch", CreateBody("cw", "a cat"));
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  std::vector<SseEvent> events = ParseEvents(streamed.body);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front().id, "1");
  EXPECT_THAT(events.front().data, HasSubstr("TASK_STATE_PENDING"));
  EXPECT_THAT(events.back().data, HasSubstr("TASK_STATE_SUCCEEDED"));
  // A refused create is an ordinary JSON error, not a stream.
  testing::HttpResult refused = Call("POST", "/v1/videoTasks:createAndWatch",
                                     R"({"spec": {"model": "nope", "prompt": "x"}})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.Header("Content-Type"), StartsWith("application/json"));
}

TEST_F(HttpApiE2eTest, BrowsersFromChosenOriginsOnlyGetCorsHeaders) {
  StartStack({"--http_cors_origins=https://app.example"});
  testing::HttpResult preflight =
      Call("OPTIONS", "/v1/videoTasks", "", "",
           {"Origin: https://app.example", "Access-Control-Request-Method: POST",
            "Access-Control-Request-Headers: authorization, content-type"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_THAT(preflight.Header("Access-Control-Allow-Methods"), HasSubstr("POST"));
  testing::HttpResult get = Call("GET", "/v1/models", "", "alice", {"Origin: https://app.example"});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.Header("Access-Control-Allow-Origin"), "https://app.example");
  testing::HttpResult other =
      Call("GET", "/v1/models", "", "alice", {"Origin: https://evil.example"});
  EXPECT_EQ(other.Header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(Call("OPTIONS", "/v1/videoTasks", "", "",
                 {"Origin: https://evil.example", "Access-Control-Request-Method: POST"})
                .status,
            403);
}

TEST_F(HttpApiE2eTest, WithoutChosenOriginsNoCorsHeaderIsSent) {
  StartStack();
  testing::HttpResult get = Call("GET", "/v1/models", "", "alice", {"Origin: https://app.example"});
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.Header("Access-Control-Allow-Origin"), "");
}

TEST_F(HttpApiE2eTest, ListModelsNamesTheKnownModels) {
  StartStack();
  testing::HttpResult models = Call("GET", "/v1/models");
  ASSERT_EQ(models.status, 200);
  EXPECT_THAT(models.body, HasSubstr(kModel));
  EXPECT_THAT(models.body, HasSubstr("\"textToVideo\":true"));
}

}  // namespace
}  // namespace seedance
