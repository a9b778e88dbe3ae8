#include "mock_upstream/journal.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/json_writer.h"

namespace seedance::mock_upstream {
namespace {

std::string ValueText(const JournalValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<int64_t>(&value)) return absl::StrCat(*i);
  return std::get<bool>(value) ? "true" : "false";
}

}  // namespace

std::string JournalEntry::Text(absl::string_view name) const {
  if (name == "kind") return kind;
  if (name == "seq") return absl::StrCat(seq);
  for (const auto& [key, value] : fields) {
    if (key == name) return ValueText(value);
  }
  return "";
}

bool JournalEntry::Matches(const JournalFilter& filter) const {
  for (const auto& [name, value] : filter) {
    if (Text(name) != value) return false;
  }
  return true;
}

std::string EntryToJson(const JournalEntry& entry) {
  JsonWriter json;
  json.Object()
      .Key("seq").Int(entry.seq)
      .Key("at").Double(static_cast<double>(absl::ToUnixMicros(entry.at)) / 1e6)
      .Key("kind").String(entry.kind);
  for (const auto& [key, value] : entry.fields) {
    json.Key(key);
    if (const auto* s = std::get_if<std::string>(&value)) {
      json.String(*s);
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      json.Int(*i);
    } else {
      json.Bool(std::get<bool>(value));
    }
  }
  return json.End().Take();
}

int64_t Journal::Append(std::string kind, std::vector<JournalField> fields) {
  std::vector<std::pair<WatchCallback, std::vector<JournalEntry>>> ready;
  std::optional<JournalEntry> observed;
  int64_t seq;
  {
    absl::MutexLock lock(&mu_);
    seq = next_seq_++;
    entries_.push_back({seq, clock_.Now(), std::move(kind), std::move(fields)});
    const JournalEntry& entry = entries_.back();
    if (observer_) {
      // A copy for outside the lock, without the (up to 64 KiB) body.
      observed = JournalEntry{entry.seq, entry.at, entry.kind, {}};
      for (const JournalField& field : entry.fields) {
        if (field.first != "body") observed->fields.push_back(field);
      }
    }
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      Watcher& watcher = it->second;
      if (seq > watcher.since && entry.Matches(watcher.filter)) {
        watcher.found.push_back(entry);
      }
      if (watcher.found.size() >= watcher.count) {
        ready.emplace_back(std::move(watcher.done), std::move(watcher.found));
        it = watchers_.erase(it);
      } else {
        ++it;
      }
    }
    while (entries_.size() > limit_) entries_.pop_front();
  }
  if (observed) observer_(*observed);
  for (auto& [done, found] : ready) done(std::move(found));
  return seq;
}

std::vector<JournalEntry> Journal::Query(const JournalFilter& filter,
                                         int64_t since) const {
  std::vector<JournalEntry> found;
  absl::MutexLock lock(&mu_);
  for (const JournalEntry& entry : entries_) {
    if (entry.seq > since && entry.Matches(filter)) found.push_back(entry);
  }
  return found;
}

uint64_t Journal::Watch(JournalFilter filter, int64_t since, size_t count,
                        WatchCallback done) {
  count = std::max<size_t>(count, 1);
  std::vector<JournalEntry> found;
  uint64_t id;
  {
    absl::MutexLock lock(&mu_);
    id = next_watch_++;
    for (const JournalEntry& entry : entries_) {
      if (found.size() >= count) break;
      if (entry.seq > since && entry.Matches(filter)) found.push_back(entry);
    }
    if (found.size() < count) {
      watchers_[id] = {std::move(filter), since, count, std::move(done), std::move(found)};
      return id;
    }
  }
  done(std::move(found));
  return id;
}

std::pair<bool, std::vector<JournalEntry>> Journal::Cancel(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return {false, {}};
  std::vector<JournalEntry> found = std::move(it->second.found);
  watchers_.erase(it);
  return {true, std::move(found)};
}

void Journal::Clear() {
  absl::MutexLock lock(&mu_);
  entries_.clear();
}

std::string Journal::FieldText(int64_t seq, absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  // Seqs are consecutive in entries_ (appended in order, dropped from the
  // front): the entry's place follows from the first one's seq.
  if (entries_.empty() || seq < entries_.front().seq) return "";
  size_t index = static_cast<size_t>(seq - entries_.front().seq);
  if (index >= entries_.size()) return "";
  return entries_[index].Text(name);
}

int64_t Journal::last_seq() const {
  absl::MutexLock lock(&mu_);
  return next_seq_ - 1;
}

}  // namespace seedance::mock_upstream
