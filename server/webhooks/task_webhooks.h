// TaskWebhooks: sends an ended task to the caller's own callback_url and
// keeps the outcome. It builds the body of the task's callback_format
// (webhook_payload.h: the gateway's video_task.ended event, or the
// provider's own callback body), hands it to the WebhookForwarder (signing, retries) and, when the delivery is done
// (delivered or given up), records that in the task's stored record through
// the registry, so that a restarted gateway resumes only unfinished ones.
//
//   TaskWebhooks webhooks(&forwarder, registry, loop, clock);
//   webhooks.OnTaskEnded(record);  // loop thread; no-op without callback_url
#ifndef SEEDANCE_SERVER_WEBHOOKS_TASK_WEBHOOKS_H_
#define SEEDANCE_SERVER_WEBHOOKS_TASK_WEBHOOKS_H_

#include <string>

#include "absl/status/status.h"
#include "base/clock.h"
#include "server/store/task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"
#include "server/webhooks/webhook_forwarder.h"

namespace seedance::server::webhooks {

class TaskWebhooks {
 public:
  // `forwarder` may be null (nothing is forwarded: tests of other things);
  // all references must outlive this.
  TaskWebhooks(WebhookForwarder* forwarder, tasks::TaskRegistry& registry, tasks::TaskLoop& loop,
               const Clock& clock);

  // Starts delivering the ended task `record` to its spec.callback_url,
  // unless it has none or its delivery already finished. Loop thread.
  void OnTaskEnded(const StoredTask& record);

 private:
  // Stores the outcome of a finished delivery. Loop thread.
  void RecordOutcome(const std::string& task_id, const std::string& trace_id,
                     const absl::Status& outcome, int attempts);

  WebhookForwarder* const forwarder_;
  tasks::TaskRegistry& registry_;
  tasks::TaskLoop& loop_;
  const Clock& clock_;
};

}  // namespace seedance::server::webhooks

#endif  // SEEDANCE_SERVER_WEBHOOKS_TASK_WEBHOOKS_H_
