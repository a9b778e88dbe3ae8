// WatchReactor: one server stream of WatchVideoTask / CreateAndWatchVideoTask.
// It follows a TaskEventLog: one write in flight at a time, the next chosen
// in OnWriteDone (the next event after the last sequence sent, else a
// heartbeat when one is due, else nothing until the log says there is news).
// The stream ends with OK after the terminal event, with the error of a
// failed open, with CANCELLED when the client goes away, or with UNAVAILABLE
// when the gateway shuts down. It never blocks a gRPC thread and holds no
// queue: a slow client only delays itself.
//
//   auto* reactor = new WatchReactor(registry, scheduler, clock, options);
//   manager.OpenWatch(caller, id, [reactor](auto log) { reactor->Begin(log, after); });
//   return reactor;  // deletes itself in OnDone
#ifndef SEEDANCE_SERVER_WATCH_REACTOR_H_
#define SEEDANCE_SERVER_WATCH_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/scheduler.h"
#include "server/task_event_log.h"

namespace seedance::server {

class WatchReactor;

// The open watch streams, so that shutdown can end them with a clear
// status. Thread-safe.
class WatchRegistry {
 public:
  // Adds `reactor` unless `max_streams` are open. False: refused.
  bool Add(WatchReactor* reactor, size_t max_streams);
  void Remove(WatchReactor* reactor);
  // Ends every open stream with UNAVAILABLE and refuses new ones.
  void ShutdownAll();
  size_t size() const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_set<WatchReactor*> reactors_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

class WatchReactor : public grpc::ServerWriteReactor<v1::WatchVideoTaskResponse>,
                     public TaskEventLog::Subscriber {
 public:
  struct Options {
    // A heartbeat after this long without a message (0: none).
    absl::Duration heartbeat_interval = absl::Seconds(10);
    // Open streams at most (further ones get RESOURCE_EXHAUSTED).
    size_t max_streams = 100000;
  };

  // All references must outlive the stream.
  WatchReactor(WatchRegistry& registry, Scheduler& scheduler, const Clock& clock,
               Options options);

  // A callback that starts the stream on a log (or ends it with the
  // error), sending events after `after_sequence`, or from the current state
  // when unset. Safe to call from any thread at any time, also after the
  // stream ended (then it does nothing).
  std::function<void(absl::StatusOr<std::shared_ptr<TaskEventLog>>)> BeginCallback(
      std::optional<uint64_t> after_sequence);

  // Ends the stream with `status` (e.g. a failed create), like BeginCallback
  // safe at any time from any thread.
  std::function<void(const absl::Status&)> FailCallback();

  // Ends the stream with UNAVAILABLE because the gateway stops.
  void EndForShutdown();

  // TaskEventLog::Subscriber:
  void OnTaskEvents() override;

  // grpc::ServerWriteReactor:
  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  // Guards calls from other threads (task loop, timers) against a reactor
  // that is gone: OnDone clears `reactor` under `mu` before deleting.
  struct Liveness {
    absl::Mutex mu;
    WatchReactor* reactor ABSL_GUARDED_BY(mu);
  };

  void Begin(absl::StatusOr<std::shared_ptr<TaskEventLog>> log,
             std::optional<uint64_t> after_sequence);
  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  grpc::Status ShutdownStatusLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleHeartbeat();
  void OnHeartbeatDue();

  WatchRegistry& registry_;
  Scheduler& scheduler_;
  const Clock& clock_;
  const Options options_;
  std::shared_ptr<Liveness> liveness_;
  bool registered_ = false;

  mutable absl::Mutex mu_;
  std::shared_ptr<TaskEventLog> log_ ABSL_GUARDED_BY(mu_);
  uint64_t sent_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool heartbeat_due_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_write_ ABSL_GUARDED_BY(mu_);
  Scheduler::TimerId heartbeat_timer_ ABSL_GUARDED_BY(mu_) = 0;
  // The message being written: it must outlive StartWrite.
  v1::WatchVideoTaskResponse message_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::server

#endif  // SEEDANCE_SERVER_WATCH_REACTOR_H_
