#include "mock_upstream/mock_state.h"

#include <utility>
#include <vector>

#include "base/log.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {

MockState::MockState(MockOptions options, const Clock& clock, Scheduler& task_scheduler,
                     Scheduler& admin_scheduler)
    : options_(std::move(options)),
      clock_(clock),
      task_scheduler_(task_scheduler),
      admin_scheduler_(admin_scheduler),
      store_(options_.max_tasks),
      journal_(clock, options_.journal_limit),
      limiter_(clock),
      config_(options_.config) {}

void MockState::SetBaseUrl(std::string base_url) {
  absl::MutexLock lock(&mu_);
  base_url_ = std::move(base_url);
}

std::string MockState::base_url() const {
  absl::MutexLock lock(&mu_);
  return base_url_;
}

MockConfig MockState::config() const {
  absl::MutexLock lock(&mu_);
  return config_;
}

absl::StatusOr<MockConfig> MockState::UpdateConfig(
    const std::function<absl::Status(MockConfig&)>& change, bool restart_fail_first) {
  absl::MutexLock lock(&mu_);
  MockConfig changed = config_;
  absl::Status applied = change(changed);
  if (!applied.ok()) return applied;
  config_ = changed;
  if (restart_fail_first) fail_first_used_ = 0;
  return config_;
}

std::string MockState::TakeFailFirst() {
  absl::MutexLock lock(&mu_);
  if (fail_first_used_ >= config_.fail_first_n) return "";
  ++fail_first_used_;
  return config_.fail_first_scenario;
}

absl::Duration MockState::TryAcquireRate(absl::string_view token_key,
                                         const MockConfig& config) {
  return limiter_.TryAcquire(token_key, config.rate_limit_per_second,
                             config.rate_limit_burst);
}

DripPace MockState::PaceFor(const Scenario& scenario) const {
  MockConfig current = config();
  return {scenario.drip_chunk_bytes.value_or(current.drip_chunk_bytes),
          scenario.drip_interval.value_or(current.drip_interval)};
}

uint64_t MockState::epoch() const {
  absl::MutexLock lock(&mu_);
  return epoch_;
}

void MockState::HoldCall(const std::string& task_id, HeldCall call) {
  absl::MutexLock lock(&mu_);
  held_[task_id] = std::move(call);
}

std::optional<HeldCall> MockState::ReleaseCall(const std::string& task_id) {
  absl::MutexLock lock(&mu_);
  auto it = held_.find(task_id);
  if (it == held_.end()) return std::nullopt;
  HeldCall call = std::move(it->second);
  held_.erase(it);
  return call;
}

void MockState::Reset() {
  std::vector<HeldCall> held;
  {
    absl::MutexLock lock(&mu_);
    ++epoch_;
    config_ = options_.config;
    fail_first_used_ = 0;
    for (auto& [id, call] : held_) held.push_back(std::move(call));
    held_.clear();
  }
  task_scheduler_.CancelAll();
  // Answered outside the lock: Respond may run the exchange's own code.
  for (HeldCall& call : held) {
    call.exchange->Respond(ErrorReply(upstream_api::kErrorApiError, "the mock was reset"));
  }
  store_.Clear();
  rules_.Clear();
  limiter_.Reset();
  journal_.Clear();
  journal_.Append("admin", {{"action", "reset"}});
  Log(LogLevel::kInfo, "mock_reset");
}

}  // namespace seedance::mock_upstream
