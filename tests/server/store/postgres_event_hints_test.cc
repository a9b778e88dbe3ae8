// PostgresEventHints on a real PostgreSQL: a Notify on one replica reaches
// the others' subscribers, notifications are batched, and subscribers are
// told after a reconnection (what was notified meanwhile is lost).
#include "server/store/postgres_event_hints.h"

#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::store {
namespace {

using ::seedance::testing::IsOk;

// Counts the hints a subscriber got; waits for a number of them.
class HintCounter {
 public:
  void Hint() {
    absl::MutexLock lock(&mu_);
    ++count_;
  }
  // True once at least `n` hints came, within `timeout`.
  bool AwaitAtLeast(int n, absl::Duration timeout = absl::Seconds(20)) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return count_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  int count() {
    absl::MutexLock lock(&mu_);
    return count_;
  }

 private:
  absl::Mutex mu_;
  int count_ ABSL_GUARDED_BY(mu_) = 0;
};

std::unique_ptr<PostgresEventHints> StartHints(const std::string& uri, HintCounter& counter) {
  absl::StatusOr<std::unique_ptr<PostgresEventHints>> hints =
      PostgresEventHints::Start({.conninfo = uri, .reconnect_delay = absl::Milliseconds(50)});
  EXPECT_THAT(hints, IsOk());
  if (!hints.ok()) return nullptr;
  (*hints)->Subscribe([&counter] { counter.Hint(); });
  return *std::move(hints);
}

TEST(PostgresEventHintsTest, ANotifyReachesTheOtherReplicasSubscribersBatched) {
  absl::StatusOr<std::string> uri = testing::PostgresServer::Shared().CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  HintCounter at_a, at_b;
  std::unique_ptr<PostgresEventHints> a = StartHints(*uri, at_a);
  std::unique_ptr<PostgresEventHints> b = StartHints(*uri, at_b);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  // Each tells its subscribers once it listens (nothing heard before then).
  ASSERT_TRUE(at_a.AwaitAtLeast(1));
  ASSERT_TRUE(at_b.AwaitAtLeast(1));
  int before = at_b.count();
  constexpr int kCommits = 1000;
  for (int i = 0; i < kCommits; ++i) a->Notify();
  ASSERT_TRUE(at_b.AwaitAtLeast(before + 1));
  // A thousand commits in a row make a handful of notifications, not a
  // thousand (one per 20 ms at most).
  int heard = at_b.count() - before;
  EXPECT_LT(heard, 20);
}

TEST(PostgresEventHintsTest, SubscribersAreToldAfterAReconnection) {
  absl::StatusOr<std::unique_ptr<testing::PostgresServer>> pg = testing::PostgresServer::Start();
  ASSERT_THAT(pg, IsOk());
  absl::StatusOr<std::string> uri = (*pg)->CreateDatabase();
  ASSERT_THAT(uri, IsOk());
  HintCounter counter;
  std::unique_ptr<PostgresEventHints> hints = StartHints(*uri, counter);
  ASSERT_NE(hints, nullptr);
  ASSERT_TRUE(counter.AwaitAtLeast(1));
  ASSERT_THAT((*pg)->Stop(), IsOk());
  ASSERT_THAT((*pg)->Restart(), IsOk());
  ASSERT_TRUE(counter.AwaitAtLeast(2));
  EXPECT_GE(hints->connections(), 2);
  // And it listens again: a notification goes through.
  HintCounter other;
  std::unique_ptr<PostgresEventHints> notifier = StartHints(*uri, other);
  ASSERT_TRUE(other.AwaitAtLeast(1));
  int before = counter.count();
  notifier->Notify();
  EXPECT_TRUE(counter.AwaitAtLeast(before + 1));
}

TEST(PostgresEventHintsTest, AStoppedHintsObjectStopsAtOnceEvenWithoutADatabase) {
  HintCounter counter;
  absl::StatusOr<std::unique_ptr<PostgresEventHints>> hints = PostgresEventHints::Start(
      {.conninfo = "postgresql://nobody:pw@127.0.0.1:1/none", .reconnect_delay = absl::Hours(1)});
  ASSERT_THAT(hints, IsOk());
  (*hints)->Subscribe([&counter] { counter.Hint(); });
  hints->reset();  // joins the thread: it must not sit out the reconnect delay
  EXPECT_EQ(counter.count(), 0);
}

}  // namespace
}  // namespace seedance::server::store
