#include "server/core/task_manager.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "server/admission/spec_conversion.h"
#include "server/core/new_task.h"
#include "server/core/recovery.h"
#include "server/core/request_ids.h"
#include "server/model/gateway_errors.h"
#include "server/model/task_state.h"
#include "server/upstream/callback_receiver.h"
#include "server/upstream/upstream_report.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/status_details.h"

namespace seedance::server::core {
namespace {

constexpr size_t kMaxRequestIdBytes = 128;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

absl::Status NotFound(const std::string& task_id) {
  return upstream_api::WithErrorInfo(absl::NotFoundError(absl::StrCat("no task ", task_id)),
                            "TASK_NOT_FOUND", model::kGatewayErrorDomain, {{"task_id", task_id}});
}

absl::Status CheckRequestId(const std::string& request_id) {
  bool ok = request_id.size() <= kMaxRequestIdBytes;
  for (char c : request_id) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) ok = false;
  }
  if (ok) return absl::OkStatus();
  return upstream_api::InvalidArgumentWithViolations(
      {{"request_id", "must be at most 128 printable ASCII characters (a UUID is best)",
        std::string(upstream_api::kReasonMalformed)}});
}

bool HasCallersUrls(const v1::VideoSpec& spec) {
  return spec.images_size() > 0 || !spec.callback_url().empty();
}

// The URLs in `spec` that the caller chose, named as the caller sent them.
std::vector<admission::UntrustedUrl> CallersUrls(const v1::VideoSpec& spec) {
  std::vector<admission::UntrustedUrl> urls;
  for (int i = 0; i < spec.images_size(); ++i) {
    urls.push_back({upstream_api::JoinPath(upstream_api::IndexPath("spec.images", i), "url"),
                    spec.images(i).url(), admission::UrlUse::kImage});
  }
  if (!spec.callback_url().empty()) {
    urls.push_back({"spec.callback_url", spec.callback_url(), admission::UrlUse::kCallback});
  }
  return urls;
}

}  // namespace

TaskManager::TaskManager(TaskManagerOptions options, tasks::TaskLoop& loop, store::TaskStore& store,
                         tasks::TaskRegistry& registry, upstream::UpstreamDriver& driver,
                         webhooks::TaskWebhooks& webhooks, content::TaskContent& content,
                         const Clock& clock, const callers::Keyring& keyring)
    : options_(std::move(options)),
      loop_(loop),
      store_(store),
      registry_(registry),
      driver_(driver),
      webhooks_(webhooks),
      content_(content),
      clock_(clock),
      keyring_(keyring),
      limits_(clock, options_.limits),
      request_ids_(registry, store) {}

void TaskManager::StopAccepting() { accepting_ = false; }

void TaskManager::Create(const callers::Caller& caller, const v1::CreateVideoTaskRequest& request,
                         const TraceContext& trace, Done<v1::VideoTask> done) {
  // Validation and the new record need no shared state: done on the
  // caller's thread, so the loop only decides and commits.
  if (absl::Status s = CheckRequestId(request.request_id()); !s.ok()) return done(s);
  absl::StatusOr<admission::CheckedSpec> checked = admission::CheckSpec(request.spec());
  if (!checked.ok()) return done(checked.status());
  if (request.validate_only()) {
    v1::VideoTask preview;
    preview.set_request_id(request.request_id());
    *preview.mutable_spec() = request.spec();
    preview.set_trace_id(trace.trace_id);
    for (const std::string& note : checked->notes) preview.add_notes(note);
    return CheckUrls(caller.owner, CallersUrls(request.spec()),
                     [preview = std::move(preview), done = std::move(done)](absl::Status allowed) {
                       if (!allowed.ok()) return done(std::move(allowed));
                       done(preview);
                     });
  }
  absl::StatusOr<StoredTask> record =
      BuildNewTask(caller, request, trace, std::move(checked->notes),
                   {.mode = options_.mode,
                    .default_expires_after = options_.default_expires_after,
                    .seal_credentials = options_.seal_credentials},
                   clock_.Now(), keyring_);
  if (!record.ok()) return done(record.status());
  // Held by the URL guard's callback and the loop's closures: the record
  // (and its spec, the one copy of the request) is never copied again.
  auto create = std::make_shared<NewTask>(NewTask{caller, *std::move(record), std::move(done)});
  auto check_urls = [this, create]() {
    CheckUrls(create->caller.owner, CallersUrls(create->record.task().spec()),
              [this, create](absl::Status allowed) {
                if (!allowed.ok()) return create->done(std::move(allowed));
                loop_.Post([this, create] { CreateOnLoop(std::move(*create)); });
              });
  };
  if (options_.url_guard == nullptr || !HasCallersUrls(request.spec())) {
    return loop_.Post([this, create] { CreateOnLoop(std::move(*create)); });
  }
  if (request.request_id().empty()) return check_urls();
  // A create sent again with its request_id gets the task it made (or
  // ALREADY_EXISTS), whatever DNS says now: only the loop knows the ids.
  loop_.Post([this, create, check_urls = std::move(check_urls)] {
    if (!request_ids_.IsKnown(create->caller.owner, create->record.task().request_id())) {
      return check_urls();
    }
    CreateOnLoop(std::move(*create));
  });
}

