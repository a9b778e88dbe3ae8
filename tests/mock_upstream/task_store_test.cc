#include "mock_upstream/task_store.h"

#include <memory>

#include "gtest/gtest.h"

namespace seedance::mock_upstream {
namespace {

std::shared_ptr<const Task> MakeTask(const std::string& id, const std::string& token,
                                     absl::Time end) {
  auto task = std::make_shared<Task>();
  task->id = id;
  task->token_key = token;
  task->created_at = end - absl::Seconds(1);
  task->started_at = task->created_at;
  task->finished_at = end;
  return task;
}

TEST(TaskStoreTest, FindsTasksById) {
  TaskStore store(10);
  absl::Time t = absl::FromUnixSeconds(100);
  store.Add(MakeTask("a", "k", t));
  ASSERT_NE(store.Find("a"), nullptr);
  EXPECT_EQ(store.Find("a")->id, "a");
  EXPECT_EQ(store.Find("b"), nullptr);
}

TEST(TaskStoreTest, CountsUnfinishedTasksPerToken) {
  TaskStore store(10);
  absl::Time t = absl::FromUnixSeconds(100);
  store.Add(MakeTask("a", "k1", t + absl::Seconds(1)));
  store.Add(MakeTask("b", "k1", t + absl::Seconds(2)));
  store.Add(MakeTask("c", "k2", t + absl::Seconds(2)));
  EXPECT_EQ(store.InFlight("k1", t), 2);
  EXPECT_EQ(store.InFlight("k1", t + absl::Seconds(1)), 1);
  EXPECT_EQ(store.InFlight("k1", t + absl::Seconds(2)), 0);
  EXPECT_EQ(store.InFlight("k2", t), 1);
  EXPECT_EQ(store.InFlight("none", t), 0);
}

TEST(TaskStoreTest, ForgetsTheOldestBeyondItsLimitAndClears) {
  TaskStore store(2);
  absl::Time t = absl::FromUnixSeconds(100);
  store.Add(MakeTask("a", "k", t));
  store.Add(MakeTask("b", "k", t));
  store.Add(MakeTask("c", "k", t));
  EXPECT_EQ(store.Find("a"), nullptr);
  EXPECT_NE(store.Find("c"), nullptr);
  EXPECT_EQ(store.size(), 2u);
  store.Clear();
  EXPECT_EQ(store.size(), 0u);
}

}  // namespace
}  // namespace seedance::mock_upstream
