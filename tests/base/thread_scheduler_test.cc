#include "base/thread_scheduler.h"

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"

namespace seedance {
namespace {

using ::testing::ElementsAre;

// Registered in the (fake) future, they run in time order once the clock
// passes them, each once; a cancelled one never.
TEST(ThreadSchedulerTest, RunsDueTimersInTimeOrderAndSkipsCancelled) {
  testing::FakeClock clock;
  absl::Mutex mu;
  std::vector<int> ran;
  absl::Notification done;
  ThreadScheduler scheduler(clock);
  absl::Time now = clock.Now();
  auto record = [&](int n) {
    return [&, n] {
      absl::MutexLock lock(&mu);
      ran.push_back(n);
    };
  };
  scheduler.RunAt(now + absl::Seconds(2), record(2));
  scheduler.RunAt(now + absl::Seconds(1), record(1));
  Scheduler::TimerId cancelled = scheduler.RunAt(now + absl::Seconds(3), record(99));
  scheduler.RunAt(now + absl::Seconds(4), record(4));
  scheduler.RunAt(now + absl::Seconds(4), record(5));  // ties keep creation order
  scheduler.Cancel(cancelled);
  scheduler.RunAt(now + absl::Seconds(9), [&] { done.Notify(); });
  clock.Advance(absl::Seconds(10));
  ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  absl::MutexLock lock(&mu);
  EXPECT_THAT(ran, ElementsAre(1, 2, 4, 5));
}

// A timer waits for its time on the injected clock: the scheduler's thread
// reads the clock, sees the timer is not due and waits; only when the clock
// reaches it does it run. Reads of the clock are the sync points: after two
// reads that followed RunAt, the thread has decided about the timer once
// and come back (a timer run early would have run in between).
TEST(ThreadSchedulerTest, FutureTimersWaitForTheClock) {
  testing::FakeClock clock;
  ThreadScheduler scheduler(clock);
  absl::Notification fired;
  int64_t reads = clock.reads();
  scheduler.RunAt(clock.Now() + absl::Seconds(2), [&] { fired.Notify(); });
  // The test's own read, then two of the thread's. (A scheduler that ran the
  // timer early would read no more: the wait ends by its timeout, and the
  // check below fails.)
  clock.AwaitReads(reads + 1 + 2, absl::Seconds(10));
  EXPECT_FALSE(fired.HasBeenNotified());
  clock.Advance(absl::Seconds(2));
  // The thread rechecks a fake clock at least once a second.
  EXPECT_TRUE(fired.WaitForNotificationWithTimeout(absl::Seconds(10)));
}

TEST(ThreadSchedulerTest, DestroyingDropsPendingTimers) {
  testing::FakeClock clock;
  bool ran = false;
  {
    ThreadScheduler scheduler(clock);
    scheduler.RunAt(clock.Now() + absl::Hours(1), [&] { ran = true; });
  }
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace seedance
