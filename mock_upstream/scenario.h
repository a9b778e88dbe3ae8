// Scenario: what the mock does with one request beyond the documented happy
// path: an error answer, a network fault, a failed or expired generation,
// unusual timing, and how the callbacks behave. A scenario is chosen per
// request, so parallel tests never share state, in three ways that combine
// (later ones override parameters of earlier ones, names add up):
//
//   1. admin rules keyed by bearer token (token_rules.h), for callers such as
//      the gateway that forward only the body and the token;
//   2. directives in the prompt text: "a cat [mock:reset,generation_ms=20]";
//   3. headers: "X-Mock-Scenario: fail,callback_duplicate" and one header per
//      parameter, "X-Mock-Generation-Ms: 250".
//
//   Scenario s;
//   absl::Status ok = ApplyScenarioList("expire,generation_ms=20", s);
//   // s.outcome == Outcome::kExpire, *s.generation_time == 20ms
//
// The scenario chosen at creation is stored on the task, so later effects
// (callbacks, polls, expiry) follow it. Plain value; functions are pure.
#ifndef SEEDANCE_MOCK_UPSTREAM_SCENARIO_H_
#define SEEDANCE_MOCK_UPSTREAM_SCENARIO_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "http/http_message.h"

namespace seedance::mock_upstream {

// What the client receives instead of the intended answer.
enum class Fault {
  kNone,
  kReset,          // TCP RST
  kEmptyReply,     // FIN without a byte
  kTruncated,      // headers promise more body than is sent
  kMalformedJson,  // 200 with broken JSON
  kHtml502,        // a proxy's HTML error page
  kSlowDrip,       // the right answer, a few bytes at a time
};

// How the generation ends.
enum class Outcome { kSucceed, kFail, kExpire };

struct Scenario {
  // The names and parameters applied, in order ("reset", "generation_ms=20").
  std::vector<std::string> applied;

  // One of the documented error codes: answer it at once, create nothing.
  std::string error_code;
  Fault fault = Fault::kNone;
  Outcome outcome = Outcome::kSucceed;
  bool slow = false;
  // The immediate answer is {"success": true, "task_id", "trace_id"}, not
  // the guide's bare {"task_id"}.
  bool accept_envelope = false;

  std::optional<absl::Duration> queue_time;
  std::optional<absl::Duration> generation_time;
  std::optional<absl::Duration> retry_after;  // Retry-After of a 429

  // Callback behaviour.
  bool callback_every_status = false;
  bool callback_duplicate = false;
  bool callback_out_of_order = false;
  bool callback_drop = false;
  bool callback_retry = false;
  std::optional<absl::Duration> callback_delay;
  std::optional<absl::Duration> callback_retry_interval;
  std::optional<int> callback_retries;

  // slow_drip pacing.
  std::optional<size_t> drip_chunk_bytes;
  std::optional<absl::Duration> drip_interval;

  // "reset,generation_ms=20": the applied items, comma-separated.
  std::string ToString() const;
};

// Applies "name[,name=value...]" to `scenario`. INVALID_ARGUMENT naming the
// first unknown name or bad value; `scenario` may then be partly updated.
absl::Status ApplyScenarioList(absl::string_view list, Scenario& scenario);

// Applies "X-Mock-Scenario: list" and "X-Mock-<Param>: value" headers
// (X-Mock-Generation-Ms: 250 is generation_ms=250).
absl::Status ApplyScenarioHeaders(const std::vector<http::Header>& headers,
                                  Scenario& scenario);

// The lists inside "[mock:...]" directives of `prompt`, in order.
std::vector<std::string> FindPromptDirectives(absl::string_view prompt);

// The header name that selects scenarios.
inline constexpr absl::string_view kScenarioHeader = "X-Mock-Scenario";

struct ScenarioDoc {
  absl::string_view name;   // "reset" or "generation_ms=N"
  absl::string_view group;  // "errors", "faults", "answers", "generation", "callbacks",
                            // "parameters"
  absl::string_view summary;
};

// Every scenario name and parameter, documented, in display order.
absl::Span<const ScenarioDoc> ScenarioDocs();

// ScenarioDocs() as an indented text table for --help and the admin API.
std::string ScenarioHelp();

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_SCENARIO_H_
