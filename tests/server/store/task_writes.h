// Records and writes for the store tests: a task at revision 1 with its first
// event, and the write that moves it on by one revision and one event.
//
//   StoredTask t = Task("t1", "alice", 100);
//   store.Commit({Create(t)});
//   store.Commit({Advance(t, v1::TASK_STATE_QUEUED)});  // t is now revision 2
#ifndef SEEDANCE_TESTS_SERVER_STORE_TASK_WRITES_H_
#define SEEDANCE_TESTS_SERVER_STORE_TASK_WRITES_H_

#include <cstdint>
#include <string>

#include "server/store/task_store.h"

namespace seedance::server::store {

inline StoredTask Task(const std::string& id, const std::string& owner = "alice",
                       int64_t created_s = 100, v1::TaskState state = v1::TASK_STATE_PENDING,
                       const std::string& request_id = "") {
  StoredTask t;
  t.mutable_task()->set_task_id(id);
  t.mutable_task()->set_request_id(request_id);
  t.mutable_task()->set_state(state);
  t.mutable_task()->set_sequence(1);
  t.mutable_task()->mutable_create_time()->set_seconds(created_s);
  t.set_owner(owner);
  t.set_revision(1);
  return t;
}

inline v1::TaskEvent EventFor(const StoredTask& t) {
  v1::TaskEvent e;
  e.set_task_id(t.task().task_id());
  e.set_sequence(t.task().sequence());
  e.set_state(t.task().state());
  *e.mutable_task() = t.task();
  return e;
}

inline TaskStore::Write Create(const StoredTask& t) { return {t, 0, EventFor(t)}; }

// The next revision of `t` in `state` with one more event; `t` becomes it.
inline TaskStore::Write Advance(StoredTask& t, v1::TaskState state) {
  uint64_t expected = t.revision();
  t.set_revision(expected + 1);
  t.mutable_task()->set_state(state);
  t.mutable_task()->set_sequence(t.task().sequence() + 1);
  return {t, expected, EventFor(t)};
}

}  // namespace seedance::server::store

#endif  // SEEDANCE_TESTS_SERVER_STORE_TASK_WRITES_H_
