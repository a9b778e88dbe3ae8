// RequestIds: idempotency of creates by AIP-155 request_id, in one place.
// A create repeated with its request_id (same owner) gets the task the first
// one made, even while that task's creation is still being committed; the
// same request_id with another spec is ALREADY_EXISTS. Ids of creates not yet
// committed are held here; committed ones are found in the store.
//
//   if (ids.AnswerRepeat(owner, request_id, fingerprint, done)) return;  // answered
//   ids.Reserve(owner, request_id, task_id);   // ... commit the new task ...
//   ids.Release(owner, request_id);            // once committed (or failed)
//
// Loop thread only.
#ifndef SEEDANCE_SERVER_CORE_REQUEST_IDS_H_
#define SEEDANCE_SERVER_CORE_REQUEST_IDS_H_

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "seedance/v1/video_task.pb.h"
#include "server/store/task_store.h"
#include "server/tasks/task_registry.h"

namespace seedance::server::core {

class RequestIds {
 public:
  using Done = std::function<void(absl::StatusOr<v1::VideoTask>)>;

  // Both must outlive this.
  RequestIds(tasks::TaskRegistry& registry, store::TaskStore& store);

  // Whether `owner` already made, or is making, a task with `request_id`.
  bool IsKnown(const std::string& owner, const std::string& request_id);

  // For a create with a non-empty `request_id` whose spec hashes to
  // `fingerprint`: if the id was used before, answers `done` (the task, at
  // once or when its creation commits; ALREADY_EXISTS for another spec;
  // UNAVAILABLE when the store fails) and returns true. False: a new create,
  // `done` untouched.
  bool AnswerRepeat(const std::string& owner, const std::string& request_id,
                    const std::string& fingerprint, const Done& done);

  // Holds `request_id` for `task_id` until Release (its creation commits or
  // fails).
  void Reserve(const std::string& owner, const std::string& request_id,
               const std::string& task_id);
  void Release(const std::string& owner, const std::string& request_id);

 private:
  static std::string Key(const std::string& owner, const std::string& request_id);

  tasks::TaskRegistry& registry_;
  store::TaskStore& store_;
  // "<owner>\n<request_id>" -> task id, for creates not yet committed.
  absl::flat_hash_map<std::string, std::string> pending_;
};

}  // namespace seedance::server::core

#endif  // SEEDANCE_SERVER_CORE_REQUEST_IDS_H_
