// BuildNewTask: the stored record of a task about to be created, from the
// caller's checked request alone. It needs no shared state, so it runs on
// the caller's thread (gRPC's, or the URL guard's), not on the task loop:
// the spec is copied once, into the record (the upstream body is derived
// from it when sent, never stored beside it), its fingerprint is hashed for
// request_id reuse checks, and the caller's upstream token is sealed.
//
//   absl::StatusOr<StoredTask> record = BuildNewTask(
//       caller, request, trace, checked.notes, settings, clock.Now(), keyring);
//   // record->task(): PENDING, sequence 1, new task id; revision 1
//
// Thread-safe.
#ifndef SEEDANCE_SERVER_CORE_NEW_TASK_H_
#define SEEDANCE_SERVER_CORE_NEW_TASK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/trace_context.h"
#include "seedance/gateway/v1/stored_task.pb.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/callers/authenticator.h"
#include "server/callers/keyring.h"
#include "server/store/task_store.h"

namespace seedance::server::core {

// What the gateway's configuration adds to every new task.
struct NewTaskSettings {
  // How the task learns its fate (a callback secret is made for CALLBACK).
  gateway::v1::DeliveryMode mode = gateway::v1::DELIVERY_MODE_HOLD;
  // The expiry when the spec sets no execution_expires_after.
  absl::Duration default_expires_after = absl::Seconds(172800);
  // Keep the caller's upstream token, sealed, for a restarted gateway.
  bool seal_credentials = true;
};

// The record of a new task (state PENDING, sequence 1, revision 1, marked
// submitted: it is sent as soon as it is durable), created at `now` (the
// manager passes the time the create arrived, before any DNS wait), in
// `trace`, with `notes` about accepted-but-ignored inputs. Fails only if
// sealing fails.
absl::StatusOr<StoredTask> BuildNewTask(const callers::Caller& caller,
                                        const v1::CreateVideoTaskRequest& request,
                                        const TraceContext& trace,
                                        std::vector<std::string> notes,
                                        const NewTaskSettings& settings, absl::Time now,
                                        const callers::Keyring& keyring);

// SHA-256 (hex) of the deterministic serialisation of `spec`: equal for
// equal specs, whatever the map order.
std::string SpecFingerprint(const v1::VideoSpec& spec);

}  // namespace seedance::server::core

#endif  // SEEDANCE_SERVER_CORE_NEW_TASK_H_
