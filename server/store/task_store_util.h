// Helpers shared by the TaskStore implementations, so that they agree on
// what a valid write is and on the page token format.
#ifndef SEEDANCE_SERVER_STORE_TASK_STORE_UTIL_H_
#define SEEDANCE_SERVER_STORE_TASK_STORE_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/task_store.h"

namespace seedance::server::store {

// OK when `write` is well formed on its own: a task id, revision =
// expected + 1, an event matching the task's sequence.
absl::Status CheckWrite(const TaskStore::Write& write);

// True when nothing is left to do for `task`: it reached a terminal state,
// the caller's own callback_url (if any) has been delivered to or given up
// on, and no result file is still being fetched into the content store.
// Stores return the others from ListUnfinished.
bool IsSettled(const StoredTask& task);

// The listing order key: creation time in microseconds since the epoch.
int64_t CreateTimeMicros(const StoredTask& task);

// The position after which the next page starts.
struct PagePosition {
  int64_t create_time_micros = 0;
  std::string task_id;
};

// An opaque token for `position` (URL-safe base64).
std::string EncodePageToken(const PagePosition& position);

// The position in `token`; INVALID_ARGUMENT if it is not one of ours.
absl::StatusOr<PagePosition> DecodePageToken(const std::string& token);

// The page of `rows`, which holds up to page_size + 1 tasks in listing
// order (one more than a page tells that another page follows).
TaskPage PageOf(std::vector<StoredTask> rows, int page_size);

// True when a task created at (micros, id) comes after `position` in the
// newest-first order.
bool IsAfter(int64_t create_time_micros, const std::string& task_id,
             const PagePosition& position);

}  // namespace seedance::server::store

#endif  // SEEDANCE_SERVER_STORE_TASK_STORE_UTIL_H_
