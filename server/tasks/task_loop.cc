#include "server/tasks/task_loop.h"

#include <pthread.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "base/log.h"
#include "upstream_api/status_details.h"

namespace seedance::server::tasks {

TaskLoop::TaskLoop(store::TaskStore& store, Options options)
    : store_(store), options_(options) {}

TaskLoop::~TaskLoop() { Stop(); }

void TaskLoop::Start() {
  thread_ = std::thread([this] { ThreadMain(); });
}

void TaskLoop::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  queue_.clear();
}

void TaskLoop::Post(std::function<void()> fn) {
  absl::Time now = timed() ? options_.clock->Now() : absl::InfinitePast();
  absl::MutexLock lock(&mu_);
  if (stopped_) return;
  queue_.push_back({std::move(fn), now});
}

absl::Duration TaskLoop::oldest_wait() const {
  if (!timed()) return absl::ZeroDuration();
  absl::Time now = options_.clock->Now();
  absl::MutexLock lock(&mu_);
  if (queue_.empty()) return absl::ZeroDuration();
  return std::max(absl::ZeroDuration(), now - queue_.front().at);
}

void TaskLoop::Stage(store::TaskStore::Write write, std::function<void(absl::Status)> committed) {
  staged_.push_back({std::move(write), std::move(committed)});
}

bool TaskLoop::OnLoop() const {
  return std::this_thread::get_id() == loop_thread_id_;
}

int64_t TaskLoop::batches_committed() const {
  absl::MutexLock lock(&mu_);
  return batches_;
}

int64_t TaskLoop::writes_committed() const {
  absl::MutexLock lock(&mu_);
  return writes_;
}

bool TaskLoop::RunBatch() {
  std::deque<Posted> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(queue_);
  }
  if (batch.empty() && staged_.empty()) return false;
  for (Posted& posted : batch) {
    if (timed()) options_.stats->LoopQueueDelay(options_.clock->Now() - posted.at);
    posted.fn();
  }
  CommitStaged();
  return true;
}

namespace {

// Which of the first `retried` writes (held after an unavailable store) the
// store already has: a commit whose answer was lost (a PostgreSQL COMMIT
// whose reply never came) landed after all. A task's held writes form a
// chain of revisions, so when the stored record is one of them, it and
// every earlier one of that task are in.
// nullopt when the store could not tell (it is still away): then nothing
// may be written, lest a write that landed be written again and refused.
std::optional<std::vector<bool>> AlreadyCommitted(
    store::TaskStore& store, const std::vector<store::TaskStore::Write>& writes,
    size_t retried) {
  std::vector<bool> in(writes.size(), false);
  absl::flat_hash_map<std::string, size_t> last_of_task;  // index of the newest stored
  absl::flat_hash_map<std::string, std::optional<StoredTask>> stored;
  for (size_t i = 0; i < retried; ++i) {
    const std::string& id = writes[i].task.task().task_id();
    auto [it, fresh] = stored.try_emplace(id);
    if (fresh) {
      absl::StatusOr<StoredTask> got = store.Get(id);
      if (got.ok()) {
        it->second = *std::move(got);
      } else if (!absl::IsNotFound(got.status())) {
        return std::nullopt;
      }
    }
    if (it->second.has_value() && it->second->revision() == writes[i].task.revision() &&
        it->second->SerializeAsString() == writes[i].task.SerializeAsString()) {
      last_of_task[id] = i;
    }
  }
  for (size_t i = 0; i < retried; ++i) {
    auto it = last_of_task.find(writes[i].task.task().task_id());
    in[i] = it != last_of_task.end() && i <= it->second;
  }
  return in;
}

}  // namespace

