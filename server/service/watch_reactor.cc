#include "server/service/watch_reactor.h"

#include <grpc/grpc.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/proto_time.h"
#include "server/model/gateway_errors.h"
#include "server/service/grpc_status.h"
#include "server/tasks/task_registry.h"
#include "upstream_api/status_details.h"

namespace seedance::server::service {

WatchRegistry::Admission WatchRegistry::Add(WatchReactor* reactor, size_t max_streams) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return Admission::kShuttingDown;
  if (reactors_.size() >= max_streams) return Admission::kFull;
  reactors_.insert(reactor);
  return Admission::kAdded;
}

void WatchRegistry::Remove(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  reactors_.erase(reactor);
}

void WatchRegistry::ShutdownAll() {
  // Held throughout: a reactor cannot be deleted (OnDone removes itself
  // first) while it is being ended.
  absl::MutexLock lock(&mu_);
  shut_down_ = true;
  for (WatchReactor* reactor : reactors_) reactor->EndForShutdown();
}

bool WatchRegistry::AwaitEmpty(absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto empty = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return reactors_.empty(); };
  return mu_.AwaitWithTimeout(absl::Condition(&empty), timeout);
}

void WatchRegistry::CancelAll() {
  // Outside mu_ (OnDone takes it); each reactor is kept from going away by
  // its liveness lock meanwhile, as for its timer's stall check.
  std::vector<std::function<void()>> cancels;
  {
    absl::MutexLock lock(&mu_);
    for (WatchReactor* reactor : reactors_) cancels.push_back(reactor->ShutdownCanceller());
  }
  for (const std::function<void()>& cancel : cancels) cancel();
}

size_t WatchRegistry::size() const {
  absl::MutexLock lock(&mu_);
  return reactors_.size();
}

WatchRegistry::Stats WatchRegistry::GetStats() const {
  // Held throughout, as in ShutdownAll: no reactor goes away meanwhile.
  absl::MutexLock lock(&mu_);
  Stats stats;
  stats.open_streams = reactors_.size();
  stats.stalled_closed = stalled_closed_;
  for (const WatchReactor* reactor : reactors_) {
    size_t bytes = reactor->bytes_in_flight();
    if (bytes == 0) continue;
    ++stats.writes_in_flight;
    stats.bytes_in_flight += bytes;
    stats.max_stream_bytes_in_flight = std::max(stats.max_stream_bytes_in_flight, bytes);
  }
  return stats;
}

void WatchRegistry::CountStalled() {
  absl::MutexLock lock(&mu_);
  ++stalled_closed_;
}

WatchReactor::WatchReactor(grpc::CallbackServerContext* context, WatchRegistry& registry,
                           Scheduler& scheduler, const Clock& clock, Options options)
    : context_(context),
      registry_(registry),
      scheduler_(scheduler),
      clock_(clock),
      options_(options),
      liveness_(std::make_shared<Liveness>()) {
  liveness_->reactor = this;
  admission_ = registry_.Add(this, options_.max_streams);
}

std::function<void(absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>>)>
WatchReactor::BeginCallback(std::optional<uint64_t> after_sequence) {
  return [liveness = liveness_, after_sequence](
             absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> log) {
    absl::MutexLock lock(&liveness->mu);
    if (liveness->reactor != nullptr) liveness->reactor->Begin(std::move(log), after_sequence);
  };
}

std::function<void(const absl::Status&)> WatchReactor::FailCallback() {
  return [liveness = liveness_](const absl::Status& status) {
    absl::MutexLock lock(&liveness->mu);
    if (liveness->reactor == nullptr) return;
    absl::MutexLock reactor_lock(&liveness->reactor->mu_);
    liveness->reactor->FinishLocked(ToGrpcStatus(status));
  };
}

