#include "server/admin/store_probe.h"

#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/store/in_memory_task_store.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::admin {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;

// A store whose reachability the test sets.
class SwitchableStore : public store::InMemoryTaskStore {
 public:
  absl::Status Ping() override {
    absl::MutexLock lock(&mu_);
    return reachable_ ? absl::OkStatus() : absl::UnavailableError("connection refused");
  }
  void Set(bool reachable) {
    absl::MutexLock lock(&mu_);
    reachable_ = reachable;
  }

 private:
  absl::Mutex mu_;
  bool reachable_ = true;
};

// The answers the probe reported, waited for one by one.
class Changes {
 public:
  void Add(bool reachable) {
    absl::MutexLock lock(&mu_);
    seen_.push_back(reachable);
  }
  std::vector<bool> WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return seen_.size() >= n; };
    mu_.Await(absl::Condition(&enough));
    return seen_;
  }

 private:
  absl::Mutex mu_;
  std::vector<bool> seen_ ABSL_GUARDED_BY(mu_);
};

TEST(StoreProbeTest, ReportsTheFirstAnswerAndEachFlip) {
  SwitchableStore store;
  Changes changes;
  StoreProbe probe(store, absl::Milliseconds(1), [&](bool r) { changes.Add(r); });
  EXPECT_EQ(changes.WaitFor(1), std::vector<bool>{true});
  EXPECT_THAT(probe.last(), IsOk());
  store.Set(false);
  EXPECT_EQ(changes.WaitFor(2), (std::vector<bool>{true, false}));
  EXPECT_THAT(probe.last(), StatusIs(absl::StatusCode::kUnavailable));
  store.Set(true);
  EXPECT_EQ(changes.WaitFor(3), (std::vector<bool>{true, false, true}));
  EXPECT_THAT(probe.last(), IsOk());
}

TEST(StoreProbeTest, ReportsAnUnreachableStoreAndStopsPromptly) {
  SwitchableStore store;
  store.Set(false);
  Changes changes;
  {
    // An hour between probes: the destructor must not wait for the next.
    StoreProbe probe(store, absl::Hours(1), [&](bool r) { changes.Add(r); });
    EXPECT_EQ(changes.WaitFor(1), std::vector<bool>{false});
    EXPECT_THAT(probe.last(), StatusIs(absl::StatusCode::kUnavailable));
  }
}

}  // namespace
}  // namespace seedance::server::admin
