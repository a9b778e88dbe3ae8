// A GoogleMock TaskStore that delegates to an in-memory one by default, so
// that a test overrides only the calls it wants to fail.
//
//   MockTaskStore store;
//   EXPECT_CALL(store, Commit).WillRepeatedly(Return(absl::UnavailableError("disk")));
#ifndef SEEDANCE_TESTS_SERVER_STORE_MOCK_TASK_STORE_H_
#define SEEDANCE_TESTS_SERVER_STORE_MOCK_TASK_STORE_H_

#include "gmock/gmock.h"
#include "server/store/in_memory_task_store.h"
#include "server/store/task_store.h"

namespace seedance::server::store {

class MockTaskStore : public TaskStore {
 public:
  MockTaskStore() {
    using ::testing::Invoke;
    ON_CALL(*this, Commit).WillByDefault(Invoke(&real_, &InMemoryTaskStore::Commit));
    ON_CALL(*this, Get).WillByDefault(Invoke(&real_, &InMemoryTaskStore::Get));
    ON_CALL(*this, FindByRequestId)
        .WillByDefault(Invoke(&real_, &InMemoryTaskStore::FindByRequestId));
    ON_CALL(*this, Events).WillByDefault(Invoke(&real_, &InMemoryTaskStore::Events));
    ON_CALL(*this, List).WillByDefault(Invoke(&real_, &InMemoryTaskStore::List));
    ON_CALL(*this, ListUnfinished)
        .WillByDefault(Invoke(&real_, &InMemoryTaskStore::ListUnfinished));
  }

  MOCK_METHOD(absl::Status, Commit, (absl::Span<const Write> writes), (override));
  MOCK_METHOD(absl::StatusOr<StoredTask>, Get, (absl::string_view task_id), (override));
  MOCK_METHOD(absl::StatusOr<StoredTask>, FindByRequestId,
              (absl::string_view owner, absl::string_view request_id), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<v1::TaskEvent>>, Events,
              (absl::string_view task_id, uint64_t after_sequence), (override));
  MOCK_METHOD(absl::StatusOr<TaskPage>, List, (const ListQuery& query), (override));
  MOCK_METHOD(absl::StatusOr<std::vector<StoredTask>>, ListUnfinished, (), (override));

  // The in-memory store the defaults delegate to.
  InMemoryTaskStore& real() { return real_; }

 private:
  InMemoryTaskStore real_;
};

}  // namespace seedance::server::store

#endif  // SEEDANCE_TESTS_SERVER_STORE_MOCK_TASK_STORE_H_
