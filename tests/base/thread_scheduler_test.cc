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

TEST(ThreadSchedulerTest, FutureTimersWaitForTheClock) {
  testing::FakeClock clock;
  ThreadScheduler scheduler(clock);
  absl::Notification fired;
  scheduler.RunAt(clock.Now() + absl::Milliseconds(1), [&] { fired.Notify(); });
  EXPECT_FALSE(fired.HasBeenNotified());
  clock.Advance(absl::Milliseconds(1));
  // The thread rechecks a fake clock at least once a second.
  EXPECT_TRUE(fired.WaitForNotificationWithTimeout(absl::Seconds(5)));
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
