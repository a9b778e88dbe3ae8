// A watch stream as Server-Sent Events (text/event-stream): each state
// change an event named "status" whose `id:` is its sequence number, so a
// browser's EventSource resumes after a drop with Last-Event-ID and gets each
// change once; heartbeats as comments (EventSource ignores them, proxies
// see traffic); a stream that fails ends with an "error" event carrying the
// google.rpc.Status. Plain functions, tested table-driven.
//
//   stream->Write(SseRetryHint() + SseEvent(first), ...);
//   std::optional<uint64_t> after = ResumeAfter(*request.FindHeader("Last-Event-ID"));
#ifndef SEEDANCE_SERVER_HTTP_API_SSE_EVENTS_H_
#define SEEDANCE_SERVER_HTTP_API_SSE_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/rpc/status.pb.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/http_api/stream_call.h"

namespace seedance::server::http_api {

// How long EventSource waits before it reconnects after a drop.
inline constexpr absl::Duration kSseRetry = absl::Seconds(2);

// "retry: 2000\n\n": the reconnect delay, sent first.
std::string SseRetryHint();

// One message of a watch: "id: 3\nevent: status\ndata: {...}\n\n", or a
// heartbeat as ": heartbeat {...}\n\n".
std::string SseEvent(const v1::WatchVideoTaskResponse& message);

// "event: error\ndata: {google.rpc.Status JSON}\n\n".
std::string SseErrorEvent(const google::rpc::Status& status);

// The sequence a Last-Event-ID header names (a decimal number), or nullopt.
std::optional<uint64_t> ResumeAfter(absl::string_view last_event_id);

// A watch stream (WatchVideoTaskResponse messages) as text/event-stream.
class SseFormat : public StreamFormat {
 public:
  Start First(const std::string& message) override;
  std::string Next(const std::string& message) override;
  http::Response Ended(const google::rpc::Status& status) override;
  std::string FailedAfterStart(const google::rpc::Status& status) override;
};

}  // namespace seedance::server::http_api

#endif  // SEEDANCE_SERVER_HTTP_API_SSE_EVENTS_H_
