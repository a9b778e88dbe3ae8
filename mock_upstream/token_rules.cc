#include "mock_upstream/token_rules.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "mock_upstream/scenario.h"

namespace seedance::mock_upstream {

absl::Status TokenRules::Add(TokenRule rule) {
  if (rule.token.empty()) return absl::InvalidArgumentError("token: is required");
  if (rule.endpoint != "videos" && rule.endpoint != "tasks" && rule.endpoint != "all") {
    return absl::InvalidArgumentError(absl::StrCat(
        "endpoint: \"", rule.endpoint, "\" is not one of videos, tasks, all"));
  }
  if (rule.times < 0) return absl::InvalidArgumentError("times: must be >= 0");
  Scenario check;
  absl::Status valid = ApplyScenarioList(rule.scenario, check);
  if (!valid.ok()) return valid;
  absl::MutexLock lock(&mu_);
  rules_.push_back(std::move(rule));
  return absl::OkStatus();
}

std::vector<std::string> TokenRules::Take(absl::string_view token, Endpoint endpoint) {
  absl::string_view name = endpoint == Endpoint::kVideos ? "videos" : "tasks";
  std::vector<std::string> lists;
  absl::MutexLock lock(&mu_);
  for (auto it = rules_.begin(); it != rules_.end();) {
    if (it->token != token || (it->endpoint != name && it->endpoint != "all")) {
      ++it;
      continue;
    }
    lists.push_back(it->scenario);
    if (it->times > 0 && --it->times == 0) {
      it = rules_.erase(it);
    } else {
      ++it;
    }
  }
  return lists;
}

std::vector<TokenRule> TokenRules::List() const {
  absl::MutexLock lock(&mu_);
  return rules_;
}

void TokenRules::Clear() {
  absl::MutexLock lock(&mu_);
  rules_.clear();
}

}  // namespace seedance::mock_upstream
