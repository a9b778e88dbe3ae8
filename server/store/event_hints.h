// EventHints: a shared store's word to every replica that new task events
// may have been committed, so that watchers of tasks other replicas drive
// are caught up at once instead of at the next periodic read. A hint is
// only a hint: it may come without news, and news may come without one
// (a lost connection loses notifications; the hints tell after
// reconnecting, and readers still read periodically).
//
//   int id = hints.Subscribe([&] { loop.Post([&] { follower.CatchUp(); }); });
//   hints.Unsubscribe(id);
//   hints.Notify();   // after committing events
#ifndef SEEDANCE_SERVER_STORE_EVENT_HINTS_H_
#define SEEDANCE_SERVER_STORE_EVENT_HINTS_H_

#include <functional>

namespace seedance::server::store {

class EventHints {
 public:
  virtual ~EventHints() = default;

  // Tells every replica (this one too) that events were committed. Cheap
  // and non-blocking: notifications are batched. Thread-safe.
  virtual void Notify() = 0;

  // `hint` runs, on a thread of the hints', whenever a replica notified
  // and after a reconnection. It must not block, nor Subscribe or
  // Unsubscribe (hints run with the subscriber list locked). Returns an id
  // for Unsubscribe. Thread-safe.
  virtual int Subscribe(std::function<void()> hint) = 0;

  // After it returns, the hint of `id` never runs again. Thread-safe.
  virtual void Unsubscribe(int id) = 0;
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_EVENT_HINTS_H_