void WatchReactor::Begin(absl::StatusOr<std::shared_ptr<tasks::TaskEventLog>> log,
                         std::optional<uint64_t> after_sequence) {
  std::shared_ptr<tasks::TaskEventLog> opened;
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    if (admission_ == WatchRegistry::Admission::kFull) {
      FinishLocked(ToGrpcStatus(model::LimitRefusal(
          absl::StrCat("too many open watch streams: the gateway serves at most ",
                       options_.max_streams, " at once; retry later (RetryInfo)"),
          "TOO_MANY_STREAMS", absl::Seconds(5))));
      return;
    }
    if (admission_ == WatchRegistry::Admission::kShuttingDown) {
      FinishLocked(ShutdownStatus(after_sequence));
      return;
    }
    if (!log.ok()) {
      FinishLocked(ToGrpcStatus(log.status()));
      return;
    }
    opened = *std::move(log);
    uint64_t last = opened->last_sequence();
    if (after_sequence.has_value()) {
      if (*after_sequence > last && !opened->terminal()) {
        FinishLocked(ToGrpcStatus(absl::OutOfRangeError(
            absl::StrCat("after_sequence ", *after_sequence,
                         " is beyond the task's latest sequence ", last))));
        return;
      }
      sent_ = *after_sequence;
    } else {
      sent_ = last > 0 ? last - 1 : 0;  // start with the current state
    }
    log_ = opened;
    last_write_ = clock_.Now();
  }
  // Outside mu_: the log's subscriber lock comes before ours.
  opened->Subscribe(this);
  absl::MutexLock lock(&mu_);
  // The heartbeat timer exists before the first message leaves, so a client
  // that has read it can rely on the timer.
  ScheduleTick();
  WriteNextLocked();
}

void WatchReactor::WriteNextLocked() {
  if (writing_ || finished_ || log_ == nullptr) return;
  // Whether the log has ended is read before its events: read after, an
  // event appended in between (the terminal one) would end the stream
  // without being sent.
  const bool terminal = log_->terminal();
  const bool closing = log_->closing();
  std::vector<v1::TaskEvent> next = log_->EventsAfter(sent_, 1);
  if (!next.empty()) {
    sent_ = next[0].sequence();
    message_.Clear();
    *message_.mutable_status() = std::move(next[0]);
  } else if (terminal) {
    FinishLocked(grpc::Status::OK);
    return;
  } else if (closing || shutting_down_) {
    FinishLocked(ShutdownStatusLocked());
    return;
  } else if (heartbeat_due_ && sent_ > 0) {
    v1::TaskEvent latest = log_->Latest();
    message_.Clear();
    v1::Heartbeat* hb = message_.mutable_heartbeat();
    hb->set_task_id(latest.task_id());
    hb->set_state(latest.state());
    hb->set_sequence(latest.sequence());
    absl::Time now = clock_.Now();
    SetProtoDuration(now - FromProtoTime(latest.task().create_time()), hb->mutable_elapsed());
    SetProtoTime(now, hb->mutable_time());
  } else {
    return;
  }
  heartbeat_due_ = false;
  writing_ = true;
  last_write_ = clock_.Now();
  message_bytes_ = message_.ByteSizeLong();
  StartWrite(&message_);
}

size_t WatchReactor::bytes_in_flight() const {
  absl::MutexLock lock(&mu_);
  return writing_ ? std::max<size_t>(message_bytes_, 1) : 0;
}

void WatchReactor::FinishLocked(const grpc::Status& status) {
  if (finished_) return;
  finished_ = true;
  Finish(status);
}

grpc::Status WatchReactor::ShutdownStatusLocked() const { return ShutdownStatus(sent_); }

grpc::Status WatchReactor::ShutdownStatus(std::optional<uint64_t> resume_after) {
  std::string message =
      resume_after.has_value()
          ? absl::StrCat("the gateway is shutting down; resume with after_sequence=",
                         *resume_after)
          : "the gateway is shutting down; watch again (another replica, or this one once "
            "it is back)";
  return ToGrpcStatus(upstream_api::WithErrorInfo(absl::UnavailableError(message),
                                                  "SHUTTING_DOWN",
                                                  model::kGatewayErrorDomain));
}

void WatchReactor::EndForShutdown() {
  absl::MutexLock lock(&mu_);
  shutting_down_ = true;
  // Events already durable go out first; then the stream ends. A write in
  // flight ends it from OnWriteDone. A stream not begun yet ends from
  // Begin, after its first events: a CreateAndWatch whose task exists
  // tells its client the task id before it goes.
  WriteNextLocked();
}

std::function<void()> WatchReactor::ShutdownCanceller() {
  return [liveness = liveness_] {
    absl::MutexLock lock(&liveness->mu);
    if (liveness->reactor != nullptr) liveness->reactor->CancelForShutdown();
  };
}

