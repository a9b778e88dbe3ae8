#include "server/tasks/task_loop.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

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
  absl::MutexLock lock(&mu_);
  if (stopped_) return;
  queue_.push_back(std::move(fn));
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
  std::deque<std::function<void()>> batch;
  {
    absl::MutexLock lock(&mu_);
    batch.swap(queue_);
  }
  if (batch.empty() && staged_.empty()) return false;
  for (std::function<void()>& fn : batch) fn();
  CommitStaged();
  return true;
}

namespace {

// True when `write`, whose commit was retried after an unavailable store,
// is what the store holds now: the first attempt committed and only its
// answer was lost (a PostgreSQL COMMIT whose reply never came).
bool AlreadyCommitted(store::TaskStore& store, const store::TaskStore::Write& write) {
  absl::StatusOr<StoredTask> stored = store.Get(write.task.task().task_id());
  return stored.ok() && stored->revision() == write.task.revision() &&
         stored->SerializeAsString() == write.task.SerializeAsString();
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
  std::vector<store::TaskStore::Write> writes;
  writes.reserve(staged.size());
  for (const Staged& s : staged) writes.push_back(s.write);
  absl::Status status = store_.Commit(writes);
  std::vector<absl::Status> outcomes(staged.size(), status);
  if (!status.ok() && staged.size() > 1 &&
      (status.code() == absl::StatusCode::kAborted ||
       status.code() == absl::StatusCode::kAlreadyExists ||
       status.code() == absl::StatusCode::kFailedPrecondition ||
       status.code() == absl::StatusCode::kInvalidArgument)) {
    // One bad write must not fail its neighbours: commit them one by one.
    for (size_t i = 0; i < staged.size(); ++i) {
      outcomes[i] = store_.Commit({&writes[i], 1});
    }
  }
  bool was_holding = retry_delay_ != absl::ZeroDuration();
  // While the store is away, once (store_writes_held), not once per batch.
  if (!status.ok() && !(was_holding && absl::IsUnavailable(status))) {
    Log(LogLevel::kWarning, "store_commit_failed",
        {{"writes", std::to_string(staged.size())}, {"error", upstream_api::StatusSummary(status)}});
  }
  for (size_t i = 0; i < retried; ++i) {
    if (absl::IsAborted(outcomes[i]) && AlreadyCommitted(store_, writes[i])) {
      outcomes[i] = absl::OkStatus();
    }
  }
  int64_t committed = 0;
  std::vector<size_t> settled;
  for (size_t i = 0; i < staged.size(); ++i) {
    if (absl::IsUnavailable(outcomes[i]) && writes[i].expected_revision != 0) {
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
