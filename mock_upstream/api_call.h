// The steps every call of the documented API shares, over MockState: the
// request journaled as it arrives, admission (token rules, scenario headers,
// the bearer token, fail-first), the scenario's error or the rate limit,
// and answers that are journaled before they are sent (or replaced by the
// scenario's fault). The endpoints and the task engine answer only through
// these, so every answer is in the journal the same way.
//
//   int64_t seq = JournalRequest(state, request);
//   Scenario scenario;
//   std::optional<Caller> caller =
//       Admit(state, request, Endpoint::kTasks, seq, scenario, *exchange);
//   if (!caller) return;  // answered: 400/401
//   if (AnswerScenarioErrorOrLimit(state, scenario, *caller, seq, *exchange)) return;
//   Answer(state, seq, *exchange, JsonReply(200, record), scenario, task_id);
//
// Thread-safe, as MockState is.
#ifndef SEEDANCE_MOCK_UPSTREAM_API_CALL_H_
#define SEEDANCE_MOCK_UPSTREAM_API_CALL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "http/exchange.h"
#include "http/http_message.h"
#include "mock_upstream/mock_state.h"
#include "mock_upstream/scenario.h"
#include "mock_upstream/token_rules.h"

namespace seedance::mock_upstream {

// The API paths, as the guide and its siblings name them.
inline constexpr char kVideosPath[] = "/v1/seedance/videos";
inline constexpr char kTasksPath[] = "/v1/seedance/tasks";

// Who makes an admitted call.
struct Caller {
  std::string token;
  std::string token_key;  // TokenFingerprint(token): what records and logs carry
};

// The token of "Authorization: Bearer <token>", or "".
std::string BearerToken(const http::Request& request);

// Journals `request` (its body cut at 64 KiB, the token as its fingerprint);
// returns the entry's seq, which the answer's entry refers to.
int64_t JournalRequest(MockState& state, const http::Request& request);

// Applies the token's rules and the scenario headers to `scenario`, then
// checks the token and, for videos calls, counts fail-first. The caller, or
// nullopt once `exchange` has been answered (a bad header, a missing,
// foreign or unknown token).
std::optional<Caller> Admit(MockState& state, const http::Request& request,
                            Endpoint endpoint, int64_t seq, Scenario& scenario,
                            http::Exchange& exchange);

// Answers the scenario's error code, or 429 when the caller is over the rate
// limit; true if it answered.
bool AnswerScenarioErrorOrLimit(MockState& state, const Scenario& scenario,
                                const Caller& caller, int64_t seq,
                                http::Exchange& exchange);

// Journals `response` as the answer to request `seq` and sends it, or the
// scenario's fault instead.
void Answer(MockState& state, int64_t seq, http::Exchange& exchange,
            http::Response response, const Scenario& scenario,
            const std::string& task_id = "");

// Answer() of the documented error envelope; a 429's Retry-After is the
// scenario's, else the config's.
void AnswerError(MockState& state, int64_t seq, http::Exchange& exchange,
                 absl::string_view code, absl::string_view message,
                 const Scenario& scenario);

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_API_CALL_H_
