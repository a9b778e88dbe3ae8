#include "server/store/in_memory_task_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/model/task_state.h"
#include "server/store/task_store_util.h"

namespace seedance::server::store {

absl::Status InMemoryTaskStore::Commit(absl::Span<const Write> writes) {
  absl::MutexLock lock(&mu_);
  // Check the whole batch first so that it applies all or nothing.
  absl::flat_hash_map<std::string, uint64_t> revisions;  // within the batch
  std::map<std::pair<std::string, std::string>, std::string> new_request_ids;
  for (const Write& w : writes) {
    if (absl::Status s = CheckWrite(w); !s.ok()) return s;
    const std::string& id = w.task.task().task_id();
    uint64_t current = 0;
    if (auto it = revisions.find(id); it != revisions.end()) {
      current = it->second;
    } else if (auto stored = tasks_.find(id); stored != tasks_.end()) {
      current = stored->second.task.revision();
    }
    if (w.expected_revision == 0 && current != 0) {
      return absl::AlreadyExistsError(absl::StrCat("task ", id, " already exists"));
    }
    if (current != w.expected_revision) {
      return absl::AbortedError(absl::StrCat("task ", id, " is at revision ", current,
                                             ", not ", w.expected_revision));
    }
    revisions[id] = w.task.revision();
    const std::string& request_id = w.task.task().request_id();
    if (w.expected_revision == 0 && !request_id.empty()) {
      auto key = std::make_pair(w.task.owner(), request_id);
      if (request_ids_.contains(key) || new_request_ids.contains(key)) {
        return absl::AlreadyExistsError(
            absl::StrCat("request_id ", request_id, " is already used"));
      }
      new_request_ids[key] = id;
    }
  }
  for (const Write& w : writes) {
    Entry& entry = tasks_[w.task.task().task_id()];
    entry.task = w.task;
    if (w.event.has_value()) entry.events.push_back(*w.event);
  }
  request_ids_.merge(new_request_ids);
  return absl::OkStatus();
}

absl::StatusOr<StoredTask> InMemoryTaskStore::Get(absl::string_view task_id) {
  absl::MutexLock lock(&mu_);
  auto it = tasks_.find(task_id);
  if (it == tasks_.end()) {
    return absl::NotFoundError(absl::StrCat("no task ", task_id));
  }
  return it->second.task;
}

absl::StatusOr<StoredTask> InMemoryTaskStore::FindByRequestId(
    absl::string_view owner, absl::string_view request_id) {
  absl::MutexLock lock(&mu_);
  auto it = request_ids_.find({std::string(owner), std::string(request_id)});
  if (it == request_ids_.end()) {
    return absl::NotFoundError(absl::StrCat("no task for request_id ", request_id));
  }
  return tasks_.at(it->second).task;
}

absl::StatusOr<std::vector<v1::TaskEvent>> InMemoryTaskStore::Events(
    absl::string_view task_id, uint64_t after_sequence) {
  absl::MutexLock lock(&mu_);
  std::vector<v1::TaskEvent> out;
  auto it = tasks_.find(task_id);
  if (it == tasks_.end()) return out;
  for (const v1::TaskEvent& e : it->second.events) {
    if (e.sequence() > after_sequence) out.push_back(e);
  }
  return out;
}

absl::StatusOr<TaskPage> InMemoryTaskStore::List(const ListQuery& query) {
  std::optional<PagePosition> after;
  if (!query.page_token.empty()) {
    absl::StatusOr<PagePosition> position = DecodePageToken(query.page_token);
    if (!position.ok()) return position.status();
    after = *position;
  }
  absl::MutexLock lock(&mu_);
  std::vector<const StoredTask*> matching;
  for (const auto& [id, entry] : tasks_) {
    const StoredTask& t = entry.task;
    if (t.owner() != query.owner) continue;
    if (!query.states.empty() &&
        std::find(query.states.begin(), query.states.end(), t.task().state()) ==
            query.states.end()) {
      continue;
    }
    if (after && !IsAfter(CreateTimeMicros(t), id, *after)) continue;
    matching.push_back(&t);
  }
  std::sort(matching.begin(), matching.end(), [](const StoredTask* a, const StoredTask* b) {
    int64_t ta = CreateTimeMicros(*a), tb = CreateTimeMicros(*b);
    if (ta != tb) return ta > tb;
    return a->task().task_id() > b->task().task_id();
  });
  int page_size = std::max(query.page_size, 1);
  std::vector<StoredTask> rows;
  for (size_t i = 0; i < matching.size() && i <= static_cast<size_t>(page_size); ++i) {
    rows.push_back(*matching[i]);
  }
  return PageOf(std::move(rows), page_size);
}

absl::StatusOr<std::vector<StoredTask>> InMemoryTaskStore::ListUnfinished() {
  absl::MutexLock lock(&mu_);
  std::vector<StoredTask> out;
  for (const auto& [id, entry] : tasks_) {
    if (!IsSettled(entry.task)) out.push_back(entry.task);
  }
  std::sort(out.begin(), out.end(), [](const StoredTask& a, const StoredTask& b) {
    int64_t ta = CreateTimeMicros(a), tb = CreateTimeMicros(b);
    if (ta != tb) return ta < tb;
    return a.task().task_id() < b.task().task_id();
  });
  return out;
}

}  // namespace seedance::server::store
