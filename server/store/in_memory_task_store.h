// InMemoryTaskStore: a TaskStore in process memory, for tests and for runs
// that need no durability (--in_memory_store). Same contract as the SQLite
// store; both pass tests/server/store/task_store_conformance_test.cc.
//
//   InMemoryTaskStore store;
//   core::TaskCore core(options, {.store = store, ...});
#ifndef SEEDANCE_SERVER_STORE_IN_MEMORY_TASK_STORE_H_
#define SEEDANCE_SERVER_STORE_IN_MEMORY_TASK_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "server/store/task_store.h"

namespace seedance::server::store {

// Thread-safe.
class InMemoryTaskStore : public TaskStore {
 public:
  // TaskStore:
  absl::Status Commit(absl::Span<const Write> writes) override;
  absl::StatusOr<StoredTask> Get(absl::string_view task_id) override;
  absl::StatusOr<StoredTask> FindByRequestId(absl::string_view owner,
                                             absl::string_view request_id) override;
  absl::StatusOr<std::vector<v1::TaskEvent>> Events(absl::string_view task_id,
                                                    uint64_t after_sequence) override;
  absl::StatusOr<TaskPage> List(const ListQuery& query) override;
  absl::StatusOr<std::vector<StoredTask>> ListUnfinished() override;

 private:
  struct Entry {
    StoredTask task;
    std::vector<v1::TaskEvent> events;
  };

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> tasks_ ABSL_GUARDED_BY(mu_);
  // (owner, request_id) -> task id.
  std::map<std::pair<std::string, std::string>, std::string> request_ids_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_IN_MEMORY_TASK_STORE_H_
