// TokenRules: admin-set scenarios keyed by bearer token ("requests with token
// T get scenario S"), for callers that cannot add headers, such as the
// gateway, which forwards only the body and the caller's token.
//
//   TokenRules rules;
//   rules.Add({.token = "t1", .scenario = "reset", .times = 1});
//   rules.Take("t1", Endpoint::kVideos);  // {"reset"}, and the rule is used up
//   rules.Take("t1", Endpoint::kVideos);  // {}
//
// Thread-safe.
#ifndef SEEDANCE_MOCK_UPSTREAM_TOKEN_RULES_H_
#define SEEDANCE_MOCK_UPSTREAM_TOKEN_RULES_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace seedance::mock_upstream {

enum class Endpoint { kVideos, kTasks };

struct TokenRule {
  std::string token;
  std::string scenario;  // a scenario list, "fail,generation_ms=20"
  int times = 0;         // requests it applies to; 0: all
  // "videos" (default), "tasks" or "all".
  std::string endpoint = "videos";
};

class TokenRules {
 public:
  // Adds `rule` after checking its scenario list and endpoint.
  absl::Status Add(TokenRule rule);
  // The scenario lists of the rules for `token` at `endpoint`, in the order
  // they were added; counts one use of each.
  std::vector<std::string> Take(absl::string_view token, Endpoint endpoint);
  // The rules still in force.
  std::vector<TokenRule> List() const;
  void Clear();

 private:
  mutable absl::Mutex mu_;
  std::vector<TokenRule> rules_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_TOKEN_RULES_H_
