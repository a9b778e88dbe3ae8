// TaskStore: the mock's tasks by id, shared by the videos endpoint (which
// adds them), the tasks endpoint (which reads them) and the quota (tasks in
// flight per token). Bounded: beyond `max_tasks` the oldest are forgotten.
//
//   TaskStore store(/*max_tasks=*/1000);
//   store.Add(std::make_shared<Task>(PlanTask(...)));
//   std::shared_ptr<const Task> t = store.Find(id);
//   int busy = store.InFlight(token_key, clock.Now());
//
// Thread-safe.
#ifndef SEEDANCE_MOCK_UPSTREAM_TASK_STORE_H_
#define SEEDANCE_MOCK_UPSTREAM_TASK_STORE_H_

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "mock_upstream/task.h"

namespace seedance::mock_upstream {

class TaskStore {
 public:
  explicit TaskStore(size_t max_tasks) : max_tasks_(max_tasks) {}

  void Add(std::shared_ptr<const Task> task);
  // The task with this id, or nullptr.
  std::shared_ptr<const Task> Find(absl::string_view id) const;
  // Tasks of `token_key` not ended at `now`.
  int InFlight(absl::string_view token_key, absl::Time now);
  size_t size() const;
  void Clear();

 private:
  const size_t max_tasks_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Task>> tasks_
      ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);  // oldest first
  // End times of each token's tasks; ended ones are dropped when counted.
  std::map<std::string, std::multiset<absl::Time>, std::less<>> ends_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_TASK_STORE_H_
