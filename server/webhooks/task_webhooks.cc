#include "server/webhooks/task_webhooks.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "google/protobuf/util/json_util.h"
#include "upstream_api/status_details.h"

namespace seedance::server::webhooks {

TaskWebhooks::TaskWebhooks(WebhookForwarder* forwarder, tasks::TaskRegistry& registry,
                           tasks::TaskLoop& loop, const Clock& clock)
    : forwarder_(forwarder), registry_(registry), loop_(loop), clock_(clock) {}

void TaskWebhooks::OnTaskEnded(const StoredTask& record) {
  const std::string& url = record.task().spec().callback_url();
  if (url.empty() || record.webhook().finished() || forwarder_ == nullptr) return;
  // Standard Webhooks' recommended shape: type, timestamp, data.
  std::string task_json;
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(record.task(), &task_json, print);
  std::string payload = absl::StrCat(
      R"({"type":"video_task.ended","timestamp":")",
      absl::FormatTime(absl::RFC3339_sec, clock_.Now(), absl::UTCTimeZone()),
      R"(","data":)", task_json, "}");
  std::string task_id = record.task().task_id();
  forwarder_->Deliver(url, task_id, std::move(payload), record.webhook().attempts(),
                      [this, task_id](absl::Status outcome, int attempts) {
                        loop_.Post([this, task_id, outcome, attempts] {
                          RecordOutcome(task_id, outcome, attempts);
                        });
                      });
}

void TaskWebhooks::RecordOutcome(const std::string& task_id, const absl::Status& outcome,
                                 int attempts) {
  if (!outcome.ok()) {
    Log(LogLevel::kWarning, "webhook_given_up",
        {{"task_id", task_id}, {"attempts", absl::StrCat(attempts)},
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
