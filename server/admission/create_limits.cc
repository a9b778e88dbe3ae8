#include "server/admission/create_limits.h"

#include "absl/strings/str_cat.h"
#include "server/model/gateway_errors.h"

namespace seedance::server::admission {

CreateLimits::CreateLimits(const Clock& clock, CreateLimitsOptions options)
    : options_(options),
      create_rate_(clock, {.per_second = options_.caller_create_rate,
                           .burst = options_.caller_create_burst,
                           .reason = "CALLER_CREATE_RATE_LIMITED",
                           .what = "task creations"}) {}

absl::Status CreateLimits::AdmitCreate(const std::string& owner, size_t in_flight) {
  if (in_flight >= static_cast<size_t>(options_.max_tasks_in_flight)) {
    return model::LimitRefusal(absl::StrCat("the gateway has ", options_.max_tasks_in_flight,
                                            " tasks in progress, its limit; retry later"),
                               "TOO_MANY_TASKS_IN_FLIGHT", options_.busy_retry_delay);
  }
  // Last, so that only a create that goes ahead takes a token.
  return create_rate_.Admit(owner);
}

absl::Status CreateLimits::BeginUrlCheck(const std::string& owner) {
  if (options_.max_url_checks_per_caller <= 0) return absl::OkStatus();
  absl::MutexLock lock(&url_checks_mu_);
  int& pending = url_checks_[owner];
  if (pending < options_.max_url_checks_per_caller) {
    ++pending;
    return absl::OkStatus();
  }
  return model::LimitRefusal(
      absl::StrCat("this caller already has ", options_.max_url_checks_per_caller,
                   " creates waiting for their URLs' host names to resolve; retry when "
                   "they are answered"),
      "CALLER_URL_CHECKS_PENDING", absl::Seconds(1));
}

void CreateLimits::EndUrlCheck(const std::string& owner) {
  if (options_.max_url_checks_per_caller <= 0) return;
  absl::MutexLock lock(&url_checks_mu_);
  auto it = url_checks_.find(owner);
  if (it != url_checks_.end() && --it->second <= 0) url_checks_.erase(it);
}

}  // namespace seedance::server::admission
