// WatchReactor: one server stream of WatchVideoTask / CreateAndWatchVideoTask.
// It follows a TaskEventLog: one write in flight at a time, the next chosen
// in OnWriteDone (the next event after the last sequence sent, else a
// heartbeat when one is due, else nothing until the log says there is news).
// The stream ends with OK after the terminal event, with the error of a
// failed open, with CANCELLED when the client goes away, with UNAVAILABLE
// when the gateway shuts down or when the client has taken nothing for
// `stall_timeout` while a message waited (UNAVAILABLE: clients resume with
// after_sequence, as after any dropped stream). It never
// blocks a gRPC thread and holds no queue: a slow client only delays itself,
// and holds at most the one message being written (heartbeats due meanwhile
// collapse into one; events are read from the log when the write is done).
//
//   auto* reactor = new WatchReactor(context, registry, scheduler, clock, options);
//   manager.OpenWatch(caller, id, [reactor](auto log) { reactor->Begin(log, after); });
//   return reactor;  // deletes itself in OnDone
#ifndef SEEDANCE_SERVER_SERVICE_WATCH_REACTOR_H_
#define SEEDANCE_SERVER_SERVICE_WATCH_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "seedance/v1/video_gateway.pb.h"
#include "server/tasks/task_event_log.h"

namespace seedance::server::service {

class WatchReactor;

// The open watch streams, so that shutdown can end them with a clear
// status, and what they hold. Thread-safe.
class WatchRegistry {
 public:
  struct Stats {
    // Streams open now.
    size_t open_streams = 0;
    // Streams with a message handed to gRPC whose write is not done.
    size_t writes_in_flight = 0;
    // Bytes of those messages, in all and in the largest one: what the
    // gateway holds for its watchers beyond gRPC's own per-stream buffers.
    size_t bytes_in_flight = 0;
    size_t max_stream_bytes_in_flight = 0;
    // Streams closed so far because their client stopped reading.
    uint64_t stalled_closed = 0;
  };

  enum class Admission { kAdded, kFull, kShuttingDown };
  // Adds `reactor` unless `max_streams` are open or shutdown has begun.
  Admission Add(WatchReactor* reactor, size_t max_streams);
  void Remove(WatchReactor* reactor);
  // Ends every open stream with UNAVAILABLE and refuses new ones (also
  // UNAVAILABLE: a client retries them, on another replica or once the
  // gateway is back).
  void ShutdownAll();
  // Waits until every stream has ended (its status handed to gRPC) or
  // `timeout` passed; whether none is left. Shutdown waits here before
  // gRPC's own shutdown, which would cancel them (CANCELLED) instead.
  bool AwaitEmpty(absl::Duration timeout) const;
  // Cancels every open stream with UNAVAILABLE at once (their status could
  // not wait behind unread messages any longer).
  void CancelAll();
  size_t size() const;
  // A snapshot of the open streams. Costs a lock per stream: for tests and
  // diagnostics, not per request.
  Stats GetStats() const;
  // Counts a stream closed for stalling.
  void CountStalled();

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_set<WatchReactor*> reactors_ ABSL_GUARDED_BY(mu_);
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t stalled_closed_ ABSL_GUARDED_BY(mu_) = 0;
};

class WatchReactor : public grpc::ServerWriteReactor<v1::WatchVideoTaskResponse>,
                     public tasks::TaskEventLog::Subscriber {
 public:
  struct Options {
    // A heartbeat after this long without a message (0: none).
    absl::Duration heartbeat_interval = absl::Seconds(10);
    // Open streams at most (further ones get RESOURCE_EXHAUSTED).
    size_t max_streams = 100000;
    // A stream whose write has not completed for this long (the client
    // stopped reading and gRPC's flow-control window is full) is closed with
    // UNAVAILABLE, freeing what it holds; the client resumes after
    // the last sequence it received. Checked on the heartbeat timer. 0: never.
    absl::Duration stall_timeout = absl::Minutes(5);
  };

  // `context` is the call's; all references must outlive the stream.
  WatchReactor(grpc::CallbackServerContext* context, WatchRegistry& registry,
               Scheduler& scheduler, const Clock& clock, Options options);

  // A callback that starts the stream on a log (or ends it with the
  // error), sending events after `after_sequence`, or from the current state
  // when unset. Safe to call from any thread at any time, also after the
  // stream ended (then it does nothing).
  std::function<void(absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>>)> BeginCallback(
      std::optional<uint64_t> after_sequence);

  // Ends the stream with `status` (e.g. a failed create), like BeginCallback
  // safe at any time from any thread.
  std::function<void(const absl::Status&)> FailCallback();

  // Ends the stream with UNAVAILABLE because the gateway stops (once the
  // events already durable are sent; a stream not yet begun sends its
  // first ones, e.g. the task id of a CreateAndWatch, first).
  void EndForShutdown();
  // A callback that does the same at once, dropping what is queued: for a
  // client that stopped reading. Safe from any thread, also after the
  // stream ended (then it does nothing).
  std::function<void()> ShutdownCanceller();

  // Whether a write is in flight, and the size of its message (0 if none).
  // Thread-safe.
  size_t bytes_in_flight() const;

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

  void Begin(absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> log,
             std::optional<uint64_t> after_sequence);
  void WriteNextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  grpc::Status ShutdownStatusLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // UNAVAILABLE with reason SHUTTING_DOWN, naming the sequence to resume
  // after when there is one.
  static grpc::Status ShutdownStatus(std::optional<uint64_t> resume_after);
  // The periodic timer: heartbeats and the stall check.
  void ScheduleTick() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnTick();
  // Closes a stalled stream at once (its status cannot wait behind the
  // unread messages). Not under mu_: gRPC may call back.
  void CancelStalled();
  void CancelForShutdown();

  grpc::CallbackServerContext* const context_;
  WatchRegistry& registry_;
  Scheduler& scheduler_;
  const Clock& clock_;
  const Options options_;
  std::shared_ptr<Liveness> liveness_;
  WatchRegistry::Admission admission_;

  mutable absl::Mutex mu_;
  std::shared_ptr<tasks::TaskEventLog> log_ ABSL_GUARDED_BY(mu_);
  uint64_t sent_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool heartbeat_due_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  // When the last write started.
  absl::Time last_write_ ABSL_GUARDED_BY(mu_);
  Scheduler::TimerId tick_timer_ ABSL_GUARDED_BY(mu_) = 0;
  // The message being written: it must outlive StartWrite. Emptied when the
  // write is done, so an idle stream holds no message.
  v1::WatchVideoTaskResponse message_ ABSL_GUARDED_BY(mu_);
  size_t message_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace seedance::server::service

#endif  // SEEDANCE_SERVER_SERVICE_WATCH_REACTOR_H_
