// Task: one generation the mock runs, planned entirely at creation. Its
// status at any time follows from its planned times (queued until
// started_at, running until finished_at, then its final status), so the
// tasks endpoint, the held answers and the callbacks agree, and tests move
// an injected clock instead of sleeping:
//
//   Task task = PlanTask({.request = request, .scenario = scenario,
//                         .config = config, .now = clock.Now(), ...});
//   StatusAt(task, clock.Now());                  // "queued"
//   VideosResponse r = ResultAt(task, "succeeded", base_url);
//   TaskRecord record = RecordAt(task, clock.Now(), base_url);
//
// Functions are pure and thread-safe; a Task is immutable once planned.
#ifndef SEEDANCE_MOCK_UPSTREAM_TASK_H_
#define SEEDANCE_MOCK_UPSTREAM_TASK_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "mock_upstream/mock_options.h"
#include "mock_upstream/scenario.h"
#include "seedance/upstream/v1/tasks.pb.h"
#include "seedance/upstream/v1/videos.pb.h"

namespace seedance::mock_upstream {

// How the creating call is answered.
enum class TaskMode {
  kBlocking,  // hold the call until the task ends
  kCallback,  // {"task_id"} at once, the result POSTed to callback_url
  kAsync,     // {"task_id"} at once, the result read from the tasks endpoint
};

absl::string_view TaskModeName(TaskMode mode);

struct Task {
  std::string id;                // VideosAccepted.task_id, a UUID
  std::string provider_task_id;  // data.task_id, "cgt-20251222005129-62fhb"
  std::string trace_id;
  std::string media_id;          // names the video and last-frame files
  // When the result URLs stop serving (MockConfig::media_ttl).
  absl::Time media_expires_at = absl::InfiniteFuture();
  std::string token_key;         // fingerprint of the creating bearer token
  uint64_t epoch = 0;            // the mock's reset count at creation
  TaskMode mode = TaskMode::kBlocking;
  upstream::v1::VideosRequest request;
  Scenario scenario;
  absl::Time created_at;
  absl::Time started_at;   // == finished_at when it expires while queued
  absl::Time finished_at;
  std::string final_status;  // "succeeded", "failed" or "expired"
  std::string final_message;  // why it failed or expired
  // What the validator made of the request, for the journal and the
  // X-Mock-Effective-Params header: "--rs 720p --dur 5", and its notes.
  std::string effective_params;
  std::string notes;
  // Body keys the API does not know, comma-separated ("durtion"), for the
  // journal and the X-Mock-Unknown-Fields header.
  std::string unknown_fields;
};

struct TaskPlanInput {
  upstream::v1::VideosRequest request;
  Scenario scenario;
  MockConfig config;
  absl::Time now;
  std::string token_key;
  uint64_t epoch = 0;
};

// Plans a task: fresh ids, timing from scenario or config, the outcome from
// the scenario, and expiry when execution_expires_after comes before the
// planned end.
Task PlanTask(TaskPlanInput input);

// "queued", "running" or the final status, at `now`.
absl::string_view StatusAt(const Task& task, absl::Time now);

// True once `status` is final.
bool IsFinalStatus(absl::string_view status);

// The videos answer for `task` at `status`: the blocking answer and the
// callback body when final; data.status only while queued or running.
// Failed and expired answers have success false and an api_error `error`.
upstream::v1::VideosResponse ResultAt(const Task& task, absl::string_view status,
                                      absl::string_view base_url);

// The tasks endpoint's record at `now`.
upstream::v1::TaskRecord RecordAt(const Task& task, absl::Time now,
                                  absl::string_view base_url);

// The HTTP status of a final blocking answer: 200, or 500 when it failed or
// expired.
int FinalHttpStatus(const Task& task);

// Paths of the task's media, under the mock's base URL.
// "/seedance/<media_id>.mp4", with "?expires=<unix seconds>" when the
// links expire.
std::string VideoPath(const Task& task);
std::string LastFramePath(const Task& task);  // "/seedance/<media_id>.png" (same)

// A short, stable, non-reversible name for a bearer token (16 hex digits),
// so that the journal and logs never carry the token itself.
std::string TokenFingerprint(absl::string_view token);

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_TASK_H_
