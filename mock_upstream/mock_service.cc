#include "mock_upstream/mock_service.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/wire_values.h"
#include "base/log.h"
#include "mock_upstream/media.h"

namespace seedance::mock_upstream {
namespace {

// Request bodies longer than this are journaled cut.
constexpr size_t kJournalBodyLimit = 64 * 1024;

// The token of "Authorization: Bearer <token>", or "".
std::string BearerToken(const http::Request& request) {
  const std::string* header = request.FindHeader("Authorization");
  if (header == nullptr) return "";
  absl::string_view value = absl::StripAsciiWhitespace(*header);
  if (!absl::StartsWithIgnoreCase(value, "Bearer ")) return "";
  return std::string(absl::StripAsciiWhitespace(value.substr(7)));
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

MockService::MockService(MockOptions options, const Clock& clock,
                         Scheduler& task_scheduler, Scheduler& admin_scheduler,
                         http::HttpClient& client)
    : options_(std::move(options)),
      clock_(clock),
      task_scheduler_(task_scheduler),
      admin_scheduler_(admin_scheduler),
      client_(client),
      store_(options_.max_tasks),
      journal_(clock, options_.journal_limit),
      limiter_(clock),
      config_(options_.config) {}

void MockService::SetBaseUrl(std::string base_url) {
  absl::MutexLock lock(&mu_);
  base_url_ = std::move(base_url);
}

std::string MockService::base_url() const {
  absl::MutexLock lock(&mu_);
  return base_url_;
}

MockConfig MockService::config() const {
  absl::MutexLock lock(&mu_);
  return config_;
}

uint64_t MockService::epoch() const {
  absl::MutexLock lock(&mu_);
  return epoch_;
}

DripPace MockService::PaceFor(const Scenario& scenario) const {
  MockConfig current = config();
  return {scenario.drip_chunk_bytes.value_or(current.drip_chunk_bytes),
          scenario.drip_interval.value_or(current.drip_interval)};
}

void MockService::Handle(http::Request request, std::shared_ptr<http::Exchange> exchange) {
  if (absl::StartsWith(request.path, kAdminPrefix)) {
    HandleAdmin(request, std::move(exchange));
    return;
  }
  int64_t seq = JournalRequest(request);
  if (request.path == kVideosPath && request.method == "POST") {
    HandleVideos(request, seq, std::move(exchange));
  } else if (request.path == kTasksPath && request.method == "POST") {
    HandleTasks(request, seq, std::move(exchange));
  } else if (IsMediaPath(request.path)) {
    http::Response media = ServeMedia(request);
    journal_.Append("response", {{"request_seq", seq},
                                 {"path", request.path},
                                 {"status", int64_t{media.status}}});
    exchange->Respond(std::move(media));
  } else {
    AnswerError(seq, *exchange, api::kErrorApiNotImplemented,
                absl::StrCat("api not implemented: ", request.method, " ", request.path,
                             " (this API has POST ", kVideosPath, " and POST ",
                             kTasksPath, ")"),
                Scenario());
  }
}

int64_t MockService::JournalRequest(const http::Request& request) {
  std::vector<JournalField> fields = {{"method", request.method},
                                      {"path", request.path}};
  if (!request.query.empty()) fields.push_back({"query", request.query});
  fields.push_back({"remote", request.remote_address});
  std::string token = BearerToken(request);
  if (!token.empty()) fields.push_back({"token_key", TokenFingerprint(token)});
  if (const std::string* scenario = request.FindHeader(kScenarioHeader)) {
    fields.push_back({"scenario_header", *scenario});
  }
  if (!request.body.empty()) {
    fields.push_back({"body", request.body.substr(0, kJournalBodyLimit)});
  }
  return journal_.Append("request", std::move(fields));
}

bool MockService::Admit(const http::Request& request, Endpoint endpoint, int64_t seq,
                        Scenario& scenario, Caller& caller, http::Exchange& exchange) {
  caller.token = BearerToken(request);
  caller.token_key = TokenFingerprint(caller.token);
  if (!caller.token.empty()) {
    for (const std::string& list : rules_.Take(caller.token, endpoint)) {
      (void)ApplyScenarioList(list, scenario);  // checked when the rule was added
    }
  }
  absl::Status headers = ApplyScenarioHeaders(request.headers, scenario);
  if (!headers.ok()) {
    AnswerError(seq, exchange, api::kErrorApiNotImplemented, headers.message(), Scenario());
    return false;
  }
  if (caller.token.empty()) {
    AnswerError(seq, exchange, api::kErrorInvalidToken,
                "missing token: send \"authorization: Bearer <token>\"", Scenario());
    return false;
  }
  if (Contains(options_.foreign_tokens, caller.token)) {
    AnswerError(seq, exchange, api::kErrorTokenMismatched,
                "token mismatched: this token belongs to another service", Scenario());
    return false;
  }
  if (!options_.tokens.empty() && !Contains(options_.tokens, caller.token)) {
    AnswerError(seq, exchange, api::kErrorInvalidToken, "invalid token", Scenario());
    return false;
  }
  if (endpoint == Endpoint::kVideos) {
    std::string fail_first;
    {
      absl::MutexLock lock(&mu_);
      if (fail_first_used_ < config_.fail_first_n) {
        ++fail_first_used_;
        fail_first = config_.fail_first_scenario;
      }
    }
    if (!fail_first.empty()) (void)ApplyScenarioList(fail_first, scenario);
  }
  return true;
}

bool MockService::AnswerScenarioErrorOrLimit(const Scenario& scenario,
                                             const Caller& caller, int64_t seq,
                                             http::Exchange& exchange) {
  if (!scenario.error_code.empty()) {
    AnswerError(seq, exchange, scenario.error_code,
                absl::StrCat("mock scenario: ", scenario.error_code), scenario);
    return true;
  }
  MockConfig current = config();
  absl::Duration wait = limiter_.TryAcquire(caller.token_key, current.rate_limit_per_second,
                                            current.rate_limit_burst);
  if (wait > absl::ZeroDuration()) {
    Scenario limited = scenario;
    if (!limited.retry_after) limited.retry_after = wait;
    AnswerError(seq, exchange, api::kErrorTooManyRequests,
                absl::StrCat("too many requests: over ", current.rate_limit_per_second,
                             " per second for this token"),
                limited);
    return true;
  }
  return false;
}

void MockService::Answer(int64_t seq, http::Exchange& exchange, http::Response response,
                         const Scenario& scenario, const std::string& task_id) {
  std::vector<JournalField> fields = {{"request_seq", seq},
                                      {"status", int64_t{response.status}}};
  if (!task_id.empty()) fields.push_back({"task_id", task_id});
  if (scenario.fault != Fault::kNone) {
    fields.push_back({"fault", std::string(FaultName(scenario.fault))});
  }
  if (!scenario.applied.empty()) fields.push_back({"scenario", scenario.ToString()});
  if (response.status >= 400 && absl::StartsWith(response.body, "{")) {
    fields.push_back({"body", response.body});
  }
  journal_.Append("response", std::move(fields));
  DeliverFault(scenario.fault, std::move(response), PaceFor(scenario), exchange);
}

void MockService::AnswerError(int64_t seq, http::Exchange& exchange,
                              absl::string_view code, absl::string_view message,
                              const Scenario& scenario) {
  absl::Duration retry_after = scenario.retry_after.value_or(config().retry_after);
  Answer(seq, exchange, ErrorReply(code, message, retry_after), scenario);
}

void MockService::Reset() {
  std::vector<Held> held;
  {
    absl::MutexLock lock(&mu_);
    ++epoch_;
    config_ = options_.config;
    fail_first_used_ = 0;
    for (auto& [id, h] : held_) held.push_back(std::move(h));
    held_.clear();
  }
  task_scheduler_.CancelAll();
  for (Held& h : held) {
    h.exchange->Respond(ErrorReply(api::kErrorApiError, "the mock was reset"));
  }
  store_.Clear();
  rules_.Clear();
  limiter_.Reset();
  journal_.Clear();
  journal_.Append("admin", {{"action", "reset"}});
  Log(LogLevel::kInfo, "mock_reset");
}

}  // namespace seedance::mock_upstream
