// What the gateway POSTs to a task's own callback_url when it ends, by the
// spec's callback_format, as plain functions of the stored record:
//
//   TASK_EVENT (default): {"type": "video_task.ended", "timestamp": <RFC 3339>,
//                          "data": <the VideoTask, proto field names>}
//   UPSTREAM:             the upstream's final answer as the guide documents
//                         it, written as the provider writes it
//                         (upstream_api::ToWireJson; keys the gateway's proto
//                         does not know are not kept), so that a receiver
//                         written for the provider's callback works unchanged.
//
//   std::string body = WebhookPayload(record, clock.Now());
//
// Pure and thread-safe.
#ifndef SEEDANCE_SERVER_WEBHOOKS_WEBHOOK_PAYLOAD_H_
#define SEEDANCE_SERVER_WEBHOOKS_WEBHOOK_PAYLOAD_H_

#include <string>

#include "absl/time/time.h"
#include "seedance/upstream/v1/videos.pb.h"
#include "server/store/task_store.h"

namespace seedance::server::webhooks {

// The body for `record`'s callback_format.
std::string WebhookPayload(const StoredTask& record, absl::Time now);

// The provider-format body: the answer that ended the task, or, for a task
// the gateway ended itself (cancelled, expired, outcome unknown) or a record
// stored before answers were kept, one of the same shape built from the task
// (an assumption of this project: "success": false, the task's ids,
// data.status the final state's word, error.code the upstream's code or the
// gateway's reason in lower case, error.message the task's error).
seedance::upstream::v1::VideosResponse UpstreamCallbackBody(const StoredTask& record);

}  // namespace seedance::server::webhooks

#endif  // SEEDANCE_SERVER_WEBHOOKS_WEBHOOK_PAYLOAD_H_
