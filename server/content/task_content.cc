#include "server/content/task_content.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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
                         tasks::TaskRegistry& registry, tasks::TaskLoop& loop, const Clock& clock)
    : fetcher_(fetcher), options_(options), registry_(registry), loop_(loop), clock_(clock) {}

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
  absl::Status failure;
  if (!outcome.ok()) {
    failure = upstream_api::WithErrorInfo(
        absl::Status(outcome.status().code(),
                     absl::StrCat("the ", model::ResultFileName(file),
                                  " could not be kept: ", outcome.status().message())),
        "CONTENT_NOT_KEPT", model::kGatewayErrorDomain,
        {{"file", model::ResultFileName(file)}, {"attempts", absl::StrCat(attempts)}});
  }
  Log(outcome.ok() ? LogLevel::kInfo : LogLevel::kWarning,
      outcome.ok() ? "content_stored" : "content_failed",
      {{"task_id", task_id},
       {"trace_id", trace_id},
       {"file", model::ResultFileName(file)},
       {"attempts", absl::StrCat(attempts)},
       {"size", outcome.ok() ? absl::StrCat(outcome->info.size) : ""},
       {"sha256", outcome.ok() ? outcome->info.sha256 : ""},
       {"error", outcome.ok() ? "" : upstream_api::StatusSummary(failure)}});
  stats_->ContentFetched(ResultFileProto(file), outcome.status(),
                         outcome.ok() ? outcome->info.size : 0);
  absl::Time now = clock_.Now();
  registry_.UpdateStored(
      task_id,
      [&](StoredTask& record) {
        v1::ContentCopy& copy = model::MutableCopyOf(*record.mutable_task(), file);
        copy.Clear();
        if (!outcome.ok()) {
          copy.set_state(v1::CONTENT_STATE_FAILED);
          *copy.mutable_error() = upstream_api::ToRpcStatus(failure);
          return;
        }
        copy.set_state(v1::CONTENT_STATE_STORED);
        copy.set_content_type(outcome->content_type);
        copy.set_size_bytes(outcome->info.size);
        copy.set_sha256(outcome->info.sha256);
        SetProtoTime(now, copy.mutable_store_time());
        if (options_.ttl > absl::ZeroDuration()) {
          SetProtoTime(now + options_.ttl, copy.mutable_expire_time());
        }
      },
      nullptr);
}

}  // namespace seedance::server::content
