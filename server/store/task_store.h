// TaskStore: where the gateway keeps every task it accepted, so that a
// restarted (or SIGKILLed) gateway still knows them. Implementations:
// InMemoryTaskStore (tests, ephemeral runs) and SqliteTaskStore (the
// default, on disk). The interface is shaped so that a shared networked
// store can be added for several gateway replicas: writes are compare-and-
// set on a per-task revision, and a batch commits atomically.
//
//   TaskStore::Write w{.task = record, .expected_revision = 0,
//                      .event = first_event};
//   absl::Status s = store.Commit({w});   // create
//   absl::StatusOr<StoredTask> t = store.Get(task_id);
#ifndef SEEDANCE_SERVER_STORE_TASK_STORE_H_
#define SEEDANCE_SERVER_STORE_TASK_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "seedance/gateway/v1/stored_task.pb.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::server {
// The stored record of a task, the gateway's unit of work: every module of
// server/ speaks of it by this name.
using gateway::v1::StoredTask;
}  // namespace seedance::server

namespace seedance::server::store {

// One page of a task listing.
struct TaskPage {
  std::vector<StoredTask> tasks;
  // Pass back as ListQuery::page_token; empty on the last page.
  std::string next_page_token;
};

struct ListQuery {
  // Only this owner's tasks.
  std::string owner;
  // Only these states; empty means all.
  std::vector<v1::TaskState> states;
  // At most this many tasks (1 or more).
  int page_size = 50;
  // TaskPage::next_page_token of the previous page, or empty.
  std::string page_token;
};

// A gateway replica's claim on an unfinished task, with several replicas on
// one store (task_leases.h): the replica that holds it drives the task. The
// epoch rises with each claim, so a write carrying an older one is fenced out.
struct Lease {
  std::string replica;
  uint64_t epoch = 0;
  // Until when, by the clocks of the replicas (kept in step by NTP; the
  // lease time is seconds, clock skew milliseconds).
  absl::Time expires;
};

// Where a reader of a task's events stands: it has every event up to
// `after_sequence`.
struct EventCursor {
  std::string task_id;
  uint64_t after_sequence = 0;
};

class TaskStore {
 public:
  // One write of a batch.
  struct Write {
    // The task's new full record. Its `revision` must be expected_revision
    // + 1.
    StoredTask task;
    // The revision the stored record must have now; 0 creates the task.
    uint64_t expected_revision = 0;
    // Appended to the task's event history when set; its sequence must be
    // task.task().sequence().
    std::optional<v1::TaskEvent> event;
    // Stores that keep leases (task_leases.h): a create is stored with this
    // lease; an update applies only while the task's lease is still this
    // replica's at this epoch, else FAILED_PRECONDITION and nothing changes.
    // Unset: no lease check (one gateway, or a store without leases).
    std::optional<Lease> lease;
  };

  virtual ~TaskStore() = default;

  // Applies every write or none. ALREADY_EXISTS when a create collides with
  // an existing task id or (owner, request_id); ABORTED when a stored
  // revision differs from the expected one; FAILED_PRECONDITION when a
  // write's lease was lost to another replica; INVALID_ARGUMENT for a
  // malformed write; UNAVAILABLE/INTERNAL when the storage fails.
  virtual absl::Status Commit(absl::Span<const Write> writes) = 0;

  // The task, or NOT_FOUND.
  virtual absl::StatusOr<StoredTask> Get(absl::string_view task_id) = 0;

  // The task `owner` created with `request_id`, or NOT_FOUND.
  virtual absl::StatusOr<StoredTask> FindByRequestId(absl::string_view owner,
                                                     absl::string_view request_id) = 0;

  // The task's events with a sequence greater than `after_sequence`, in
  // order (empty for an unknown task).
  virtual absl::StatusOr<std::vector<v1::TaskEvent>> Events(
      absl::string_view task_id, uint64_t after_sequence) = 0;

  // The events of many tasks at once, each after its cursor: grouped by
  // task, in sequence order within a task (the order of the groups is the
  // store's). A networked store answers in one round trip per chunk; the
  // default reads task by task, which costs nothing in-process.
  virtual absl::StatusOr<std::vector<v1::TaskEvent>> EventsOfTasks(
      absl::Span<const EventCursor> cursors) {
    std::vector<v1::TaskEvent> out;
    for (const EventCursor& c : cursors) {
      absl::StatusOr<std::vector<v1::TaskEvent>> events = Events(c.task_id, c.after_sequence);
      if (!events.ok()) return events.status();
      for (v1::TaskEvent& e : *events) out.push_back(std::move(e));
    }
    return out;
  }

  // The owner's tasks, newest first. INVALID_ARGUMENT for a page token
  // this store did not issue.
  virtual absl::StatusOr<TaskPage> List(const ListQuery& query) = 0;

  // OK when the store can serve requests now; UNAVAILABLE (with why) when
  // it cannot, e.g. its server is unreachable. For readiness checks: the
  // in-process stores are always reachable.
  virtual absl::Status Ping() { return absl::OkStatus(); }

  // Every task not settled (see IsSettled in task_store_util.h: in
  // progress, or ended with a webhook delivery or a content fetch
  // pending), oldest first, for
  // recovery.
  virtual absl::StatusOr<std::vector<StoredTask>> ListUnfinished() = 0;
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_TASK_STORE_H_
