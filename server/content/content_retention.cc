#include "server/content/content_retention.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "base/proto_time.h"
#include "server/content/task_content.h"
#include "server/model/result_content.h"
#include "upstream_api/status_details.h"

namespace seedance::server::content {

ContentRetention::ContentRetention(ContentRetentionOptions options, ContentStore& content,
                                   store::TaskStore& store, tasks::TaskRegistry& registry,
                                   tasks::TaskLoop& loop, Scheduler& scheduler,
                                   const Clock& clock)
    : options_(options),
      content_(content),
      store_(store),
      registry_(registry),
      loop_(loop),
      scheduler_(scheduler),
      clock_(clock) {}

ContentRetention::~ContentRetention() { Stop(); }

void ContentRetention::Start() { ScheduleNext(); }

void ContentRetention::Stop() {
  if (stopped_.exchange(true)) return;
  scheduler_.Cancel(timer_.load());
}

void ContentRetention::ScheduleNext() {
  if (stopped_) return;
  timer_ = scheduler_.RunAt(clock_.Now() + options_.sweep_interval, [this] {
    loop_.Post([this] {
      if (stopped_) return;
      Sweep([this](int) { ScheduleNext(); });
    });
  });
}

void ContentRetention::Sweep(std::function<void(int removed)> done) {
  absl::StatusOr<std::vector<std::string>> keys = content_.List();
  if (!keys.ok()) {
    Log(LogLevel::kWarning, "content_sweep_failed",
        {{"error", upstream_api::StatusSummary(keys.status())}});
    if (done) done(0);
    return;
  }
  // What is no longer there needs no watching.
  absl::flat_hash_set<std::string> present(keys->begin(), keys->end());
  absl::erase_if(due_, [&present](const auto& entry) { return !present.contains(entry.first); });
  const absl::Time now = clock_.Now();
  int removed = 0;
  for (const std::string& key : *keys) {
    std::optional<ResultContentKeyParts> parts = ParseResultContentKey(key);
    if (!parts.has_value()) continue;  // not a result file: not ours to judge
    auto due = due_.find(key);
    if (due == due_.end()) {
      absl::StatusOr<StoredTask> record = store_.Get(parts->task_id);
      if (!record.ok()) {
        // No such task (not ours to judge), or the store is away (next time).
        if (!absl::IsNotFound(record.status())) {
          Log(LogLevel::kWarning, "content_sweep_failed",
              {{"task_id", parts->task_id},
               {"error", upstream_api::StatusSummary(record.status())}});
        }
        continue;
      }
      const v1::ContentCopy& copy = model::CopyOf(record->task(), parts->file);
      if (copy.state() == v1::CONTENT_STATE_EXPIRED) {
        // Marked, but the file outlived a crash between the two steps.
        if (content_.Remove(key).ok()) ++removed;
        continue;
      }
      // PENDING (a fetch renaming into place right now) or anything else:
      // the task does not say this file may go.
      if (copy.state() != v1::CONTENT_STATE_STORED) continue;
      absl::Time expires = copy.has_expire_time()
                               ? FromProtoTime(copy.expire_time())
                               : FromProtoTime(copy.store_time()) + options_.ttl;
      due = due_.emplace(key, expires).first;
    }
    if (due->second > now) continue;
    Expire(key, parts->task_id, parts->file);
    ++removed;
  }
  if (done) done(removed);
}

void ContentRetention::Expire(const std::string& key, const std::string& task_id,
                              model::ResultFile file) {
  registry_.UpdateStored(
      task_id,
      [file](StoredTask& record) {
        v1::ContentCopy& copy = model::MutableCopyOf(*record.mutable_task(), file);
        if (copy.state() == v1::CONTENT_STATE_STORED) copy.set_state(v1::CONTENT_STATE_EXPIRED);
      },
      [this, key, task_id, file](absl::Status status) {
        if (!status.ok()) {
          // Kept until the next sweep tries again.
          Log(LogLevel::kWarning, "content_expiry_failed",
              {{"task_id", task_id}, {"error", upstream_api::StatusSummary(status)}});
          return;
        }
        absl::Status gone = content_.Remove(key);
        due_.erase(key);
        stats_->ContentExpired();
        Log(gone.ok() ? LogLevel::kInfo : LogLevel::kWarning, "content_expired",
            {{"task_id", task_id},
             {"file", model::ResultFileName(file)},
             {"error", gone.ok() ? "" : upstream_api::StatusSummary(gone)}});
      });
}

}  // namespace seedance::server::content
