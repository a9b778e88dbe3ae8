#include "mock_upstream/task_store.h"

#include <utility>

namespace seedance::mock_upstream {

void TaskStore::Add(std::shared_ptr<const Task> task) {
  absl::MutexLock lock(&mu_);
  ends_[task->token_key].insert(task->finished_at);
  order_.push_back(task->id);
  tasks_[task->id] = std::move(task);
  while (order_.size() > max_tasks_) {
    tasks_.erase(order_.front());
    order_.pop_front();
  }
}

std::shared_ptr<const Task> TaskStore::Find(absl::string_view id) const {
  absl::MutexLock lock(&mu_);
  auto it = tasks_.find(id);
  return it == tasks_.end() ? nullptr : it->second;
}

int TaskStore::InFlight(absl::string_view token_key, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = ends_.find(token_key);
  if (it == ends_.end()) return 0;
  std::multiset<absl::Time>& ends = it->second;
  ends.erase(ends.begin(), ends.upper_bound(now));
  int count = static_cast<int>(ends.size());
  if (ends.empty()) ends_.erase(it);
  return count;
}

size_t TaskStore::size() const {
  absl::MutexLock lock(&mu_);
  return tasks_.size();
}

void TaskStore::Clear() {
  absl::MutexLock lock(&mu_);
  tasks_.clear();
  order_.clear();
  ends_.clear();
}

}  // namespace seedance::mock_upstream
