#include "mock_upstream/scenario.h"

#include <functional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

constexpr ScenarioDoc kDocs[] = {
    {"token_mismatched", "errors", "400 token_mismatched at once"},
    {"api_not_implemented", "errors", "400 api_not_implemented at once"},
    {"invalid_token", "errors", "401 invalid_token at once"},
    {"too_many_requests", "errors",
     "429 too_many_requests with Retry-After (retry_after_s) at once"},
    {"api_error", "errors", "500 api_error at once"},
    {"fail", "generation",
     "the generation fails: data.status \"failed\", success false, error api_error "
     "(blocking answer: HTTP 500)"},
    {"expire", "generation",
     "the task expires instead of finishing: data.status \"expired\" (blocking "
     "answer: HTTP 500)"},
    {"slow", "generation", "the generation takes --slow_generation_ms instead"},
    {"reset", "faults", "the answer is a TCP reset (the task is still created)"},
    {"empty_reply", "faults", "the connection closes without a byte"},
    {"truncated", "faults", "the answer's body is cut in half (Content-Length lies)"},
    {"malformed_json", "faults", "HTTP 200 with a JSON body cut in half"},
    {"html_502", "faults", "HTTP 502 with a proxy's HTML error page"},
    {"slow_drip", "faults",
     "the right answer, drip_chunk_bytes every drip_interval_ms"},
    {"accept_envelope", "answers",
     "the immediate answer (callback_url or async) is {\"success\": true, \"task_id\", "
     "\"trace_id\"}, not the guide's bare {\"task_id\"} (assumed: seen from other "
     "hosts of this API)"},
    {"callback_every_status", "callbacks",
     "POST a callback on every status change (queued, running, final), as Ark does"},
    {"callback_duplicate", "callbacks", "POST every callback twice"},
    {"callback_out_of_order", "callbacks",
     "status callbacks arrive final first, then queued and running"},
    {"callback_drop", "callbacks", "never POST the callback (journal: dropped)"},
    {"callback_retry", "callbacks",
     "re-send a callback not answered 2xx, callback_retries times, every "
     "callback_retry_ms (Ark: 3 times, 5 s)"},
    {"callback_delayed", "callbacks",
     "POST the callback callback_delay_ms (default 1000) after the task ends"},
    {"generation_ms=N", "parameters", "generation time of this task"},
    {"queue_ms=N", "parameters", "time in \"queued\" before \"running\""},
    {"callback_delay_ms=N", "parameters", "delay between the task's end and its callback"},
    {"callback_retry_ms=N", "parameters", "pause between callback attempts"},
    {"callback_retries=N", "parameters", "re-sends after the first attempt"},
    {"retry_after_s=N", "parameters", "Retry-After seconds of a 429"},
    {"drip_chunk_bytes=N", "parameters", "slow_drip: bytes per write"},
    {"drip_interval_ms=N", "parameters", "slow_drip: pause between writes"},
};

bool SetFlag(absl::string_view name, Scenario& s) {
  static const auto* const kFlags =
      new std::vector<std::pair<absl::string_view, std::function<void(Scenario&)>>>{
          {"token_mismatched",
           [](Scenario& x) { x.error_code = std::string(upstream_api::kErrorTokenMismatched); }},
          {"api_not_implemented",
           [](Scenario& x) { x.error_code = std::string(upstream_api::kErrorApiNotImplemented); }},
          {"invalid_token",
           [](Scenario& x) { x.error_code = std::string(upstream_api::kErrorInvalidToken); }},
          {"too_many_requests",
           [](Scenario& x) { x.error_code = std::string(upstream_api::kErrorTooManyRequests); }},
          {"api_error", [](Scenario& x) { x.error_code = std::string(upstream_api::kErrorApiError); }},
          {"fail", [](Scenario& x) { x.outcome = Outcome::kFail; }},
          {"expire", [](Scenario& x) { x.outcome = Outcome::kExpire; }},
          {"slow", [](Scenario& x) { x.slow = true; }},
          {"reset", [](Scenario& x) { x.fault = Fault::kReset; }},
          {"empty_reply", [](Scenario& x) { x.fault = Fault::kEmptyReply; }},
          {"truncated", [](Scenario& x) { x.fault = Fault::kTruncated; }},
          {"malformed_json", [](Scenario& x) { x.fault = Fault::kMalformedJson; }},
          {"html_502", [](Scenario& x) { x.fault = Fault::kHtml502; }},
          {"slow_drip", [](Scenario& x) { x.fault = Fault::kSlowDrip; }},
          {"accept_envelope", [](Scenario& x) { x.accept_envelope = true; }},
          {"callback_every_status", [](Scenario& x) { x.callback_every_status = true; }},
          {"callback_duplicate", [](Scenario& x) { x.callback_duplicate = true; }},
          {"callback_out_of_order",
           [](Scenario& x) {
             x.callback_out_of_order = true;
             x.callback_every_status = true;
           }},
          {"callback_drop", [](Scenario& x) { x.callback_drop = true; }},
          {"callback_retry", [](Scenario& x) { x.callback_retry = true; }},
          {"callback_delayed",
           [](Scenario& x) {
             if (!x.callback_delay) x.callback_delay = absl::Seconds(1);
           }},
      };
  for (const auto& [flag, set] : *kFlags) {
    if (flag == name) {
      set(s);
      return true;
    }
  }
  return false;
}

