#include "server/core/recovery.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "server/model/task_state.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {

std::string UpstreamTokenOf(const StoredTask& record, const callers::Keyring& keyring,
                            const std::string& recovery_token) {
  if (record.sealed_credential().empty()) return recovery_token;
  absl::StatusOr<std::string> opened = keyring.Open(record.sealed_credential());
  if (opened.ok()) return *std::move(opened);
  Log(LogLevel::kError, "credential_unsealable",
      {{"task_id", record.task().task_id()},
       {"trace_id", record.task().trace_id()},
       {"error", upstream_api::StatusSummary(opened.status())}});
  return recovery_token;
}

absl::StatusOr<bool> ResumeStoredTask(const RecoveryParts& parts, StoredTask record,
                                      const std::string& recovery_token,
                                      std::optional<store::Lease> lease) {
  std::string id = record.task().task_id();
  if (model::IsTerminal(record.task().state())) {
    // Ended, but its webhook was not delivered or its content not kept yet.
    parts.webhooks.OnTaskEnded(record);
    parts.content.OnTaskEnded(record);
    return false;
  }
  absl::StatusOr<std::vector<v1::TaskEvent>> events = parts.store.Events(id, 0);
  if (!events.ok()) return events.status();
  std::string token = UpstreamTokenOf(record, parts.keyring, recovery_token);
  parts.registry.Adopt(std::move(record), *std::move(events), std::move(token), std::move(lease));
  parts.driver.Resume(id);
  return true;
}

absl::StatusOr<int> RecoverTasks(const RecoveryParts& parts, const std::string& recovery_token) {
  absl::StatusOr<std::vector<StoredTask>> unfinished = parts.store.ListUnfinished();
  if (!unfinished.ok()) return unfinished.status();
  int count = 0;
  for (StoredTask& record : *unfinished) {
    absl::StatusOr<bool> resumed = ResumeStoredTask(parts, std::move(record), recovery_token);
    if (!resumed.ok()) return resumed.status();
    count += *resumed ? 1 : 0;
  }
  Log(LogLevel::kInfo, "tasks_recovered", {{"count", absl::StrCat(count)}});
  return count;
}

}  // namespace seedance::server::core
