#include "server/webhooks/webhook_payload.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "upstream_api/status_details.h"
#include "upstream_api/upstream_json.h"
#include "upstream_api/wire_values.h"

namespace seedance::server::webhooks {
namespace {

namespace wire = seedance::upstream::v1;

std::string StatusWord(v1::TaskState state) {
  switch (state) {
    case v1::TASK_STATE_SUCCEEDED: return std::string(upstream_api::kStatusSucceeded);
    case v1::TASK_STATE_EXPIRED: return std::string(upstream_api::kStatusExpired);
    case v1::TASK_STATE_CANCELLED: return std::string(upstream_api::kStatusCancelled);
    case v1::TASK_STATE_QUEUED: return std::string(upstream_api::kStatusQueued);
    case v1::TASK_STATE_RUNNING: return std::string(upstream_api::kStatusRunning);
    default: return std::string(upstream_api::kStatusFailed);
  }
}

std::string TaskEvent(const StoredTask& record, absl::Time now) {
  std::string task_json;
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(record.task(), &task_json, print);
  // Standard Webhooks' recommended shape: type, timestamp, data.
  return absl::StrCat(R"({"type":"video_task.ended","timestamp":")",
                      absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone()),
                      R"(","data":)", task_json, "}");
}

}  // namespace

wire::VideosResponse UpstreamCallbackBody(const StoredTask& record) {
  if (record.has_upstream_answer()) return record.upstream_answer();
  const v1::VideoTask& task = record.task();
  wire::VideosResponse body;
  const bool succeeded = task.state() == v1::TASK_STATE_SUCCEEDED;
  body.set_success(succeeded);
  body.set_task_id(task.upstream().task_id());
  body.set_trace_id(task.upstream().trace_id());
  wire::TaskData* data = body.add_data();
  data->set_task_id(task.upstream().provider_task_id());
  data->set_status(StatusWord(task.state()));
  data->set_model(task.result().model().empty() ? task.spec().model() : task.result().model());
  if (succeeded) {
    data->set_video_url(task.result().video_url());
    data->set_last_frame_url(task.result().last_frame_url());
    return body;
  }
  absl::Status error = upstream_api::FromRpcStatus(task.error());
  std::string code = "api_error";
  if (auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(error); info.has_value()) {
    auto upstream_code = info->metadata().find("upstream_code");
    code = upstream_code != info->metadata().end() ? upstream_code->second
                                                   : absl::AsciiStrToLower(info->reason());
  }
  body.mutable_error()->set_code(code);
  body.mutable_error()->set_message(std::string(error.message()));
  return body;
}

std::string WebhookPayload(const StoredTask& record, absl::Time now) {
  if (record.task().spec().callback_format() == v1::CALLBACK_FORMAT_UPSTREAM) {
    return upstream_api::ToWireJson(UpstreamCallbackBody(record));
  }
  return TaskEvent(record, now);
}

}  // namespace seedance::server::webhooks