absl::Status SetParam(absl::string_view name, absl::string_view value, Scenario& s) {
  int64_t n = 0;
  if (!absl::SimpleAtoi(value, &n) || n < 0 || n > 86400000) {
    return absl::InvalidArgumentError(
        absl::StrCat("mock parameter ", name, ": \"", value,
                     "\" is not a whole number from 0 to 86400000"));
  }
  if (name == "generation_ms") {
    s.generation_time = absl::Milliseconds(n);
  } else if (name == "queue_ms") {
    s.queue_time = absl::Milliseconds(n);
  } else if (name == "callback_delay_ms") {
    s.callback_delay = absl::Milliseconds(n);
  } else if (name == "callback_retry_ms") {
    s.callback_retry_interval = absl::Milliseconds(n);
  } else if (name == "callback_retries") {
    s.callback_retries = static_cast<int>(std::min<int64_t>(n, 100));
  } else if (name == "retry_after_s") {
    s.retry_after = absl::Seconds(n);
  } else if (name == "drip_chunk_bytes") {
    s.drip_chunk_bytes = static_cast<size_t>(std::max<int64_t>(n, 1));
  } else if (name == "drip_interval_ms") {
    s.drip_interval = absl::Milliseconds(n);
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown mock parameter \"", name, "\"; see seedance-mock-upstream --help"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string Scenario::ToString() const { return absl::StrJoin(applied, ","); }

absl::Status ApplyScenarioList(absl::string_view list, Scenario& scenario) {
  for (absl::string_view item : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    std::string lower = absl::AsciiStrToLower(item);
    if (size_t eq = lower.find('='); eq != std::string::npos) {
      absl::Status set = SetParam(absl::StripAsciiWhitespace(lower.substr(0, eq)),
                                  absl::StripAsciiWhitespace(lower.substr(eq + 1)),
                                  scenario);
      if (!set.ok()) return set;
    } else if (!SetFlag(lower, scenario)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown mock scenario \"", item, "\"; see seedance-mock-upstream --help"));
    }
    scenario.applied.push_back(lower);
  }
  return absl::OkStatus();
}

absl::Status ApplyScenarioHeaders(const std::vector<http::Header>& headers,
                                  Scenario& scenario) {
  for (const http::Header& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, kScenarioHeader)) {
      absl::Status applied = ApplyScenarioList(header.value, scenario);
      if (!applied.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(kScenarioHeader, ": ", applied.message()));
      }
    } else if (absl::StartsWithIgnoreCase(header.name, "X-Mock-")) {
      std::string param = absl::StrReplaceAll(
          absl::AsciiStrToLower(header.name.substr(7)), {{"-", "_"}});
      absl::Status applied =
          ApplyScenarioList(absl::StrCat(param, "=", header.value), scenario);
      if (!applied.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(header.name, ": ", applied.message()));
      }
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> FindPromptDirectives(absl::string_view prompt) {
  constexpr absl::string_view kOpen = "[mock:";
  std::vector<std::string> found;
  size_t at = 0;
  while ((at = prompt.find(kOpen, at)) != absl::string_view::npos) {
    size_t close = prompt.find(']', at);
    if (close == absl::string_view::npos) break;
    found.emplace_back(prompt.substr(at + kOpen.size(), close - at - kOpen.size()));
    at = close + 1;
  }
  return found;
}

absl::Span<const ScenarioDoc> ScenarioDocs() { return kDocs; }

std::string ScenarioHelp() {
  std::string out;
  absl::string_view group;
  for (const ScenarioDoc& doc : kDocs) {
    if (doc.group != group) {
      group = doc.group;
      absl::StrAppend(&out, "  ", group, ":\n");
    }
    std::string name(doc.name);
    name.resize(std::max<size_t>(name.size(), 24), ' ');
    absl::StrAppend(&out, "    ", name, " ", doc.summary, "\n");
  }
  return out;
}

}  // namespace seedance::mock_upstream
