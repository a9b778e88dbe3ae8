// The task store under the gateway's own task loop and registry, loaded the
// way the gateway loads it: many tasks in flight whose commits the loop
// batches, and one change at a time. Shared by the persistence scenario
// (SQLite against memory) and the replicas scenario (PostgreSQL against
// SQLite).
//
//   TransitionFigures f = MeasureTransitions(store, 20000);
#ifndef SEEDANCE_BENCH_STORE_LOAD_H_
#define SEEDANCE_BENCH_STORE_LOAD_H_

#include "server/store/task_store.h"

namespace seedance::bench {

// A new PENDING task record, id "task-%08d" of `i`, poll mode.
server::StoredTask NewRecord(int i);

struct TransitionFigures {
  double batched_per_second = 0;  // state changes/s, every task in flight
  double sequential_ms = 0;       // one create at a time: a commit each
  int failed = 0;
};

// `tasks` tasks created, then moved through three states, all in flight at
// once (the loop batches them), then 200 creates one at a time. The store
// must be empty of those ids.
TransitionFigures MeasureTransitions(server::store::TaskStore& store, int tasks);

}  // namespace seedance::bench

#endif  // SEEDANCE_BENCH_STORE_LOAD_H_
