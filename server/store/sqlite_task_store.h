// SqliteTaskStore: the default TaskStore, a SQLite database in WAL mode, so
// that every task acknowledged to a client survives a SIGKILL of the
// gateway. Tasks are rows holding the serialised StoredTask plus indexed
// columns (owner, request_id, state, creation time); events are rows of a
// second table. A batch is one transaction: one fsync for many writes.
//
//   absl::StatusOr<std::unique_ptr<SqliteTaskStore>> store =
//       SqliteTaskStore::Open({.path = "/var/lib/seedance/tasks.db"});
#ifndef SEEDANCE_SERVER_STORE_SQLITE_TASK_STORE_H_
#define SEEDANCE_SERVER_STORE_SQLITE_TASK_STORE_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "server/store/sqlite_handles.h"
#include "server/store/task_store.h"

namespace seedance::server::store {

// Thread-safe (one connection, serialised by a mutex).
class SqliteTaskStore : public TaskStore {
 public:
  enum class Durability {
    // synchronous=FULL: a committed batch survives power loss.
    kFull,
    // synchronous=NORMAL: survives a crash of the process (SIGKILL), may
    // lose the last batches on power loss; faster.
    kProcessCrash,
  };
  struct Options {
    // The database file; created with its directory's permissions.
    std::string path;
    Durability durability = Durability::kFull;
  };

  // Opens (creating if needed) the database and its schema.
  static absl::StatusOr<std::unique_ptr<SqliteTaskStore>> Open(const Options& options);

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
  explicit SqliteTaskStore(SqliteDb db) : db_(std::move(db)) {}
  absl::Status PrepareStatements() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ApplyWrite(const Write& write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  SqliteDb db_ ABSL_GUARDED_BY(mu_);
  SqliteStatement insert_task_ ABSL_GUARDED_BY(mu_);
  SqliteStatement update_task_ ABSL_GUARDED_BY(mu_);
  SqliteStatement insert_event_ ABSL_GUARDED_BY(mu_);
  SqliteStatement get_task_ ABSL_GUARDED_BY(mu_);
  SqliteStatement find_request_ ABSL_GUARDED_BY(mu_);
  SqliteStatement get_events_ ABSL_GUARDED_BY(mu_);
  SqliteStatement unfinished_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_SQLITE_TASK_STORE_H_
