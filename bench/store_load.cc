#include "bench/store_load.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "server/tasks/task_loop.h"
#include "server/tasks/task_registry.h"

namespace seedance::bench {

using server::StoredTask;
using server::store::TaskStore;

namespace {

// Counts continuations and wakes a waiter at a target.
class Countdown {
 public:
  void Add(int n) {
    absl::MutexLock lock(&mu_);
    remaining_ += n;
  }
  void Done(const absl::Status& s) {
    absl::MutexLock lock(&mu_);
    --remaining_;
    if (!s.ok()) ++failed_;
  }
  int Wait() {
    absl::MutexLock lock(&mu_);
    auto zero = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return remaining_ == 0; };
    mu_.Await(absl::Condition(&zero));
    return failed_;
  }

 private:
  absl::Mutex mu_;
  int remaining_ = 0;
  int failed_ = 0;
};

}  // namespace

StoredTask NewRecord(int i) {
  StoredTask r;
  v1::VideoTask& t = *r.mutable_task();
  t.set_task_id(absl::StrFormat("task-%08d", i));
  t.set_state(v1::TASK_STATE_PENDING);
  t.set_sequence(1);
  t.mutable_create_time()->set_seconds(1766361600 + i);
  t.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
  t.mutable_spec()->set_prompt("A kitten yawning at the camera. --rs 720p --dur 5");
  r.set_owner("bench-owner");
  r.set_mode(gateway::v1::DELIVERY_MODE_POLL);
  r.set_revision(1);
  return r;
}

TransitionFigures MeasureTransitions(TaskStore& store, int tasks) {
  TransitionFigures f;
  server::tasks::TaskLoop loop(store);
  loop.Start();
  server::tasks::TaskRegistry registry(loop, store, SystemClock::Get());
  Countdown countdown;
  countdown.Add(tasks);
  for (int i = 0; i < tasks; ++i) {
    loop.Post([&, i] {
      registry.Create(NewRecord(i), "", [&](absl::Status s) { countdown.Done(s); });
    });
  }
  f.failed += countdown.Wait();
  absl::Time start = absl::Now();
  for (v1::TaskState state :
       {v1::TASK_STATE_QUEUED, v1::TASK_STATE_RUNNING, v1::TASK_STATE_SUCCEEDED}) {
    countdown.Add(tasks);
    for (int i = 0; i < tasks; ++i) {
      loop.Post([&, i, state] {
        registry.Transition(absl::StrFormat("task-%08d", i), state, nullptr,
                            [&](absl::Status s) { countdown.Done(s); });
      });
    }
    f.failed += countdown.Wait();
  }
  f.batched_per_second = 3.0 * tasks / absl::ToDoubleSeconds(absl::Now() - start);
  // One at a time: the latency of a single durable commit.
  constexpr int kSequential = 200;
  start = absl::Now();
  for (int i = 0; i < kSequential; ++i) {
    countdown.Add(1);
    loop.Post([&, i] {
      registry.Create(NewRecord(tasks + i), "", [&](absl::Status s) { countdown.Done(s); });
    });
    f.failed += countdown.Wait();
  }
  f.sequential_ms = absl::ToDoubleMilliseconds(absl::Now() - start) / kSequential;
  loop.Stop();
  return f;
}


}  // namespace seedance::bench
