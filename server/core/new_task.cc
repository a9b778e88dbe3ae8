#include "server/core/new_task.h"

#include <utility>

#include "base/proto_time.h"
#include "base/random_id.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace seedance::server::core {

std::string SpecFingerprint(const v1::VideoSpec& spec) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    spec.SerializeToCodedStream(&coded);
  }
  return callers::Sha256Hex(bytes);
}

absl::StatusOr<StoredTask> BuildNewTask(const callers::Caller& caller,
                                        const v1::CreateVideoTaskRequest& request,
                                        const TraceContext& trace,
                                        std::vector<std::string> notes,
                                        const NewTaskSettings& settings, absl::Time now,
                                        const callers::Keyring& keyring) {
  StoredTask record;
  v1::VideoTask& task = *record.mutable_task();
  task.set_task_id(NewUuid());
  task.set_request_id(request.request_id());
  *task.mutable_spec() = request.spec();
  task.set_state(v1::TASK_STATE_PENDING);
  task.set_sequence(1);
  SetProtoTime(now, task.mutable_create_time());
  SetProtoTime(now, task.mutable_update_time());
  absl::Duration expires_after = request.spec().has_execution_expires_after_seconds()
                                     ? absl::Seconds(request.spec().execution_expires_after_seconds())
                                     : settings.default_expires_after;
  SetProtoTime(now + expires_after, task.mutable_expire_time());
  for (std::string& note : notes) task.add_notes(std::move(note));
  task.set_trace_id(trace.trace_id);
  record.set_traceparent(trace.Traceparent());
  record.set_owner(caller.owner);
  record.set_request_fingerprint(SpecFingerprint(request.spec()));
  record.set_mode(settings.mode);
  // Sent as soon as this record is durable: a crash after that may leave a
  // task the upstream accepted, which must never be resubmitted blindly.
  record.set_submitted(true);
  if (settings.mode == gateway::v1::DELIVERY_MODE_CALLBACK) {
    record.set_callback_secret(NewSecret(24));
  }
  if (settings.seal_credentials) {
    absl::StatusOr<std::string> sealed = keyring.Seal(caller.upstream_token);
    if (!sealed.ok()) return sealed.status();
    record.set_sealed_credential(*std::move(sealed));
  }
  record.set_revision(1);
  return record;
}

}  // namespace seedance::server::core