void TaskManager::CheckUrls(const std::string& owner, std::vector<admission::UntrustedUrl> urls,
                            std::function<void(absl::Status)> done) {
  if (options_.url_guard == nullptr || urls.empty()) return done(absl::OkStatus());
  // Host names are resolved (blocking getaddrinfo) on the resolver's own
  // threads, never on a gRPC thread or the loop: the guard calls back.
  if (absl::Status counted = limits_.BeginUrlCheck(owner); !counted.ok()) return done(counted);
  options_.url_guard->Check(std::move(urls),
                            [this, owner, done = std::move(done)](absl::Status allowed) {
                              limits_.EndUrlCheck(owner);
                              done(std::move(allowed));
                            });
}

void TaskManager::CreateOnLoop(NewTask create) {
  const callers::Caller& caller = create.caller;
  Done<v1::VideoTask>& done = create.done;
  if (!accepting_) {
    return done(upstream_api::WithErrorInfo(
        absl::UnavailableError("the gateway is shutting down; retry on another instance"),
        "SHUTTING_DOWN", model::kGatewayErrorDomain));
  }
  const std::string request_id = create.record.task().request_id();
  if (!request_id.empty() &&
      request_ids_.AnswerRepeat(caller.owner, request_id, create.record.request_fingerprint(),
                                done)) {
    return;
  }
  // With several replicas the limit counts the tasks of all of them.
  size_t in_flight = keeper_ != nullptr ? keeper_->InFlightEverywhere(registry_.in_flight())
                                        : registry_.in_flight();
  if (absl::Status admitted = limits_.AdmitCreate(caller.owner, in_flight); !admitted.ok()) {
    return done(admitted);
  }

  std::string id = create.record.task().task_id();
  if (!request_id.empty()) request_ids_.Reserve(caller.owner, request_id, id);
  Log(LogLevel::kInfo, "task_created",
      {{"task_id", id},
       {"trace_id", create.record.task().trace_id()},
       {"model", create.record.task().spec().model()},
       {"mode", gateway::v1::DeliveryMode_Name(options_.mode)}});
  std::string fingerprint = create.record.request_fingerprint();
  registry_.Create(std::move(create.record), caller.upstream_token,
                   [this, id, owner = caller.owner, request_id, fingerprint,
                    done = std::move(done)](absl::Status s) {
                     request_ids_.Release(owner, request_id);
                     // Another replica committed a create with this
                     // request_id first: that task is the answer.
                     if (absl::IsAlreadyExists(s) && !request_id.empty() &&
                         request_ids_.AnswerRepeat(owner, request_id, fingerprint, done)) {
                       return;
                     }
                     if (!s.ok()) {
                       return done(model::StoreUnavailable("the task could not be stored", s));
                     }
                     tasks::LiveTask* t = registry_.Find(id);
                     if (t == nullptr) return done(store_.Get(id)->task());
                     done(t->record.task());
                     driver_.Start(id);
                   });
}

absl::StatusOr<StoredTask> TaskManager::FindOwned(const callers::Caller& caller,
                                                  const std::string& task_id) {
  // With several replicas the store is the truth: another replica may have
  // taken a task live here over, and this one learns so only later.
  tasks::LiveTask* live = keeper_ == nullptr ? registry_.Find(task_id) : nullptr;
  if (live != nullptr) {
    if (live->created && live->record.owner() == caller.owner) return live->record;
    return NotFound(task_id);
  }
  absl::StatusOr<StoredTask> stored = store_.Get(task_id);
  if (!stored.ok()) {
    if (stored.status().code() == absl::StatusCode::kNotFound) return NotFound(task_id);
    return model::StoreUnavailable("the task store failed", stored.status());
  }
  // Another caller's task is reported exactly like a missing one.
  if (stored->owner() != caller.owner) return NotFound(task_id);
  return stored;
}

