// RecoverTasks: what a starting gateway does with the tasks the previous
// process left unfinished: each is adopted into the registry with its event
// history and its upstream token (unsealed, or the gateway's own), and the
// driver resumes it by its mode; an ended task whose webhook was not
// delivered yet gets its delivery resumed, and one whose result files were
// not kept yet gets them fetched.
//
//   loop.Post([&] { absl::StatusOr<int> resumed = RecoverTasks(parts, token); });
//
// Loop thread only.
#ifndef SEEDANCE_SERVER_CORE_RECOVERY_H_
#define SEEDANCE_SERVER_CORE_RECOVERY_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/callers/keyring.h"
#include "server/content/task_content.h"
#include "server/store/task_store.h"
#include "server/tasks/task_registry.h"
#include "server/upstream/upstream_driver.h"
#include "server/webhooks/task_webhooks.h"

namespace seedance::server::core {

// The parts recovery works on; all outlive the call.
struct RecoveryParts {
  store::TaskStore& store;
  tasks::TaskRegistry& registry;
  upstream::UpstreamDriver& driver;
  webhooks::TaskWebhooks& webhooks;
  content::TaskContent& content;
  const callers::Keyring& keyring;
};

// Resumes every unfinished task; returns how many, or the store's error.
// Tasks without a sealed credential use `recovery_token`.
absl::StatusOr<int> RecoverTasks(const RecoveryParts& parts, const std::string& recovery_token);

// Resumes one stored task, unfinished or ended with its webhook or content
// pending:
// adopted with its event history (and the lease it was claimed with, for a
// replica taking it over) and driven on by its mode, or its webhook
// delivery and content fetch resumed. True when a task in progress was resumed; the store's
// error when its history cannot be read.
absl::StatusOr<bool> ResumeStoredTask(const RecoveryParts& parts, StoredTask record,
                                      const std::string& recovery_token,
                                      std::optional<store::Lease> lease = std::nullopt);

// The upstream token for a stored task: its sealed credential opened, else
// `recovery_token` (also when the credential cannot be opened: logged).
std::string UpstreamTokenOf(const StoredTask& record, const callers::Keyring& keyring,
                            const std::string& recovery_token);

}  // namespace seedance::server::core

#endif  // SEEDANCE_SERVER_CORE_RECOVERY_H_
