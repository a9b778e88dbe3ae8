// TaskLoop: the one thread on which all task logic runs, and the place
// where task writes are made durable in batches.
//
// Work is posted as functions. The loop runs every function queued so far,
// then commits all the store writes they staged in one transaction (one
// fsync for the whole batch: group commit), then runs each write's
// continuation with the commit's status (writes they stage go into the next
// batch). Effects that others can observe (answering a client, notifying
// watchers, calling the upstream) belong in continuations, so nothing is
// acknowledged before it is durable.
//
//   loop.Post([&] {
//     loop.Stage(write, [&](absl::Status committed) { if (committed.ok()) Ack(); });
//   });
//
// When the store is unavailable (PostgreSQL restarting, say), a batch's
// creates fail at once (the client is told UNAVAILABLE and retries with its
// request_id), but its updates of existing tasks are held: they are
// committed, in order and before anything staged after them, once the store
// is back, and only then do their continuations run. A task's progress
// waits for the store rather than being lost.
//
// Tests drive a loop without its thread: RunUntilIdle() runs everything
// queued on the calling thread, deterministically.
#ifndef SEEDANCE_SERVER_TASKS_TASK_LOOP_H_
#define SEEDANCE_SERVER_TASKS_TASK_LOOP_H_

#include <atomic>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "server/stats/gateway_stats.h"
#include "server/store/task_store.h"

namespace seedance::server::tasks {

class TaskLoop {
 public:
  // `store` must outlive the loop.
  struct Options {
    // Held writes are retried after this, doubling up to retry_max while
    // the store stays unavailable (with the thread; RetryHeld() without).
    absl::Duration retry_min = absl::Milliseconds(50);
    absl::Duration retry_max = absl::Seconds(2);
    // With both: how long posted work waits and commits take is reported
    // (the clock must outlive the loop).
    const Clock* clock = nullptr;
    stats::GatewayStats* stats = nullptr;
  };
  explicit TaskLoop(store::TaskStore& store) : TaskLoop(store, Options()) {}
  TaskLoop(store::TaskStore& store, Options options);
  // Stops the thread (if started) after the queued work.
  ~TaskLoop();

  // Starts the loop's thread. Without it, RunUntilIdle() drives the loop.
  void Start();

  // Runs queued work and commits until nothing is left, then stops the
  // thread. Work posted afterwards is dropped. Idempotent.
  void Stop();

  // Queues `fn` to run on the loop. Thread-safe.
  void Post(std::function<void()> fn);

  // Stages `write` for the current batch; `committed` runs on the loop right
  // after the batch's commit, with the outcome for this write. Loop thread
  // only.
  void Stage(store::TaskStore::Write write, std::function<void(absl::Status)> committed);

  // Runs queued work (and commits) on the calling thread until the queue is
  // empty. Returns the number of functions run. For tests; not while the
  // thread runs.
  int RunUntilIdle();

  // Commits the held writes (and whatever is staged) now; true when none is
  // held any more. Loop thread only (the thread calls it on its own).
  bool RetryHeld();

  // Writes held while the store is unavailable. Loop thread only.
  size_t held_writes() const { return held_.size(); }

  // True on the loop's thread (or inside RunUntilIdle).
  bool OnLoop() const;

  // Batches committed so far and writes they held (for metrics and tests).
  int64_t batches_committed() const;
  // How long the oldest work still queued has waited (zero when none, or
  // without a clock): unlike the queue delay, which is reported when work
  // runs, this grows while the loop is stuck. Thread-safe.
  absl::Duration oldest_wait() const;
  int64_t writes_committed() const;

 private:
  bool timed() const { return options_.clock != nullptr && options_.stats != nullptr; }
  struct Staged {
    store::TaskStore::Write write;
    std::function<void(absl::Status)> committed;
  };

  // Runs one batch: queued functions, then the commit. False if idle.
  bool RunBatch();
  void CommitStaged();
  void ThreadMain();

  store::TaskStore& store_;
  const Options options_;
  mutable absl::Mutex mu_;
  struct Posted {
    std::function<void()> fn;
    absl::Time at;  // InfinitePast without a clock
  };
  std::deque<Posted> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  int64_t batches_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t writes_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
  std::atomic<std::thread::id> loop_thread_id_;
  // Loop thread only.
  std::vector<Staged> staged_;
  // Updates whose commit found the store unavailable, in staging order.
  std::vector<Staged> held_;
  // Before the next retry of held_ (zero while nothing is held).
  absl::Duration retry_delay_;
};

}  // namespace seedance::server::tasks

#endif  // SEEDANCE_SERVER_TASKS_TASK_LOOP_H_
