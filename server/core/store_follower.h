// StoreFollower: the event logs of tasks that another replica drives, fed
// from the store, so that a watcher connected to any replica sees every
// change of its task in order, each once. With several replicas, a watch of
// a task that is neither live here nor ended gets a followed log: every
// `interval`, and at once when the store's EventHints say a replica
// committed events, the follower reads the events after each log's last
// sequence, every followed task in one read (TaskStore::EventsOfTasks), and
// appends them. Hinted reads are at least `hint_gap` apart: hints that
// come sooner wait for the gap and are served by one read.
// A log is followed while a watcher holds it and until it ends.
//
//   StoreFollower follower(store, loop, scheduler, clock, absl::Seconds(1),
//                          absl::Milliseconds(2), &hints);
//   std::shared_ptr<tasks::TaskEventLog> log = follower.Follow(id, history);
//
// Loop thread only, but for the destructor.
#ifndef SEEDANCE_SERVER_CORE_STORE_FOLLOWER_H_
#define SEEDANCE_SERVER_CORE_STORE_FOLLOWER_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "server/store/event_hints.h"
#include "server/store/task_store.h"
#include "server/tasks/task_event_log.h"
#include "server/tasks/task_loop.h"

namespace seedance::server::core {

class StoreFollower {
 public:
  // All references must outlive the follower.
  // `hints` (may be null) trigger a catch-up as soon as a replica commits
  // events.
  StoreFollower(store::TaskStore& store, tasks::TaskLoop& loop, Scheduler& scheduler,
                const Clock& clock, absl::Duration interval, absl::Duration hint_gap,
                store::EventHints* hints = nullptr);
  ~StoreFollower();
  StoreFollower(const StoreFollower&) = delete;
  StoreFollower& operator=(const StoreFollower&) = delete;

  // The followed log of `task_id`: the one already followed, or a new one
  // starting from `history` (the task's events as stored).
  std::shared_ptr<tasks::TaskEventLog> Follow(const std::string& task_id,
                                              std::vector<v1::TaskEvent> history);

  // Follows `log` from now on: the log of a task this replica stopped
  // driving (another took it over), so that its watchers here go on seeing
  // its changes.
  void Track(std::shared_ptr<tasks::TaskEventLog> log);

  // Reads what the store has after each followed log's last event; drops
  // logs that ended or that no watcher holds any more.
  void CatchUp();

  // No more reads; the timer is cancelled. The scheduler may go after.
  void Stop();

  // Logs followed now (for tests and metrics).
  size_t followed() const { return followed_.size(); }
  // Reads of the store made so far (for tests and metrics).
  int reads() const { return reads_; }

 private:
  void ScheduleLocked();
  // On the loop, after a hint: a catch-up now, or at the end of the gap.
  void OnHint();
  // The events after `cursors`, one task at a time: after a read of them
  // all failed for a reason other than the store being away, so that one
  // task the store cannot answer for does not stall the others.
  absl::StatusOr<std::vector<v1::TaskEvent>> ReadEachTask(
      const std::vector<store::EventCursor>& cursors);

  store::TaskStore& store_;
  tasks::TaskLoop& loop_;
  Scheduler& scheduler_;
  const Clock& clock_;
  const absl::Duration interval_;
  const absl::Duration hint_gap_;
  // Per task, every log followed: one from Follow, and those of Track (a
  // task live here for a while has a log of its own).
  absl::flat_hash_map<std::string, std::vector<std::weak_ptr<tasks::TaskEventLog>>> followed_;
  bool scheduled_ = false;
  std::atomic<Scheduler::TimerId> timer_{0};
  std::atomic<bool> stopped_{false};
  store::EventHints* hints_;
  int subscription_ = 0;
  // A catch-up is posted or waits for the gap, and has not run yet (hints
  // coalesce).
  std::atomic<bool> hint_pending_{false};
  absl::Time last_hinted_read_ = absl::InfinitePast();
  std::atomic<Scheduler::TimerId> hint_timer_{0};
  int reads_ = 0;
};

}  // namespace seedance::server::core

#endif  // SEEDANCE_SERVER_CORE_STORE_FOLLOWER_H_
