// Journal: every request the mock received (recorded as it arrives), every
// answer, task status change and callback attempt with its outcome, in
// order, with a blocking-style wait that costs no thread: a watcher is
// called back when enough matching entries exist.
//
//   Journal journal(clock, /*limit=*/10000);
//   journal.Append("callback", {{"task_id", id}, {"outcome", "delivered"}});
//   journal.Query({{"kind", "callback"}, {"task_id", id}}, /*since=*/0);
//   journal.Watch({{"kind", "callback"}, {"task_id", id}}, 0, /*count=*/1,
//                 [](std::vector<JournalEntry> found) { /* answer the waiter */ });
//
// A filter is a list of field=value pairs, all of which must match ("kind"
// matches the entry's kind; numbers and booleans compare as their JSON
// text). Thread-safe; watcher callbacks run outside the lock.
#ifndef SEEDANCE_MOCK_UPSTREAM_JOURNAL_H_
#define SEEDANCE_MOCK_UPSTREAM_JOURNAL_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace seedance::mock_upstream {

using JournalValue = std::variant<std::string, int64_t, bool>;
using JournalField = std::pair<std::string, JournalValue>;
using JournalFilter = std::vector<std::pair<std::string, std::string>>;

struct JournalEntry {
  int64_t seq = 0;  // 1, 2, ...; never reused, even across Clear()
  absl::Time at;
  std::string kind;  // "request", "response", "task", "callback", "admin"
  std::vector<JournalField> fields;

  // The field's value as JSON text without quotes ("200", "true", "abc"),
  // or "" if absent.
  std::string Text(absl::string_view name) const;
  bool Matches(const JournalFilter& filter) const;
};

// {"seq":1,"at":1766361600.25,"kind":"callback","task_id":"..."}
std::string EntryToJson(const JournalEntry& entry);

class Journal {
 public:
  using WatchCallback = std::function<void(std::vector<JournalEntry> found)>;
  using Observer = std::function<void(const JournalEntry& entry)>;

  Journal(const Clock& clock, size_t limit) : clock_(clock), limit_(limit) {}

  // Calls `observer` with every entry appended from now on (without its
  // "body" field), outside the lock (it may read the journal), on the
  // appending thread. Set it before the journal is shared, and clear it
  // (nullptr) before what it calls goes; the mock's metrics are counted so.
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

  // Records an entry; returns its seq.
  int64_t Append(std::string kind, std::vector<JournalField> fields);

  // The entries after `since` matching `filter`, oldest first.
  std::vector<JournalEntry> Query(const JournalFilter& filter, int64_t since) const;

  // Calls `done` once, with the first `count` entries after `since` that match
  // `filter`, as soon as they exist (at once if they do). Returns an id for
  // Cancel.
  uint64_t Watch(JournalFilter filter, int64_t since, size_t count, WatchCallback done);

  // Stops watcher `id`. Returns what it had found so far and true if it was
  // still waiting (so the caller answers it), false if it had been called.
  std::pair<bool, std::vector<JournalEntry>> Cancel(uint64_t id);

  // Forgets every entry (seq goes on). Watchers keep waiting.
  void Clear();

  // The seq of the newest entry, 0 if none yet.
  int64_t last_seq() const;

  // JournalEntry::Text(name) of entry `seq`, or "" if it is gone (past the
  // limit, or cleared) or never was.
  std::string FieldText(int64_t seq, absl::string_view name) const;

 private:
  struct Watcher {
    JournalFilter filter;
    int64_t since;
    size_t count;
    WatchCallback done;
    std::vector<JournalEntry> found;
  };

  const Clock& clock_;
  const size_t limit_;
  Observer observer_;
  mutable absl::Mutex mu_;
  std::deque<JournalEntry> entries_ ABSL_GUARDED_BY(mu_);
  int64_t next_seq_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t next_watch_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<uint64_t, Watcher> watchers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_JOURNAL_H_
