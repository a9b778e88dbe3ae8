// Fuzzes the pure part of the gateway's callback endpoint
// (server/upstream/callback_receiver.h): ParseCallbackRequest, then CallbackResponse
// for its outcome. The input is "<METHOD> <target>\n<body>", the request as
// the HTTP server hands it over (readable seeds in the corpus). Invariants:
//
//  * never crashes; an error is NOT_FOUND (not a callback path),
//    UNIMPLEMENTED (not POST) or INVALID_ARGUMENT (body), as documented;
//  * a parsed callback came from POST /v1/upstream-callbacks/<task>/<secret>
//    with both parts non-empty and slash-free, and its answer re-serialises
//    to a body that parses to the same answer (what the gateway stores);
//  * every outcome maps to a 2xx/4xx/5xx answer, 200 only for OK.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/message_differencer.h"
#include "http/http_message.h"
#include "server/upstream/callback_receiver.h"
#include "upstream_api/upstream_json.h"

namespace seedance::server {
namespace {

http::Request RequestFrom(absl::string_view input) {
  http::Request request;
  size_t newline = input.find('\n');
  absl::string_view line = input.substr(0, newline);
  request.body = newline == absl::string_view::npos ? "" : std::string(input.substr(newline + 1));
  size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  request.target = space == absl::string_view::npos ? "" : std::string(line.substr(space + 1));
  // As http/connection.cc splits the target.
  size_t question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  request.headers = {{"Content-Type", "application/json"}};
  request.remote_address = "127.0.0.1:1";
  return request;
}

void CheckAnswer(const absl::Status& outcome) {
  http::Response response = upstream::CallbackResponse(outcome);
  FUZZ_CHECK(response.status >= 200 && response.status < 600, response.status);
  FUZZ_CHECK((response.status == 200) == outcome.ok(), outcome << " -> " << response.status);
}

}  // namespace
}  // namespace seedance::server

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Invalid UTF-8 in proto3 strings is logged by protobuf on every input;
  // the invariants below decide what is wrong.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace seedance::server;  // NOLINT: a fuzz entry point
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  seedance::http::Request request = RequestFrom(input);
  absl::StatusOr<upstream::ParsedCallback> parsed = upstream::ParseCallbackRequest(request);
  if (!parsed.ok()) {
    absl::StatusCode code = parsed.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kNotFound ||
                   code == absl::StatusCode::kUnimplemented ||
                   code == absl::StatusCode::kInvalidArgument,
               parsed.status());
    if (code != absl::StatusCode::kNotFound) {
      FUZZ_CHECK(absl::StartsWith(request.path, upstream::CallbackReceiver::kPathPrefix),
                 "a non-callback path got past the path check: " << request.path);
    }
    CheckAnswer(parsed.status());
    return 0;
  }
  FUZZ_CHECK(request.method == "POST", request.method);
  FUZZ_CHECK(request.path == absl::StrCat(upstream::CallbackReceiver::kPathPrefix, "/",
                                          parsed->task_id, "/", parsed->secret),
             request.path);
  FUZZ_CHECK(!parsed->task_id.empty() && !parsed->secret.empty(), request.path);
  FUZZ_CHECK(!absl::StrContains(parsed->task_id, '/') &&
                 !absl::StrContains(parsed->secret, '/'),
             request.path);
  std::string stored = seedance::upstream_api::ToWireJson(parsed->answer);
  absl::StatusOr<seedance::upstream::v1::VideosResponse> back =
      seedance::upstream_api::ParseVideosResponse(stored);
  FUZZ_CHECK(back.ok(), stored << ": " << back.status());
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*back, parsed->answer),
             stored);
  // Every outcome the task manager can give.
  for (int code = 0; code <= 16; ++code) {
    CheckAnswer(absl::Status(static_cast<absl::StatusCode>(code), code == 0 ? "" : "x"));
  }
  return 0;
}
