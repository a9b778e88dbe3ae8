#include "server/core/request_ids.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/in_memory_task_store.h"
#include "server/tasks/task_loop.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::core {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;

StoredTask Record(const std::string& id, const std::string& request_id,
                  const std::string& fingerprint) {
  StoredTask r;
  r.mutable_task()->set_task_id(id);
  r.mutable_task()->set_request_id(request_id);
  r.mutable_task()->set_state(v1::TASK_STATE_PENDING);
  r.mutable_task()->set_sequence(1);
  r.set_owner("alice");
  r.set_request_fingerprint(fingerprint);
  r.set_revision(1);
  return r;
}

class RequestIdsTest : public ::testing::Test {
 protected:
  // What AnswerRepeat answered, if it did.
  std::optional<absl::StatusOr<v1::VideoTask>> answer;
  RequestIds::Done Capture() {
    return [this](absl::StatusOr<v1::VideoTask> t) { answer = std::move(t); };
  }

  testing::FakeClock clock;
  store::InMemoryTaskStore store;
  tasks::TaskLoop loop{store};
  tasks::TaskRegistry registry{loop, store, clock};
  RequestIds ids{registry, store};
};

TEST_F(RequestIdsTest, ANewRequestIdIsNotARepeat) {
  EXPECT_FALSE(ids.IsKnown("alice", "r1"));
  EXPECT_FALSE(ids.AnswerRepeat("alice", "r1", "fp", Capture()));
  EXPECT_FALSE(answer.has_value());
}

TEST_F(RequestIdsTest, ARepeatWaitsForTheFirstCreateToCommit) {
  registry.Create(Record("t1", "r1", "fp"), "", [](absl::Status) {});
  ids.Reserve("alice", "r1", "t1");
  EXPECT_TRUE(ids.IsKnown("alice", "r1"));
  ASSERT_TRUE(ids.AnswerRepeat("alice", "r1", "fp", Capture()));
  EXPECT_FALSE(answer.has_value());  // not committed yet
  loop.RunUntilIdle();
  ASSERT_TRUE(answer.has_value());
  ASSERT_THAT(*answer, IsOk());
  EXPECT_EQ((*answer)->task_id(), "t1");
}

TEST_F(RequestIdsTest, CommittedTasksAreFoundInTheStoreAndOtherSpecsRefused) {
  registry.Create(Record("t1", "r1", "fp"), "", [](absl::Status) {});
  loop.RunUntilIdle();
  ids.Release("alice", "r1");
  EXPECT_TRUE(ids.IsKnown("alice", "r1"));
  EXPECT_FALSE(ids.IsKnown("bob", "r1"));  // ids are per owner
  ASSERT_TRUE(ids.AnswerRepeat("alice", "r1", "fp", Capture()));
  ASSERT_THAT(*answer, IsOk());
  EXPECT_EQ((*answer)->task_id(), "t1");
  answer.reset();
  ASSERT_TRUE(ids.AnswerRepeat("alice", "r1", "another spec", Capture()));
  EXPECT_THAT(*answer, StatusIs(absl::StatusCode::kAlreadyExists));
}

}  // namespace
}  // namespace seedance::server::core
