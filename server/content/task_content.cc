#include "server/content/task_content.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/backoff.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "server/content/content_read.h"
#include "server/model/gateway_errors.h"
#include "upstream_api/status_details.h"

namespace seedance::server::content {

std::string ResultContentKey(absl::string_view task_id, model::ResultFile file) {
  return absl::StrCat(task_id, ".", model::ResultFileName(file));
}

std::optional<ResultContentKeyParts> ParseResultContentKey(absl::string_view key) {
  for (model::ResultFile file : model::kResultFiles) {
    absl::string_view suffix = model::ResultFileName(file);
    if (key.size() > suffix.size() + 1 && absl::EndsWith(key, suffix) &&
        key[key.size() - suffix.size() - 1] == '.') {
      return ResultContentKeyParts{std::string(key.substr(0, key.size() - suffix.size() - 1)),
                                   file};
    }
  }
  return std::nullopt;
}

TaskContent::TaskContent(ContentFetcher* fetcher, TaskContentOptions options,
                         tasks::TaskRegistry& registry, tasks::TaskLoop& loop,
                         Scheduler& scheduler, const Clock& clock)
    : fetcher_(fetcher),
      options_(options),
      registry_(registry),
      loop_(loop),
      scheduler_(scheduler),
      clock_(clock) {}

void TaskContent::OnTaskEnded(const StoredTask& record) {
  const v1::VideoTask& task = record.task();
  for (model::ResultFile file : model::kResultFiles) {
    if (model::CopyOf(task, file).state() != v1::CONTENT_STATE_PENDING) continue;
    if (fetcher_ == nullptr) {
      RecordOutcome(task.task_id(), task.trace_id(), file,
                    absl::FailedPreconditionError(
                        "this gateway keeps no result files (--keep_content=false)"),
                    0);
      continue;
    }
    std::string key = ResultContentKey(task.task_id(), file);
    if (!fetching_.insert(key).second) continue;
    const bool video = file == model::ResultFile::kVideo;
    fetcher_->Fetch(
        {.url = model::SourceUrlOf(task, file),
         .key = key,
         .kind = video ? ContentKind::kVideo : ContentKind::kImage,
         .max_bytes = video ? options_.max_video_bytes : options_.max_image_bytes,
         .task_id = task.task_id(),
         .trace_id = task.trace_id()},
        [this, key, file, task_id = task.task_id(), trace_id = task.trace_id()](
            absl::StatusOr<FetchedContent> outcome, int attempts) {
          loop_.Post([this, key, file, task_id, trace_id, outcome = std::move(outcome),
                      attempts]() mutable {
            fetching_.erase(key);
            RecordOutcome(task_id, trace_id, file, std::move(outcome), attempts);
          });
        });
  }
}

void TaskContent::RecordOutcome(const std::string& task_id, const std::string& trace_id,
                                model::ResultFile file, absl::StatusOr<FetchedContent> outcome,
                                int attempts) {
  // The copy as it will be recorded, made once (the write may be retried).
  v1::ContentCopy copy;
  if (!outcome.ok()) {
    absl::Status failure = upstream_api::WithErrorInfo(
        absl::Status(outcome.status().code(),
                     absl::StrCat("the ", model::ResultFileName(file),
                                  " could not be kept: ", outcome.status().message())),
        "CONTENT_NOT_KEPT", model::kGatewayErrorDomain,
        {{"file", model::ResultFileName(file)}, {"attempts", absl::StrCat(attempts)}});
    copy.set_state(v1::CONTENT_STATE_FAILED);
    *copy.mutable_error() = upstream_api::ToRpcStatus(failure);
  } else {
    const absl::Time now = clock_.Now();
    copy.set_state(v1::CONTENT_STATE_STORED);
    copy.set_content_type(outcome->content_type);
    copy.set_size_bytes(outcome->info.size);
    copy.set_sha256(outcome->info.sha256);
    SetProtoTime(now, copy.mutable_store_time());
    if (options_.ttl > absl::ZeroDuration()) {
      SetProtoTime(now + options_.ttl, copy.mutable_expire_time());
    }
  }
  stats_->ContentFetched(ResultFileProto(file), outcome.status(),
                         outcome.ok() ? outcome->info.size : 0);
  WriteCopy({.task_id = task_id, .trace_id = trace_id, .file = file, .copy = std::move(copy),
             .attempts = attempts, .delay = kFirstWriteRetry});
}

void TaskContent::WriteCopy(Outcome outcome) {
  auto applied = std::make_shared<bool>(false);
  registry_.UpdateStored(
      outcome.task_id,
      [&outcome, applied](StoredTask& record) {
        v1::ContentCopy& copy = model::MutableCopyOf(*record.mutable_task(), outcome.file);
        // Only a copy still expected takes an outcome: a late one (another
        // replica's fetch after a takeover) never replaces what is there.
        if (copy.state() != v1::CONTENT_STATE_PENDING) return;
        copy = outcome.copy;
        *applied = true;
      },
      [this, outcome, applied](absl::Status status) mutable {
        const bool stored = outcome.copy.state() == v1::CONTENT_STATE_STORED;
        if (status.ok()) {
          Log(stored || !*applied ? LogLevel::kInfo : LogLevel::kWarning,
              !*applied ? "content_outcome_ignored" : stored ? "content_stored" : "content_failed",
              {{"task_id", outcome.task_id},
               {"trace_id", outcome.trace_id},
               {"file", model::ResultFileName(outcome.file)},
               {"attempts", absl::StrCat(outcome.attempts)},
               {"size", stored ? absl::StrCat(outcome.copy.size_bytes()) : ""},
               {"sha256", outcome.copy.sha256()},
               {"error", outcome.copy.error().message()}});
          return;
        }
        if (absl::IsNotFound(status)) return;  // the task is gone: nothing to record
        // The record changed under this write (another write of the task
        // in the same batch): read it again now. The store away: later.
        Log(LogLevel::kWarning, "content_record_retry",
            {{"task_id", outcome.task_id},
             {"trace_id", outcome.trace_id},
             {"error", upstream_api::StatusSummary(status)}});
        if (absl::IsAborted(status)) {
          loop_.Post([this, outcome = std::move(outcome)]() mutable { WriteCopy(std::move(outcome)); });
          return;
        }
        absl::Duration delay = outcome.delay;
        outcome.delay = NextBackoff(outcome.delay, kLastWriteRetry);
        scheduler_.RunAt(clock_.Now() + delay, [this, outcome = std::move(outcome)]() mutable {
          loop_.Post([this, outcome = std::move(outcome)]() mutable {
            WriteCopy(std::move(outcome));
          });
        });
      });
}

}  // namespace seedance::server::content