void TaskManager::Get(const callers::Caller& caller, const std::string& task_id,
                      Done<v1::VideoTask> done) {
  loop_.Post([this, caller, task_id, done = std::move(done)] {
    absl::StatusOr<StoredTask> task = FindOwned(caller, task_id);
    if (!task.ok()) return done(task.status());
    done(task->task());
  });
}

void TaskManager::List(const callers::Caller& caller, const v1::ListVideoTasksRequest& request,
                       Done<v1::ListVideoTasksResponse> done) {
  if (request.page_size() < 0) {
    return done(upstream_api::InvalidArgumentWithViolations(
        {{"page_size", "must not be negative", std::string(upstream_api::kReasonOutOfRange)}}));
  }
  store::ListQuery query;
  query.owner = caller.owner;
  query.page_size = request.page_size() == 0 ? kDefaultPageSize
                                             : std::min(request.page_size(), kMaxPageSize);
  query.page_token = request.page_token();
  for (int state : request.states()) {
    if (state == v1::TASK_STATE_UNSPECIFIED) continue;  // "any"
    query.states.push_back(static_cast<v1::TaskState>(state));
  }
  loop_.Post([this, query = std::move(query), done = std::move(done)] {
    absl::StatusOr<store::TaskPage> page = store_.List(query);
    if (!page.ok()) {
      if (page.status().code() == absl::StatusCode::kInvalidArgument) {
        return done(upstream_api::InvalidArgumentWithViolations(
            {{"page_token", std::string(page.status().message()),
              std::string(upstream_api::kReasonMalformed)}}));
      }
      if (absl::IsUnavailable(page.status())) {
        return done(model::StoreUnavailable("the task store failed", page.status()));
      }
      return done(page.status());
    }
    v1::ListVideoTasksResponse response;
    for (StoredTask& t : page->tasks) {
      // A live task may be ahead of its last commit only by changes about to
      // be committed; the stored view is what survives, so list that.
      *response.add_tasks() = std::move(*t.mutable_task());
    }
    response.set_next_page_token(page->next_page_token);
    done(std::move(response));
  });
}

void TaskManager::Cancel(const callers::Caller& caller, const std::string& task_id,
                         Done<v1::VideoTask> done) {
  loop_.Post([this, caller, task_id, done = std::move(done)] {
    absl::StatusOr<StoredTask> task = FindOwned(caller, task_id);
    if (!task.ok()) return done(task.status());
    if (model::IsTerminal(task->task().state())) {
      return done(upstream_api::WithErrorInfo(
          absl::FailedPreconditionError(absl::StrCat(
              "task ", task_id, " already ended (", model::StateName(task->task().state()), ")")),
          "TASK_ALREADY_ENDED", model::kGatewayErrorDomain, {{"task_id", task_id}}));
    }
    if (registry_.Find(task_id) == nullptr) {
      // Stored but not live here: another replica drives it (or it is
      // being resumed).
      absl::Status here = keeper_ != nullptr
                              ? keeper_->TakeOver(task_id, /*resume=*/false)
                              : absl::UnavailableError("the task is being resumed; try again");
      if (!here.ok()) return done(here);
    }
    absl::Status cancelled = upstream_api::WithErrorInfo(
        absl::CancelledError(
            "cancelled by the caller; the upstream may still finish and bill it"),
        "CANCELLED_BY_CALLER", model::kGatewayErrorDomain);
    bool moved = registry_.Transition(
        task_id, v1::TASK_STATE_CANCELLED,
        [&cancelled](StoredTask& t) {
          *t.mutable_task()->mutable_error() = upstream_api::ToRpcStatus(cancelled);
        },
        [this, task_id, done](absl::Status s) {
          if (absl::IsFailedPrecondition(s)) {
            // Fenced out: another replica took the task over meanwhile.
            return done(absl::UnavailableError(
                "the task moved to another gateway replica meanwhile; try again"));
          }
          if (!s.ok()) return done(s);
          absl::StatusOr<StoredTask> stored = store_.Get(task_id);
          if (!stored.ok()) return done(stored.status());
          done(stored->task());
        });
    if (!moved) {
      // It ended meanwhile (its end is staged, not yet stored).
      done(upstream_api::WithErrorInfo(
          absl::FailedPreconditionError(absl::StrCat("task ", task_id, " already ended")),
          "TASK_ALREADY_ENDED", model::kGatewayErrorDomain, {{"task_id", task_id}}));
    }
  });
}

