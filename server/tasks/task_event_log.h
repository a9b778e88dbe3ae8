// TaskEventLog: one task's state changes, shared between the task loop
// (which appends) and any number of watch streams (which read). It is the
// gateway's fan-out: a watcher keeps only "the last sequence I sent" and
// pulls what follows, so a slow watcher costs no queue and never holds up
// the loop or other watchers.
//
//   auto log = std::make_shared<TaskEventLog>("task-1", history);
//   log->Subscribe(&watcher);                // watcher.OnTaskEvents() on news
//   std::vector<v1::TaskEvent> next = log->EventsAfter(last_sent, 1);
//   log->Unsubscribe(&watcher);              // no call to it after this returns
//
// A task has a handful of events (at most one per state), so the log keeps
// them all.
#ifndef SEEDANCE_SERVER_TASKS_TASK_EVENT_LOG_H_
#define SEEDANCE_SERVER_TASKS_TASK_EVENT_LOG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "seedance/v1/video_task.pb.h"

namespace seedance::server::tasks {

class TaskEventLog {
 public:
  class Subscriber {
   public:
    virtual ~Subscriber() = default;
    // New events are available, or the log closed. Runs on the appending
    // thread with the subscriber list locked: it must not block, and must
    // not call Subscribe/Unsubscribe.
    virtual void OnTaskEvents() = 0;
  };

  // `history`: the task's events so far, in sequence order.
  TaskEventLog(std::string task_id, std::vector<v1::TaskEvent> history);

  const std::string& task_id() const { return task_id_; }

  // Adds `event` (sequence = last + 1) and notifies subscribers. Thread-safe.
  void Append(v1::TaskEvent event);

  // Up to `max` events with a sequence greater than `after`. Thread-safe.
  std::vector<v1::TaskEvent> EventsAfter(uint64_t after, size_t max = SIZE_MAX) const;

  // The latest event; the log must not be empty. Thread-safe.
  v1::TaskEvent Latest() const;

  // The latest sequence (0 when empty) and whether it is terminal.
  // Thread-safe.
  uint64_t last_sequence() const;
  bool terminal() const;

  // Starts or stops notifications to `subscriber`. After Unsubscribe returns,
  // `subscriber` is never called again. Thread-safe.
  void Subscribe(Subscriber* subscriber);
  void Unsubscribe(Subscriber* subscriber);

  // Notifies every subscriber without a new event, e.g. on shutdown after
  // `closing()` is set. Thread-safe.
  void Close();
  bool closing() const;

  // Subscribers now. Thread-safe.
  size_t subscriber_count() const;

 private:
  void Notify();

  const std::string task_id_;
  mutable absl::Mutex events_mu_;
  std::vector<v1::TaskEvent> events_ ABSL_GUARDED_BY(events_mu_);
  bool closing_ ABSL_GUARDED_BY(events_mu_) = false;
  // Held while notifying, so that Unsubscribe waits for a notification in
  // progress. Ordered before any subscriber lock, which is ordered before
  // events_mu_.
  mutable absl::Mutex subscribers_mu_ ABSL_ACQUIRED_BEFORE(events_mu_);
  absl::flat_hash_set<Subscriber*> subscribers_ ABSL_GUARDED_BY(subscribers_mu_);
};

}  // namespace seedance::server::tasks

#endif  // SEEDANCE_SERVER_TASKS_TASK_EVENT_LOG_H_
