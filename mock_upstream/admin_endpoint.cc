#include "mock_upstream/admin_endpoint.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "http/http_url.h"
#include "base/json_writer.h"
#include "mock_upstream/media.h"
#include "mock_upstream/scenario.h"
#include "mock_upstream/task.h"

namespace seedance::mock_upstream {
namespace {

namespace pb = google::protobuf;

http::Response AdminJson(int status, std::string json) {
  return http::MakeResponse(status, "application/json", std::move(json));
}

http::Response AdminError(int status, absl::string_view message) {
  JsonWriter json;
  json.Object().Key("error").String(message).End();
  return AdminJson(status, json.Take());
}

absl::StatusOr<pb::Struct> ParseObject(absl::string_view body) {
  pb::Struct object;
  if (body.empty()) return object;
  auto status = pb::util::JsonStringToMessage(pb::StringPiece(body.data(), body.size()),
                                              &object);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not a JSON object: ", status.message().as_string()));
  }
  return object;
}

std::string EntriesJson(const std::vector<JournalEntry>& entries) {
  JsonWriter json;
  json.Array();
  for (const JournalEntry& entry : entries) json.Raw(EntryToJson(entry));
  return json.End().Take();
}

// The journal filter of a query string: every parameter but the reserved ones.
JournalFilter FilterOf(const std::vector<http::QueryParam>& params) {
  JournalFilter filter;
  for (const auto& [name, value] : params) {
    if (name != "since" && name != "count" && name != "timeout_ms") {
      filter.emplace_back(name, value);
    }
  }
  return filter;
}

int64_t IntParam(const std::vector<http::QueryParam>& params, absl::string_view name,
                 int64_t fallback) {
  const std::string* text = http::FindQueryParam(params, name);
  int64_t value = 0;
  return text != nullptr && absl::SimpleAtoi(*text, &value) ? value : fallback;
}

int64_t Millis(absl::Duration d) { return absl::ToInt64Milliseconds(d); }

std::string ConfigJson(const MockConfig& c) {
  JsonWriter json;
  json.Object()
      .Key("queue_ms").Int(Millis(c.queue_time))
      .Key("generation_ms").Int(Millis(c.generation_time))
      .Key("slow_generation_ms").Int(Millis(c.slow_generation_time))
      .Key("rate_limit_per_second").Double(c.rate_limit_per_second)
      .Key("rate_limit_burst").Double(c.rate_limit_burst)
      .Key("max_tasks_in_flight").Int(c.max_tasks_in_flight)
      .Key("fail_first_n").Int(c.fail_first_n)
      .Key("fail_first_scenario").String(c.fail_first_scenario)
      .Key("retry_after_s").Int(absl::ToInt64Seconds(c.retry_after))
      .Key("callback_timeout_ms").Int(Millis(c.callback_timeout))
      .Key("callback_retry_ms").Int(Millis(c.callback_retry_interval))
      .Key("callback_retries").Int(c.callback_retries)
      .Key("drip_chunk_bytes").Int(static_cast<int64_t>(c.drip_chunk_bytes))
      .Key("drip_interval_ms").Int(Millis(c.drip_interval))
      .Key("video_bytes").Int(c.video_bytes)
      .Key("media_ttl_ms").Int(Millis(c.media_ttl))
      .Key("media_drip_ms").Int(Millis(c.media_drip_interval))
      .Key("media_drip_chunk_bytes").Int(static_cast<int64_t>(c.media_drip_chunk_bytes))
      .Key("refuse_unknown_fields").Bool(c.refuse_unknown_fields);
  return json.End().Take();
}

// Applies the keys of `update` to `config`; INVALID_ARGUMENT naming a bad key.
absl::Status UpdateConfig(const pb::Struct& update, MockConfig& config) {
  for (const auto& [key, value] : update.fields()) {
    if (key == "fail_first_scenario") {
      if (value.kind_case() != pb::Value::kStringValue) {
        return absl::InvalidArgumentError("fail_first_scenario: must be a string");
      }
      Scenario check;
      absl::Status valid = ApplyScenarioList(value.string_value(), check);
      if (!valid.ok()) return valid;
      config.fail_first_scenario = value.string_value();
      continue;
    }
    if (key == "refuse_unknown_fields") {
      if (value.kind_case() != pb::Value::kBoolValue) {
        return absl::InvalidArgumentError("refuse_unknown_fields: must be true or false");
      }
      config.refuse_unknown_fields = value.bool_value();
      continue;
    }
    if (value.kind_case() != pb::Value::kNumberValue || value.number_value() < 0 ||
        !std::isfinite(value.number_value())) {
      return absl::InvalidArgumentError(
          absl::StrCat(key, ": must be a number >= 0"));
    }
    double n = value.number_value();
    int64_t whole = static_cast<int64_t>(n);
    if (key == "queue_ms") {
      config.queue_time = absl::Milliseconds(whole);
    } else if (key == "generation_ms") {
      config.generation_time = absl::Milliseconds(whole);
    } else if (key == "slow_generation_ms") {
      config.slow_generation_time = absl::Milliseconds(whole);
    } else if (key == "rate_limit_per_second") {
      config.rate_limit_per_second = n;
    } else if (key == "rate_limit_burst") {
      config.rate_limit_burst = n;
    } else if (key == "max_tasks_in_flight") {
      config.max_tasks_in_flight = static_cast<int>(whole);
    } else if (key == "fail_first_n") {
      config.fail_first_n = static_cast<int>(whole);
    } else if (key == "retry_after_s") {
      config.retry_after = absl::Seconds(whole);
    } else if (key == "callback_timeout_ms") {
      config.callback_timeout = absl::Milliseconds(whole);
    } else if (key == "callback_retry_ms") {
      config.callback_retry_interval = absl::Milliseconds(whole);
    } else if (key == "callback_retries") {
      config.callback_retries = static_cast<int>(whole);
    } else if (key == "drip_chunk_bytes") {
      config.drip_chunk_bytes = static_cast<size_t>(std::max<int64_t>(whole, 1));
    } else if (key == "drip_interval_ms") {
      config.drip_interval = absl::Milliseconds(whole);
    } else if (key == "video_bytes") {
      if (absl::Status s = VideoOfSize(whole).status(); !s.ok()) return s;
      config.video_bytes = whole;
    } else if (key == "media_ttl_ms") {
      config.media_ttl = absl::Milliseconds(whole);
    } else if (key == "media_drip_ms") {
      config.media_drip_interval = absl::Milliseconds(whole);
    } else if (key == "media_drip_chunk_bytes") {
      config.media_drip_chunk_bytes = static_cast<size_t>(std::max<int64_t>(whole, 1));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown config key \"", key, "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void AdminEndpoint::Handle(const http::Request& request,
                           std::shared_ptr<http::Exchange> exchange) {
  absl::string_view what = absl::string_view(request.path).substr(
      absl::string_view(kAdminPrefix).size());
  const std::string& method = request.method;
  if (what == "health" && method == "GET") {
    JsonWriter json;
    json.Object()
        .Key("ok").Bool(true)
        .Key("tasks").Int(static_cast<int64_t>(state_.tasks().size()))
        .Key("last_seq").Int(state_.journal().last_seq());
    exchange->Respond(AdminJson(200, json.End().Take()));
  } else if (what == "journal" && method == "GET") {
    std::vector<http::QueryParam> params = http::ParseQuery(request.query);
    std::vector<JournalEntry> entries =
        state_.journal().Query(FilterOf(params), IntParam(params, "since", 0));
    JsonWriter json;
    json.Object()
        .Key("entries").Raw(EntriesJson(entries))
        .Key("last_seq").Int(state_.journal().last_seq());
    exchange->Respond(AdminJson(200, json.End().Take()));
  } else if (what == "journal/wait" && method == "GET") {
    HandleJournalWait(request, std::move(exchange));
  } else if (what == "reset" && method == "POST") {
    state_.Reset();
    exchange->Respond(AdminJson(200, R"({"ok":true})"));
  } else if (what == "config") {
    exchange->Respond(HandleConfig(request));
  } else if (what == "rules") {
    exchange->Respond(HandleRules(request));
  } else if (what == "scenarios" && method == "GET") {
    exchange->Respond(http::MakeResponse(200, "text/plain", ScenarioHelp()));
  } else {
    exchange->Respond(AdminError(
        404, absl::StrCat("no admin endpoint ", method, " ", request.path,
                          "; see seedance-mock-upstream --help")));
  }
}

void AdminEndpoint::HandleJournalWait(const http::Request& request,
                                      std::shared_ptr<http::Exchange> exchange) {
  std::vector<http::QueryParam> params = http::ParseQuery(request.query);
  int64_t since = IntParam(params, "since", 0);
  size_t count = static_cast<size_t>(std::max<int64_t>(IntParam(params, "count", 1), 1));
  absl::Duration timeout = absl::Milliseconds(
      std::clamp<int64_t>(IntParam(params, "timeout_ms", 10000), 0, 600000));
  auto answer = [exchange](bool found, const std::vector<JournalEntry>& entries) {
    JsonWriter json;
    json.Object()
        .Key("found").Bool(found)
        .Key("entries").Raw(EntriesJson(entries));
    exchange->Respond(AdminJson(200, json.End().Take()));
  };
  uint64_t id = state_.journal().Watch(FilterOf(params), since, count,
                               [answer](std::vector<JournalEntry> found) {
                                 answer(true, found);
                               });
  state_.admin_scheduler().RunAt(state_.clock().Now() + timeout, [this, id, answer] {
    auto [waiting, found] = state_.journal().Cancel(id);
    if (waiting) answer(false, found);
  });
  exchange->OnClientGone([this, id] { state_.journal().Cancel(id); });
}

http::Response AdminEndpoint::HandleConfig(const http::Request& request) {
  if (request.method == "POST") {
    absl::StatusOr<pb::Struct> update = ParseObject(request.body);
    if (!update.ok()) return AdminError(400, update.status().message());
    // "The first N calls" count from the change.
    absl::StatusOr<MockConfig> changed = state_.UpdateConfig(
        [&](MockConfig& config) { return UpdateConfig(*update, config); },
        /*restart_fail_first=*/update->fields().contains("fail_first_n"));
    if (!changed.ok()) return AdminError(400, changed.status().message());
    return AdminJson(200, ConfigJson(*changed));
  }
  if (request.method != "GET") return AdminError(405, "use GET or POST");
  return AdminJson(200, ConfigJson(state_.config()));
}

http::Response AdminEndpoint::HandleRules(const http::Request& request) {
  if (request.method == "POST") {
    absl::StatusOr<pb::Struct> body = ParseObject(request.body);
    if (!body.ok()) return AdminError(400, body.status().message());
    TokenRule rule;
    const auto& fields = body->fields();
    if (auto it = fields.find("token"); it != fields.end()) rule.token = it->second.string_value();
    if (auto it = fields.find("scenario"); it != fields.end()) {
      rule.scenario = it->second.string_value();
    }
    if (auto it = fields.find("times"); it != fields.end()) {
      rule.times = static_cast<int>(it->second.number_value());
    }
    if (auto it = fields.find("endpoint"); it != fields.end()) {
      rule.endpoint = it->second.string_value();
    }
    absl::Status added = state_.rules().Add(std::move(rule));
    if (!added.ok()) return AdminError(400, added.message());
    return AdminJson(200, R"({"ok":true})");
  }
  if (request.method == "DELETE") {
    state_.rules().Clear();
    return AdminJson(200, R"({"ok":true})");
  }
  if (request.method != "GET") return AdminError(405, "use GET, POST or DELETE");
  JsonWriter json;
  json.Object().Key("rules").Array();
  for (const TokenRule& rule : state_.rules().List()) {
    json.Object()
        .Key("token_key").String(TokenFingerprint(rule.token))
        .Key("scenario").String(rule.scenario)
        .Key("times").Int(rule.times)
        .Key("endpoint").String(rule.endpoint)
        .End();
  }
  return AdminJson(200, json.End().End().Take());
}

}  // namespace seedance::mock_upstream
