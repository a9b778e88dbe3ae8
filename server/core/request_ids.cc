#include "server/core/request_ids.h"

#include "absl/strings/str_cat.h"
#include "server/model/gateway_errors.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {

RequestIds::RequestIds(tasks::TaskRegistry& registry, store::TaskStore& store)
    : registry_(registry), store_(store) {}

std::string RequestIds::Key(const std::string& owner, const std::string& request_id) {
  return absl::StrCat(owner, "\n", request_id);
}

bool RequestIds::IsKnown(const std::string& owner, const std::string& request_id) {
  if (pending_.contains(Key(owner, request_id))) return true;
  return store_.FindByRequestId(owner, request_id).ok();
}

bool RequestIds::AnswerRepeat(const std::string& owner, const std::string& request_id,
                              const std::string& fingerprint, const Done& done) {
  absl::StatusOr<StoredTask> existing = absl::NotFoundError("");
  if (auto it = pending_.find(Key(owner, request_id)); it != pending_.end()) {
    if (tasks::LiveTask* live = registry_.Find(it->second)) existing = live->record;
  } else {
    existing = store_.FindByRequestId(owner, request_id);
  }
  if (!existing.ok()) {
    if (existing.status().code() == absl::StatusCode::kNotFound) return false;
    done(model::StoreUnavailable("the task store failed", existing.status()));
    return true;
  }
  if (existing->request_fingerprint() != fingerprint) {
    done(upstream_api::WithErrorInfo(
        absl::AlreadyExistsError(absl::StrCat(
            "request_id ", request_id,
            " was already used for a different request; use a new request_id")),
        "REQUEST_ID_REUSED", model::kGatewayErrorDomain,
        {{"task_id", existing->task().task_id()}}));
    return true;
  }
  std::string id = existing->task().task_id();
  tasks::LiveTask* live = registry_.Find(id);
  if (live != nullptr && !live->created) {
    // The first create is still being committed: answer with it once it is.
    live->on_created.push_back([this, id, done](absl::Status s) {
      if (!s.ok()) return done(s);
      tasks::LiveTask* t = registry_.Find(id);
      done(t != nullptr ? t->record.task() : store_.Get(id)->task());
    });
    return true;
  }
  done(live != nullptr ? live->record.task() : existing->task());
  return true;
}

void RequestIds::Reserve(const std::string& owner, const std::string& request_id,
                         const std::string& task_id) {
  pending_[Key(owner, request_id)] = task_id;
}

void RequestIds::Release(const std::string& owner, const std::string& request_id) {
  pending_.erase(Key(owner, request_id));
}

}  // namespace seedance::server::core
