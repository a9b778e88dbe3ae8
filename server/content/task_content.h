// TaskContent: keeps the result files of succeeded tasks. When a task ends
// SUCCEEDED with copies PENDING (the driver marks them in the SUCCEEDED
// commit), it has the ContentFetcher download each into the content store
// and records the outcome in the task's stored record through the registry:
// STORED with type, size and SHA-256, or FAILED with why. The task's own
// state is not touched: a file that cannot be kept fails the copy, never
// the task. A restarted gateway calls OnTaskEnded again for tasks still
// PENDING (recovery), and they are fetched anew; a partial file of the
// previous process is never served (content_store.h).
//
//   TaskContent content(&fetcher, {.max_video_bytes = 512 << 20}, registry, loop, scheduler,
//                       clock);
//   content.OnTaskEnded(record);  // loop thread; no-op unless a copy is PENDING
#ifndef SEEDANCE_SERVER_CONTENT_TASK_CONTENT_H_
#define SEEDANCE_SERVER_CONTENT_TASK_CONTENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "server/content/content_fetcher.h"
#include "server/model/result_content.h"
#include "server/stats/gateway_stats.h"
#include "server/store/task_store.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"

namespace seedance::server::content {

struct TaskContentOptions {
  // Size caps of kept files (--max_video_bytes, --max_image_bytes).
  int64_t max_video_bytes = int64_t{512} << 20;
  int64_t max_image_bytes = int64_t{32} << 20;
  // How long a kept file stays (--content_ttl; ContentRetention removes
  // it then); 0: for good.
  absl::Duration ttl = absl::ZeroDuration();
};

// The content store key of a task's result file: "<task_id>.video" or
// "<task_id>.last_frame" (task ids are UUIDs, so the key is a safe name).
std::string ResultContentKey(absl::string_view task_id, model::ResultFile file);

// The task and file a key of ResultContentKey names; nullopt for any other
// key.
struct ResultContentKeyParts {
  std::string task_id;
  model::ResultFile file;
};
std::optional<ResultContentKeyParts> ParseResultContentKey(absl::string_view key);

class TaskContent {
 public:
  // `fetcher` may be null: the gateway keeps no content, and a copy left
  // PENDING by an earlier process that did is recorded FAILED (saying so).
  // All references must outlive this.
  TaskContent(ContentFetcher* fetcher, TaskContentOptions options, tasks::TaskRegistry& registry,
              tasks::TaskLoop& loop, Scheduler& scheduler, const Clock& clock);

  // Starts fetching every PENDING copy of the ended task `record` that is
  // not being fetched here already. Loop thread.
  void OnTaskEnded(const StoredTask& record);

  // Where outcomes are counted (stats::NoStats() until set).
  void SetStats(stats::GatewayStats& stats) { stats_ = &stats; }

 private:
  // A write of an outcome that failed is tried again: at once after a
  // conflict, after these (doubling) while the store is away.
  static constexpr absl::Duration kFirstWriteRetry = absl::Seconds(1);
  static constexpr absl::Duration kLastWriteRetry = absl::Minutes(1);

  // One fetch's outcome, as it is recorded.
  struct Outcome {
    std::string task_id;
    std::string trace_id;
    model::ResultFile file;
    v1::ContentCopy copy;
    int attempts = 0;
    absl::Duration delay;  // before the next try, if the store is away
  };

  // Writes `outcome` into the task if its copy is still PENDING, until the
  // write lands (or the task is gone). Loop thread.
  void WriteCopy(Outcome outcome);

  // Stores the outcome of one finished fetch. Loop thread.
  void RecordOutcome(const std::string& task_id, const std::string& trace_id,
                     model::ResultFile file, absl::StatusOr<FetchedContent> outcome,
                     int attempts);

  ContentFetcher* const fetcher_;
  const TaskContentOptions options_;
  tasks::TaskRegistry& registry_;
  tasks::TaskLoop& loop_;
  Scheduler& scheduler_;
  const Clock& clock_;
  // Keys being fetched by this process (a takeover or a second recovery
  // pass must not start the same download twice). Loop thread.
  absl::flat_hash_set<std::string> fetching_;
  stats::GatewayStats* stats_ = &stats::NoStats();
};

}  // namespace seedance::server::content

#endif  // SEEDANCE_SERVER_CONTENT_TASK_CONTENT_H_