void TaskLoop::CommitStaged() {
  if (staged_.empty() && held_.empty()) return;
  // Held writes go first: later writes to the same task build on them.
  std::vector<Staged> staged = std::move(held_);
  held_.clear();
  size_t retried = staged.size();
  for (Staged& s : staged_) staged.push_back(std::move(s));
  staged_.clear();
  std::vector<store::TaskStore::Write> all;
  all.reserve(staged.size());
  for (const Staged& s : staged) all.push_back(s.write);
  absl::Time commit_start = timed() ? options_.clock->Now() : absl::InfinitePast();
  std::optional<std::vector<bool>> already =
      retried > 0 ? AlreadyCommitted(store_, all, retried) : std::vector<bool>(all.size());
  // What still has to be written, and where each went.
  std::vector<store::TaskStore::Write> writes;
  std::vector<size_t> index;
  for (size_t i = 0; i < all.size(); ++i) {
    if (already.has_value() && (*already)[i]) continue;
    writes.push_back(all[i]);
    index.push_back(i);
  }
  absl::Status status =
      !already.has_value()
          ? absl::UnavailableError("the store cannot be read yet to see what is in it")
      : writes.empty() ? absl::OkStatus()
                       : store_.Commit(writes);
  // A batch the store could not even be asked to take (still away) fails
  // as a commit does: an outage keeps showing, retry after retry.
  if (timed() && (!already.has_value() || !writes.empty())) {
    options_.stats->StoreCommitted(options_.clock->Now() - commit_start, status.ok());
  }
  std::vector<absl::Status> outcomes(staged.size(), absl::OkStatus());
  for (size_t k = 0; k < writes.size(); ++k) outcomes[index[k]] = status;
  if (!status.ok() && writes.size() > 1 &&
      (status.code() == absl::StatusCode::kAborted ||
       status.code() == absl::StatusCode::kAlreadyExists ||
       status.code() == absl::StatusCode::kFailedPrecondition ||
       status.code() == absl::StatusCode::kInvalidArgument)) {
    // One bad write must not fail its neighbours: commit them one by one.
    for (size_t k = 0; k < writes.size(); ++k) {
      outcomes[index[k]] = store_.Commit({&writes[k], 1});
    }
  }
  bool was_holding = retry_delay_ != absl::ZeroDuration();
  // While the store is away, once (store_writes_held), not once per batch.
  if (!status.ok() && !(was_holding && absl::IsUnavailable(status))) {
    Log(LogLevel::kWarning, "store_commit_failed",
        {{"writes", std::to_string(writes.size())}, {"error", upstream_api::StatusSummary(status)}});
  }
  int64_t committed = 0;
  std::vector<size_t> settled;
  for (size_t i = 0; i < staged.size(); ++i) {
    if (absl::IsUnavailable(outcomes[i]) && all[i].expected_revision != 0) {
      held_.push_back(std::move(staged[i]));
      continue;
    }
    committed += outcomes[i].ok() ? 1 : 0;
    settled.push_back(i);
  }
  if (held_.empty()) {
    retry_delay_ = absl::ZeroDuration();
    if (was_holding) {
      Log(LogLevel::kInfo, "store_writes_released", {{"writes", std::to_string(retried)}});
    }
  } else {
    retry_delay_ = was_holding ? std::min(retry_delay_ * 2, options_.retry_max)
                               : options_.retry_min;
    // Once per outage, not once per batch.
    if (!was_holding) {
      Log(LogLevel::kWarning, "store_writes_held",
          {{"writes", std::to_string(held_.size())},
           {"error", upstream_api::StatusSummary(status)}});
    }
  }
  {
    absl::MutexLock lock(&mu_);
    ++batches_;
    writes_ += committed;
  }
  // Continuations run now, in order: what they stage goes into the next
  // batch, what they post runs after it.
  for (size_t i : settled) {
    if (staged[i].committed) staged[i].committed(outcomes[i]);
  }
}

bool TaskLoop::RetryHeld() {
  CommitStaged();
  return held_.empty();
}

int TaskLoop::RunUntilIdle() {
  loop_thread_id_ = std::this_thread::get_id();
  int ran = 0;
  while (true) {
    size_t queued;
    {
      absl::MutexLock lock(&mu_);
      queued = queue_.size();
    }
    if (!RunBatch()) break;
    ran += static_cast<int>(queued);
  }
  loop_thread_id_ = std::thread::id();
  return ran;
}

void TaskLoop::ThreadMain() {
  pthread_setname_np(pthread_self(), "task-loop");
  loop_thread_id_ = std::this_thread::get_id();
  while (true) {
    // Work left by the last batch (writes its continuations staged) runs
    // at once; otherwise sleep until something is posted, or until it is
    // time to retry held writes.
    if (RunBatch()) continue;
    bool retry = false;
    {
      absl::MutexLock lock(&mu_);
      auto woken = absl::Condition(
          +[](TaskLoop* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_ || !self->queue_.empty();
          },
          this);
      if (held_.empty()) {
        mu_.Await(woken);
      } else {
        retry = !mu_.AwaitWithTimeout(woken, retry_delay_);
      }
      // Held writes are given up at a stop: they are updates whose effects
      // have not happened, and the next start resumes from what is stored.
      if (stopping_ && queue_.empty()) break;
    }
    if (retry) RetryHeld();
  }
}

}  // namespace seedance::server::tasks
