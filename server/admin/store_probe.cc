#include "server/admin/store_probe.h"

#include <pthread.h>

#include <utility>

#include "base/log.h"
#include "upstream_api/status_details.h"

namespace seedance::server::admin {

StoreProbe::StoreProbe(store::TaskStore& store, absl::Duration interval,
                       std::function<void(bool)> on_change)
    : store_(store), interval_(interval), on_change_(std::move(on_change)) {
  thread_ = std::thread([this] { Run(); });
}

StoreProbe::~StoreProbe() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

absl::Status StoreProbe::last() const {
  absl::MutexLock lock(&mu_);
  if (!last_.has_value()) return absl::UnavailableError("the store has not been checked yet");
  return *last_;
}

void StoreProbe::Run() {
  pthread_setname_np(pthread_self(), "store-probe");
  while (true) {
    absl::Status status = store_.Ping();
    bool changed;
    {
      absl::MutexLock lock(&mu_);
      changed = !last_.has_value() || last_->ok() != status.ok();
      last_ = status;
    }
    if (changed) {
      Log(status.ok() ? LogLevel::kInfo : LogLevel::kWarning, "store_reachability",
          {{"reachable", status.ok() ? "true" : "false"},
           {"error", status.ok() ? "" : upstream_api::StatusSummary(status)}});
      if (on_change_) on_change_(status.ok());
    }
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping), interval_)) return;
  }
}

}  // namespace seedance::server::admin
