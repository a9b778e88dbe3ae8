#include "server/tasks/task_loop.h"

#include <pthread.h>

#include <utility>

#include "base/log.h"
#include "upstream_api/status_details.h"

namespace seedance::server::tasks {

TaskLoop::TaskLoop(store::TaskStore& store) : store_(store) {}

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

void TaskLoop::CommitStaged() {
  if (staged_.empty()) return;
  std::vector<Staged> staged;
  staged.swap(staged_);
  std::vector<store::TaskStore::Write> writes;
  writes.reserve(staged.size());
  for (const Staged& s : staged) writes.push_back(s.write);
  absl::Status status = store_.Commit(writes);
  std::vector<absl::Status> outcomes(staged.size(), status);
  if (!status.ok() && staged.size() > 1 &&
      (status.code() == absl::StatusCode::kAborted ||
       status.code() == absl::StatusCode::kAlreadyExists ||
       status.code() == absl::StatusCode::kInvalidArgument)) {
    // One bad write must not fail its neighbours: commit them one by one.
    for (size_t i = 0; i < staged.size(); ++i) {
      outcomes[i] = store_.Commit({&writes[i], 1});
    }
  }
  if (!status.ok()) {
    Log(LogLevel::kWarning, "store_commit_failed",
        {{"writes", std::to_string(staged.size())}, {"error", upstream_api::StatusSummary(status)}});
  }
  int64_t committed = 0;
  for (const absl::Status& s : outcomes) committed += s.ok() ? 1 : 0;
  {
    absl::MutexLock lock(&mu_);
    ++batches_;
    writes_ += committed;
  }
  // Continuations run now, in order: what they stage goes into the next
  // batch, what they post runs after it.
  for (size_t i = 0; i < staged.size(); ++i) {
    if (staged[i].committed) staged[i].committed(outcomes[i]);
  }
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
    // at once; otherwise sleep until something is posted.
    if (RunBatch()) continue;
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](TaskLoop* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
          return self->stopping_ || !self->queue_.empty();
        },
        this));
    if (stopping_ && queue_.empty()) break;
  }
}

}  // namespace seedance::server::tasks
