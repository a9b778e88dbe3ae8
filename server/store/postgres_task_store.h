// PostgresTaskStore: the TaskStore on a PostgreSQL server, so that several
// gateway replicas can share their tasks. The tables mirror the SQLite
// store's (postgres_schema.cc): a task is a row holding the serialised
// StoredTask plus the columns queries use; events are rows keyed by (task,
// sequence). A batch is one transaction; a write is compare-and-set on the
// task's revision, so a replica holding a stale copy changes nothing, and
// on the task's lease (TaskLeases) when it carries one.
//
//   absl::StatusOr<std::unique_ptr<PostgresTaskStore>> store =
//       PostgresTaskStore::Open({.conninfo = "postgresql://gateway@db/seedance"});
//
// While PostgreSQL is unreachable every call fails with UNAVAILABLE and the
// store reconnects by itself on a later call.
#ifndef SEEDANCE_SERVER_STORE_POSTGRES_TASK_STORE_H_
#define SEEDANCE_SERVER_STORE_POSTGRES_TASK_STORE_H_

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "server/store/event_hints.h"
#include "server/store/postgres_connection_pool.h"
#include "server/store/postgres_event_hints.h"
#include "server/store/task_leases.h"
#include "server/store/task_store.h"

namespace seedance::server::store {

// Thread-safe (a pool of connections).
class PostgresTaskStore : public TaskStore, public TaskLeases {
 public:
  struct Options {
    // A libpq URI or key=value string; PG* environment variables and
    // ~/.pgpass fill in what it leaves out (the password, say).
    std::string conninfo;
    // Connections open at most: concurrent reads, and a commit beside them.
    int max_connections = 4;
    absl::Duration connect_timeout = absl::Seconds(5);
    // Tell other replicas of committed events by LISTEN/NOTIFY
    // (postgres_event_hints.h), on one more connection.
    bool event_hints = true;
  };

  // Connects and migrates the schema (postgres_schema.h). UNAVAILABLE when
  // the server cannot be reached, FAILED_PRECONDITION when its schema is
  // newer than this build's.
  static absl::StatusOr<std::unique_ptr<PostgresTaskStore>> Open(const Options& options);

  // TaskStore:
  absl::Status Commit(absl::Span<const Write> writes) override;
  absl::StatusOr<StoredTask> Get(absl::string_view task_id) override;
  absl::StatusOr<StoredTask> FindByRequestId(absl::string_view owner,
                                             absl::string_view request_id) override;
  absl::StatusOr<std::vector<v1::TaskEvent>> Events(absl::string_view task_id,
                                                    uint64_t after_sequence) override;
  absl::StatusOr<std::vector<v1::TaskEvent>> EventsOfTasks(
      absl::Span<const EventCursor> cursors) override;
  absl::Status Ping() override;
  absl::StatusOr<TaskPage> List(const ListQuery& query) override;
  absl::StatusOr<std::vector<StoredTask>> ListUnfinished() override;

  // TaskLeases:
  absl::StatusOr<std::vector<Claim>> ClaimExpired(const ClaimQuery& query) override;
  absl::StatusOr<Claim> Steal(const std::string& replica, const std::string& task_id,
                              absl::Time now, absl::Duration ttl) override;
  absl::StatusOr<std::vector<std::pair<std::string, uint64_t>>> Renew(
      const std::string& replica, absl::Time now, absl::Duration ttl) override;
  absl::StatusOr<int64_t> CountInProgress() override;
  absl::Status Release(const std::string& replica,
                       absl::Span<const std::string> task_ids) override;

  // The hints other replicas' commits send; null without event_hints.
  EventHints* hints() { return hints_.get(); }

  // Connections open now (for tests and metrics).
  int open_connections() const { return pool_.open_connections(); }

 private:
  explicit PostgresTaskStore(const Options& options);

  // Runs `fn` on a pooled connection. `fn` sets *retryable when it failed
  // before anything reached the database; it then runs once more on a
  // fresh connection, since the one it had was probably broken by a
  // PostgreSQL restart since its last use.
  absl::Status WithConnection(absl::FunctionRef<absl::Status(PGconn*, bool* retryable)> fn);

  // One read statement whose rows are one serialised message each.
  template <typename Message>
  absl::StatusOr<std::vector<Message>> Query(absl::string_view what, const char* sql,
                                             const PgParams& params);

  PostgresConnectionPool pool_;
  std::unique_ptr<PostgresEventHints> hints_;
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_POSTGRES_TASK_STORE_H_
