// The mock's answers as HTTP responses: the documented error envelope, JSON
// bodies of the upstream's protos (always through upstream_api::ToWireJson), and the
// faults that replace an answer on the wire.
//
//   exchange->Respond(ErrorReply(upstream_api::kErrorInvalidToken, "token missing"));
//   exchange->Respond(JsonReply(200, accepted));
//   DeliverFault(Fault::kTruncated, JsonReply(200, result), drip, *exchange);
#ifndef SEEDANCE_MOCK_UPSTREAM_REPLIES_H_
#define SEEDANCE_MOCK_UPSTREAM_REPLIES_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "http/exchange.h"
#include "http/http_message.h"
#include "mock_upstream/scenario.h"

namespace seedance::mock_upstream {

// The HTTP status of a documented error code (400, 401, 429 or 500).
int HttpStatusOfError(absl::string_view code);

// {"success": false, "error": {"code", "message"}, "trace_id": <fresh>} with
// the code's HTTP status. A 429 gets "Retry-After" (whole seconds, at least 1).
http::Response ErrorReply(absl::string_view code, absl::string_view message,
                          absl::Duration retry_after = absl::Seconds(1));

// `message` as wire JSON with `status`.
http::Response JsonReply(int status, const google::protobuf::Message& message);

// A body with Content-Type application/json.
http::Response RawJsonReply(int status, std::string json);

struct DripPace {
  size_t chunk_bytes = 16;
  absl::Duration interval = absl::Milliseconds(50);
};

// Sends `intended` as `fault` dictates (kNone: as it is).
void DeliverFault(Fault fault, http::Response intended, DripPace pace,
                  http::Exchange& exchange);

// The name of `fault` for the journal ("reset", ...; "" for kNone).
absl::string_view FaultName(Fault fault);

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_REPLIES_H_
