// Watch messages as Server-Sent Events, and Last-Event-ID read back.
#include "server/http_api/sse_events.h"

#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::server::http_api {
namespace {

TEST(SseEventsTest, AStatusIsAnEventWithItsSequenceAsId) {
  v1::WatchVideoTaskResponse message;
  message.mutable_status()->set_task_id("t1");
  message.mutable_status()->set_sequence(3);
  message.mutable_status()->set_state(v1::TASK_STATE_RUNNING);
  EXPECT_EQ(SseEvent(message),
            "id: 3\nevent: status\ndata: "
            R"({"taskId":"t1","sequence":"3","state":"TASK_STATE_RUNNING"})"
            "\n\n");
}

TEST(SseEventsTest, AHeartbeatIsAComment) {
  v1::WatchVideoTaskResponse message;
  message.mutable_heartbeat()->set_state(v1::TASK_STATE_RUNNING);
  std::string event = SseEvent(message);
  EXPECT_TRUE(absl::StartsWith(event, ": heartbeat {")) << event;
  EXPECT_TRUE(absl::EndsWith(event, "}\n\n")) << event;
  EXPECT_EQ(event.find("\nid:"), std::string::npos);
}

TEST(SseEventsTest, AnErrorIsAnEventWithTheStatus) {
  google::rpc::Status status;
  status.set_code(14);
  status.set_message("shutting down");
  EXPECT_EQ(SseErrorEvent(status),
            "event: error\ndata: {\"code\":14,\"message\":\"shutting down\"}\n\n");
  EXPECT_EQ(SseRetryHint(), "retry: 2000\n\n");
}

TEST(SseEventsTest, LastEventIdIsASequence) {
  EXPECT_EQ(ResumeAfter("7"), 7u);
  EXPECT_EQ(ResumeAfter(" 12 "), 12u);
  EXPECT_EQ(ResumeAfter(""), std::nullopt);
  EXPECT_EQ(ResumeAfter("x"), std::nullopt);
  EXPECT_EQ(ResumeAfter("-1"), std::nullopt);
}

}  // namespace
}  // namespace seedance::server::http_api