void TaskManager::OpenWatch(const callers::Caller& caller, const std::string& task_id,
                            Done<std::shared_ptr<tasks::TaskEventLog>> done) {
  loop_.Post([this, caller, task_id, done = std::move(done)] {
    if (tasks::LiveTask* live = registry_.Find(task_id)) {
      if (!live->created || live->record.owner() != caller.owner) {
        return done(NotFound(task_id));
      }
      return done(live->log);
    }
    absl::StatusOr<StoredTask> task = FindOwned(caller, task_id);
    if (!task.ok()) return done(task.status());
    absl::StatusOr<std::vector<v1::TaskEvent>> events = store_.Events(task_id, 0);
    if (!events.ok()) return done(events.status());
    if (follower_ != nullptr && !model::IsTerminal(task->task().state())) {
      // Driven by another replica: its changes arrive through the store.
      return done(follower_->Follow(task_id, *std::move(events)));
    }
    done(std::make_shared<tasks::TaskEventLog>(task_id, *std::move(events)));
  });
}

void TaskManager::OnUpstreamCallback(const std::string& task_id, const std::string& secret,
                                     seedance::upstream::v1::VideosResponse answer,
                                     std::function<void(absl::Status)> done) {
  // Every outcome is counted once, as the upstream will see it.
  auto counted = [this, done = std::move(done)](absl::Status outcome, bool task_had_ended) {
    stats_->CallbackReceived(upstream::CallbackResultOf(outcome, task_had_ended));
    done(std::move(outcome));
  };
  loop_.Post([this, task_id, secret, answer = std::move(answer),
              finish = std::move(counted)] {
    auto done = [&finish](absl::Status outcome) { finish(std::move(outcome), false); };
    tasks::LiveTask* live = registry_.Find(task_id);
    std::optional<StoredTask> ended;
    if (live == nullptr && keeper_ != nullptr) {
      // Another replica may drive it: the callback is applied here, where
      // it arrived, after taking the task over. The secret is checked on
      // the stored record first, so a forged callback moves nothing.
      absl::StatusOr<StoredTask> stored = store_.Get(task_id);
      if (stored.ok() && !model::IsTerminal(stored->task().state()) &&
          !stored->callback_secret().empty() &&
          callers::ConstantTimeEquals(secret, stored->callback_secret())) {
        if (absl::Status here = keeper_->TakeOver(task_id, /*resume=*/true); !here.ok()) {
          return done(here);
        }
        live = registry_.Find(task_id);
      }
    }
    if (live == nullptr) {
      absl::StatusOr<StoredTask> stored = store_.Get(task_id);
      if (!stored.ok()) {
        return done(stored.status().code() == absl::StatusCode::kNotFound
                        ? NotFound(task_id)
                        : stored.status());
      }
      ended = *std::move(stored);
    }
    const StoredTask& record = live != nullptr ? live->record : *ended;
    const std::string& expected = record.callback_secret();
    if (expected.empty() || !callers::ConstantTimeEquals(secret, expected)) {
      Log(LogLevel::kWarning, "upstream_callback_rejected",
          {{"task_id", task_id}, {"trace_id", record.task().trace_id()}});
      return done(absl::PermissionDeniedError("wrong callback secret"));
    }
    if (live != nullptr) {
      return driver_.Apply(task_id, answer,
                           [finish](absl::Status outcome) { finish(std::move(outcome), false); });
    }
    if (!model::IsTerminal(record.task().state())) {
      // Stored but not yet resumed (the callback beat recovery after a
      // restart): a 503 makes the upstream send it again.
      return done(absl::UnavailableError("the task is being resumed; try again"));
    }
    // A late duplicate for a task that already ended is acknowledged so that
    // the upstream stops resending it; a body about another task is not.
    absl::Status same = upstream::CheckSameTask(record.task().upstream(),
                                                upstream::ReadUpstreamReport(answer).ref);
    if (!same.ok()) {
      Log(LogLevel::kWarning, "upstream_report_names_another_task",
          {{"task_id", task_id},
           {"trace_id", record.task().trace_id()},
           {"error", same.message()}});
    }
    finish(same, /*task_had_ended=*/true);
  });
}

void TaskManager::Recover(Done<int> done) {
  loop_.Post([this, done = std::move(done)] {
    done(RecoverTasks({.store = store_,
                       .registry = registry_,
                       .driver = driver_,
                       .webhooks = webhooks_,
                       .content = content_,
                       .keyring = keyring_},
                      options_.recovery_token));
  });
}

}  // namespace seedance::server::core
