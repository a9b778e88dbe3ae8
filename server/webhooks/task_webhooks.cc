#include "server/webhooks/task_webhooks.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "server/webhooks/webhook_payload.h"
#include "upstream_api/status_details.h"

namespace seedance::server::webhooks {

TaskWebhooks::TaskWebhooks(WebhookForwarder* forwarder, tasks::TaskRegistry& registry,
                           tasks::TaskLoop& loop, const Clock& clock)
    : forwarder_(forwarder), registry_(registry), loop_(loop), clock_(clock) {}

void TaskWebhooks::OnTaskEnded(const StoredTask& record) {
  const std::string& url = record.task().spec().callback_url();
  if (url.empty() || record.webhook().finished() || forwarder_ == nullptr) return;
  std::string payload = WebhookPayload(record, clock_.Now());
  std::string task_id = record.task().task_id();
  forwarder_->Deliver(url, task_id, std::move(payload), record.traceparent(),
                      record.webhook().attempts(),
                      [this, task_id, trace_id = record.task().trace_id()](
                          absl::Status outcome, int attempts) {
                        loop_.Post([this, task_id, trace_id, outcome, attempts] {
                          RecordOutcome(task_id, trace_id, outcome, attempts);
                        });
                      });
}

void TaskWebhooks::RecordOutcome(const std::string& task_id, const std::string& trace_id,
                                 const absl::Status& outcome, int attempts) {
  if (!outcome.ok()) {
    Log(LogLevel::kWarning, "webhook_given_up",
        {{"task_id", task_id},
         {"trace_id", trace_id},
         {"attempts", absl::StrCat(attempts)},
         {"error", upstream_api::StatusSummary(outcome)}});
  }
  registry_.UpdateStored(
      task_id,
      [&outcome, attempts](StoredTask& record) {
        gateway::v1::WebhookDelivery* webhook = record.mutable_webhook();
        // Done either way: delivered, or given up after the last attempt.
        webhook->set_finished(true);
        webhook->set_attempts(attempts);
        webhook->set_last_error(outcome.ok() ? "" : upstream_api::StatusSummary(outcome));
      },
      nullptr);
}

}  // namespace seedance::server::webhooks