void WatchReactor::CancelForShutdown() {
  // As for a stalled stream (CancelStalled): a status that cannot wait
  // behind unread messages (cancelling a call whose status went out does
  // nothing). The message being written is dropped, so the hint is the
  // client's own last sequence, not ours.
  grpc_call_cancel_with_status(
      context_->c_call(), GRPC_STATUS_UNAVAILABLE,
      "the gateway is shutting down; resume with after_sequence = the last sequence you "
      "received",
      nullptr);
}

void WatchReactor::OnTaskEvents() {
  absl::MutexLock lock(&mu_);
  WriteNextLocked();
}

void WatchReactor::OnWriteDone(bool ok) {
  absl::MutexLock lock(&mu_);
  writing_ = false;
  // Frees the message (Clear would keep its buffers): an idle stream holds
  // nothing.
  v1::WatchVideoTaskResponse().Swap(&message_);
  message_bytes_ = 0;
  if (!ok) {
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream broke"));
    return;
  }
  WriteNextLocked();
}

void WatchReactor::OnCancel() {
  absl::MutexLock lock(&mu_);
  FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
}

void WatchReactor::ScheduleTick() {
  // Every heartbeat interval, or every stall timeout without heartbeats.
  absl::Duration every = absl::InfiniteDuration();
  for (absl::Duration d : {options_.heartbeat_interval, options_.stall_timeout}) {
    if (d > absl::ZeroDuration()) every = std::min(every, d);
  }
  if (every == absl::InfiniteDuration()) return;
  std::weak_ptr<Liveness> weak = liveness_;
  tick_timer_ = scheduler_.RunAt(clock_.Now() + every, [weak] {
    std::shared_ptr<Liveness> liveness = weak.lock();
    if (liveness == nullptr) return;
    absl::MutexLock lock(&liveness->mu);
    if (liveness->reactor != nullptr) liveness->reactor->OnTick();
  });
}

void WatchReactor::OnTick() {
  {
    absl::MutexLock lock(&mu_);
    tick_timer_ = 0;
    if (finished_) return;
    absl::Time now = clock_.Now();
    bool stalled = writing_ && options_.stall_timeout > absl::ZeroDuration() &&
                   now - last_write_ >= options_.stall_timeout;
    if (!stalled) {
      if (options_.heartbeat_interval > absl::ZeroDuration() &&
          now - last_write_ >= options_.heartbeat_interval) {
        heartbeat_due_ = true;
        WriteNextLocked();
      }
      ScheduleTick();
      return;
    }
  }
  CancelStalled();
}

void WatchReactor::CancelStalled() {
  registry_.CountStalled();
  // Cancelling, not Finish: a status sent with Finish would queue behind
  // the unread messages, and the stream would hold them until the client
  // reads. A cancellation with a status reaches the client at once (gRPC
  // sends it as trailers and resets the stream) and drops what was queued;
  // OnCancel and OnDone then run as for any cancelled call. ServerContext
  // has no way to cancel with a code of our choosing, hence the core call.
  std::string message = absl::StrCat(
      "watch stream closed: the client took no message for ",
      absl::FormatDuration(options_.stall_timeout),
      " (a stalled watcher holds gateway memory); resume with WatchVideoTask "
      "after_sequence = the last sequence you received");
  // UNAVAILABLE, as when the gateway shuts down: the stream, not the
  // request, was the problem, and every client resumes on it by itself.
  grpc_call_cancel_with_status(context_->c_call(), GRPC_STATUS_UNAVAILABLE,
                               message.c_str(), nullptr);
}

void WatchReactor::OnDone() {
  {
    absl::MutexLock lock(&liveness_->mu);
    liveness_->reactor = nullptr;
  }
  std::shared_ptr<tasks::TaskEventLog> log;
  Scheduler::TimerId timer;
  {
    absl::MutexLock lock(&mu_);
    log = log_;
    timer = tick_timer_;
  }
  if (log != nullptr) log->Unsubscribe(this);
  if (timer != 0) scheduler_.Cancel(timer);
  if (admission_ == WatchRegistry::Admission::kAdded) registry_.Remove(this);
  delete this;
}

}  // namespace seedance::server::service
