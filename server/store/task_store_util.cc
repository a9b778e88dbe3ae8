#include "server/store/task_store_util.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/model/result_content.h"
#include "server/model/task_state.h"

namespace seedance::server::store {
namespace {

constexpr absl::string_view kTokenVersion = "p1";

}  // namespace

absl::Status CheckWrite(const TaskStore::Write& write) {
  const StoredTask& task = write.task;
  if (task.task().task_id().empty()) {
    return absl::InvalidArgumentError("a stored task needs a task_id");
  }
  if (task.revision() != write.expected_revision + 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("task ", task.task().task_id(), ": revision ", task.revision(),
                     " does not follow expected revision ", write.expected_revision));
  }
  if (write.event.has_value()) {
    if (write.event->sequence() != task.task().sequence() ||
        write.event->task_id() != task.task().task_id()) {
      return absl::InvalidArgumentError(
          absl::StrCat("task ", task.task().task_id(), ": event ",
                       write.event->sequence(), " does not match sequence ",
                       task.task().sequence()));
    }
  }
  return absl::OkStatus();
}

bool IsSettled(const StoredTask& task) {
  return model::IsTerminal(task.task().state()) &&
         (task.task().spec().callback_url().empty() || task.webhook().finished()) &&
         !model::HasContentPending(task.task());
}

int64_t CreateTimeMicros(const StoredTask& task) {
  const auto& t = task.task().create_time();
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

std::string EncodePageToken(const PagePosition& position) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kTokenVersion, ":", position.create_time_micros, ":",
                   position.task_id));
}

absl::StatusOr<PagePosition> DecodePageToken(const std::string& token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  std::vector<std::string> parts = absl::StrSplit(raw, absl::MaxSplits(':', 2));
  PagePosition position;
  if (parts.size() != 3 || parts[0] != kTokenVersion ||
      !absl::SimpleAtoi(parts[1], &position.create_time_micros) || parts[2].empty()) {
    return absl::InvalidArgumentError("page_token is not a token this service issued");
  }
  position.task_id = parts[2];
  return position;
}

bool IsAfter(int64_t create_time_micros, const std::string& task_id,
             const PagePosition& position) {
  if (create_time_micros != position.create_time_micros) {
    return create_time_micros < position.create_time_micros;
  }
  return task_id < position.task_id;
}

TaskPage PageOf(std::vector<StoredTask> rows, int page_size) {
  TaskPage page;
  page.tasks = std::move(rows);
  if (page.tasks.size() > static_cast<size_t>(page_size)) {
    page.tasks.resize(page_size);
    const StoredTask& last = page.tasks.back();
    page.next_page_token = EncodePageToken({CreateTimeMicros(last), last.task().task_id()});
  }
  return page;
}

}  // namespace seedance::server::store
