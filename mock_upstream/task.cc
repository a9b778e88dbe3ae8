#include "mock_upstream/task.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/random_id.h"
#include "upstream_api/wire_values.h"

namespace seedance::mock_upstream {
namespace {

std::string MediaPath(const Task& task, absl::string_view extension) {
  std::string path = absl::StrCat("/seedance/", task.media_id, extension);
  if (task.media_expires_at != absl::InfiniteFuture()) {
    absl::StrAppend(&path, "?expires=", absl::ToUnixSeconds(task.media_expires_at));
  }
  return path;
}

// Microseconds, so that round values print round (…600.25, not …600.2499998).
double UnixSeconds(absl::Time t) {
  return static_cast<double>(absl::ToUnixMicros(t)) / 1e6;
}

}  // namespace

absl::string_view TaskModeName(TaskMode mode) {
  switch (mode) {
    case TaskMode::kBlocking: return "blocking";
    case TaskMode::kCallback: return "callback";
    case TaskMode::kAsync: return "async";
  }
  return "blocking";
}

Task PlanTask(TaskPlanInput input) {
  Task task;
  task.id = NewUuid();
  task.trace_id = NewUuid();
  task.media_id = NewUuid();
  task.provider_task_id =
      absl::StrCat("cgt-", absl::FormatTime("%Y%m%d%H%M%S", input.now, absl::UTCTimeZone()),
                   "-", NewSecret(3).substr(0, 5));
  task.token_key = std::move(input.token_key);
  task.epoch = input.epoch;
  if (!input.request.callback_url().empty()) {
    task.mode = TaskMode::kCallback;
  } else if (input.request.async()) {
    task.mode = TaskMode::kAsync;
  }
  const Scenario& s = input.scenario;
  absl::Duration queue = s.queue_time.value_or(input.config.queue_time);
  absl::Duration generation =
      s.generation_time.value_or(s.slow ? input.config.slow_generation_time
                                        : input.config.generation_time);
  task.created_at = input.now;
  task.started_at = input.now + queue;
  task.finished_at = task.started_at + generation;
  switch (s.outcome) {
    case Outcome::kSucceed:
      task.final_status = std::string(upstream_api::kStatusSucceeded);
      break;
    case Outcome::kFail:
      task.final_status = std::string(upstream_api::kStatusFailed);
      task.final_message = "video generation failed (mock scenario \"fail\")";
      break;
    case Outcome::kExpire:
      task.final_status = std::string(upstream_api::kStatusExpired);
      task.final_message = "the task expired before it finished (mock scenario \"expire\")";
      break;
  }
  if (input.request.has_execution_expires_after()) {
    absl::Time expires_at =
        input.now + absl::Seconds(input.request.execution_expires_after());
    if (expires_at < task.finished_at) {
      task.finished_at = expires_at;
      task.started_at = std::min(task.started_at, expires_at);
      task.final_status = std::string(upstream_api::kStatusExpired);
      task.final_message = absl::StrCat(
          "the task expired: not finished within execution_expires_after (",
          input.request.execution_expires_after(), " s)");
    }
  }
  if (input.config.media_ttl > absl::ZeroDuration()) {
    task.media_expires_at = task.finished_at + input.config.media_ttl;
  }
  task.scenario = std::move(input.scenario);
  task.request = std::move(input.request);
  return task;
}

absl::string_view StatusAt(const Task& task, absl::Time now) {
  if (now >= task.finished_at) return task.final_status;
  if (now >= task.started_at) return upstream_api::kStatusRunning;
  return upstream_api::kStatusQueued;
}

bool IsFinalStatus(absl::string_view status) {
  return status == upstream_api::kStatusSucceeded || status == upstream_api::kStatusFailed ||
         status == upstream_api::kStatusExpired || status == upstream_api::kStatusCancelled;
}

upstream::v1::VideosResponse ResultAt(const Task& task, absl::string_view status,
                                      absl::string_view base_url) {
  upstream::v1::VideosResponse response;
  response.set_task_id(task.id);
  response.set_trace_id(task.trace_id);
  upstream::v1::TaskData* data = response.add_data();
  data->set_task_id(task.provider_task_id);
  data->set_status(std::string(status));
  if (status == upstream_api::kStatusSucceeded) {
    response.set_success(true);
    data->set_video_url(absl::StrCat(base_url, VideoPath(task)));
  } else if (status == upstream_api::kStatusFailed || status == upstream_api::kStatusExpired) {
    response.set_success(false);
    response.mutable_error()->set_code(std::string(upstream_api::kErrorApiError));
    response.mutable_error()->set_message(task.final_message);
  } else {
    response.set_success(true);
  }
  data->set_model(task.request.model());
  if (status == upstream_api::kStatusSucceeded && task.request.return_last_frame()) {
    data->set_last_frame_url(absl::StrCat(base_url, LastFramePath(task)));
  }
  return response;
}

upstream::v1::TaskRecord RecordAt(const Task& task, absl::Time now,
                                  absl::string_view base_url) {
  upstream::v1::TaskRecord record;
  record.set_id(task.id);
  record.set_trace_id(task.trace_id);
  record.set_type("videos");
  record.set_created_at(UnixSeconds(task.created_at));
  absl::string_view status = StatusAt(task, now);
  if (status != upstream_api::kStatusQueued && task.started_at < task.finished_at) {
    record.set_started_at(UnixSeconds(task.started_at));
  }
  bool final = IsFinalStatus(status);
  if (final) record.set_finished_at(UnixSeconds(task.finished_at));
  record.set_elapsed(static_cast<double>(absl::ToInt64Microseconds(
                         (final ? task.finished_at : now) - task.created_at)) /
                     1e6);
  *record.mutable_request() = task.request;
  *record.mutable_response() = ResultAt(task, status, base_url);
  return record;
}

int FinalHttpStatus(const Task& task) {
  return task.final_status == upstream_api::kStatusSucceeded ? 200 : 500;
}

std::string VideoPath(const Task& task) { return MediaPath(task, ".mp4"); }

std::string LastFramePath(const Task& task) { return MediaPath(task, ".png"); }

std::string TokenFingerprint(absl::string_view token) {
  // FNV-1a, 64 bits: stable across runs, enough to tell tokens apart.
  uint64_t hash = 14695981039346656037ull;
  for (char c : token) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("%016x", hash);
}

}  // namespace seedance::mock_upstream
