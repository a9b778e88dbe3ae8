#include "mock_upstream/api_call.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/trace_context.h"
#include "mock_upstream/replies.h"
#include "mock_upstream/task.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

// Request bodies longer than this are journaled cut.
constexpr size_t kJournalBodyLimit = 64 * 1024;

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Answer(), with the documented error code (if it is an error envelope)
// journaled for the metrics and for tests.
void JournalAndSend(MockState& state, int64_t seq, http::Exchange& exchange,
                    http::Response response, const Scenario& scenario,
                    const std::string& task_id, absl::string_view error_code) {
  std::vector<JournalField> fields = {{"request_seq", seq},
                                      {"status", int64_t{response.status}}};
  if (!task_id.empty()) fields.push_back({"task_id", task_id});
  if (!error_code.empty()) fields.push_back({"error_code", std::string(error_code)});
  if (scenario.fault != Fault::kNone) {
    fields.push_back({"fault", std::string(FaultName(scenario.fault))});
  }
  if (!scenario.applied.empty()) fields.push_back({"scenario", scenario.ToString()});
  if (response.status >= 400 && absl::StartsWith(response.body, "{")) {
    fields.push_back({"body", response.body});
  }
  state.journal().Append("response", std::move(fields));
  DeliverFault(scenario.fault, std::move(response), state.PaceFor(scenario), exchange);
}

}  // namespace

std::string BearerToken(const http::Request& request) {
  const std::string* header = request.FindHeader("Authorization");
  if (header == nullptr) return "";
  absl::string_view value = absl::StripAsciiWhitespace(*header);
  if (!absl::StartsWithIgnoreCase(value, "Bearer ")) return "";
  return std::string(absl::StripAsciiWhitespace(value.substr(7)));
}

int64_t JournalRequest(MockState& state, const http::Request& request) {
  std::vector<JournalField> fields = {{"method", request.method},
                                      {"path", request.path}};
  if (!request.query.empty()) fields.push_back({"query", request.query});
  fields.push_back({"remote", request.remote_address});
  std::string token = BearerToken(request);
  if (!token.empty()) fields.push_back({"token_key", TokenFingerprint(token)});
  if (const std::string* scenario = request.FindHeader(kScenarioHeader)) {
    fields.push_back({"scenario_header", *scenario});
  }
  // The caller's W3C trace context, so that a test sees it arrive.
  if (const std::string* trace = request.FindHeader(kTraceparentHeader)) {
    fields.push_back({"traceparent", *trace});
  }
  if (!request.body.empty()) {
    fields.push_back({"body", request.body.substr(0, kJournalBodyLimit)});
  }
  return state.journal().Append("request", std::move(fields));
}

std::optional<Caller> Admit(MockState& state, const http::Request& request,
                            Endpoint endpoint, int64_t seq, Scenario& scenario,
                            http::Exchange& exchange) {
  Caller caller;
  caller.token = BearerToken(request);
  caller.token_key = TokenFingerprint(caller.token);
  if (!caller.token.empty()) {
    for (const std::string& list : state.rules().Take(caller.token, endpoint)) {
      (void)ApplyScenarioList(list, scenario);  // checked when the rule was added
    }
  }
  absl::Status headers = ApplyScenarioHeaders(request.headers, scenario);
  if (!headers.ok()) {
    AnswerError(state, seq, exchange, upstream_api::kErrorApiNotImplemented, headers.message(),
                Scenario());
    return std::nullopt;
  }
  const MockOptions& options = state.options();
  if (caller.token.empty()) {
    AnswerError(state, seq, exchange, upstream_api::kErrorInvalidToken,
                "missing token: send \"authorization: Bearer <token>\"", Scenario());
    return std::nullopt;
  }
  if (Contains(options.foreign_tokens, caller.token)) {
    AnswerError(state, seq, exchange, upstream_api::kErrorTokenMismatched,
                "token mismatched: this token belongs to another service", Scenario());
    return std::nullopt;
  }
  if (!options.tokens.empty() && !Contains(options.tokens, caller.token)) {
    AnswerError(state, seq, exchange, upstream_api::kErrorInvalidToken, "invalid token",
                Scenario());
    return std::nullopt;
  }
  if (endpoint == Endpoint::kVideos) {
    std::string fail_first = state.TakeFailFirst();
    if (!fail_first.empty()) (void)ApplyScenarioList(fail_first, scenario);
  }
  return caller;
}

bool AnswerScenarioErrorOrLimit(MockState& state, const Scenario& scenario,
                                const Caller& caller, int64_t seq,
                                http::Exchange& exchange) {
  if (!scenario.error_code.empty()) {
    AnswerError(state, seq, exchange, scenario.error_code,
                absl::StrCat("mock scenario: ", scenario.error_code), scenario);
    return true;
  }
  MockConfig current = state.config();
  absl::Duration wait = state.TryAcquireRate(caller.token_key, current);
  if (wait > absl::ZeroDuration()) {
    Scenario limited = scenario;
    if (!limited.retry_after) limited.retry_after = wait;
    AnswerError(state, seq, exchange, upstream_api::kErrorTooManyRequests,
                absl::StrCat("too many requests: over ", current.rate_limit_per_second,
                             " per second for this token"),
                limited);
    return true;
  }
  return false;
}

void Answer(MockState& state, int64_t seq, http::Exchange& exchange,
            http::Response response, const Scenario& scenario,
            const std::string& task_id) {
  JournalAndSend(state, seq, exchange, std::move(response), scenario, task_id, "");
}

void AnswerError(MockState& state, int64_t seq, http::Exchange& exchange,
                 absl::string_view code, absl::string_view message,
                 const Scenario& scenario) {
  absl::Duration retry_after = scenario.retry_after.value_or(state.config().retry_after);
  JournalAndSend(state, seq, exchange, ErrorReply(code, message, retry_after), scenario, "",
                 code);
}

}  // namespace seedance::mock_upstream
