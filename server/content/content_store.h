// ContentStore: where the gateway keeps a finished task's video (and last
// frame) once fetched, so that it outlives the provider's expiring URL. A
// content item is written through a ContentWriter and counts as stored only
// once Commit() returns: a crash, a failed write or an abandoned writer never
// leaves an item that reads as stored (the guarantee every implementation
// gives, and the conformance tests check).
//
//   absl::StatusOr<std::unique_ptr<ContentWriter>> w = store.Create(key, max_bytes);
//   (*w)->Append(chunk);                   // as the download arrives
//   absl::StatusOr<ContentInfo> info = (*w)->Commit();  // size, SHA-256
//   absl::StatusOr<int64_t> size = store.Size(key);
//   absl::StatusOr<std::string> bytes = store.Read(key, offset, length);
//
// Keys are chosen by the gateway ("<task_id>.mp4"): letters, digits, '.',
// '_' and '-', not starting with '.'. Implementation: FilesystemContentStore
// (filesystem_content_store.h).
#ifndef SEEDANCE_SERVER_CONTENT_CONTENT_STORE_H_
#define SEEDANCE_SERVER_CONTENT_CONTENT_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::server::content {

// What a stored item is.
struct ContentInfo {
  int64_t size = 0;
  std::string sha256;  // lower-case hex
};

// One item being written. Destroying it without Commit() discards what was
// written. Not thread-safe (one download writes it).
class ContentWriter {
 public:
  virtual ~ContentWriter() = default;

  // Adds `bytes`; RESOURCE_EXHAUSTED (and nothing kept) once the item would
  // pass its size cap, UNAVAILABLE when the medium fails.
  virtual absl::Status Append(absl::string_view bytes) = 0;

  // Makes the item durable and visible under its key, replacing any item
  // there; its size and digest. The writer is spent either way.
  virtual absl::StatusOr<ContentInfo> Commit() = 0;
};

class ContentStore {
 public:
  virtual ~ContentStore() = default;

  // Starts writing the item `key`, at most `max_bytes` long. INVALID_ARGUMENT
  // for a key outside the rule above. Thread-safe.
  virtual absl::StatusOr<std::unique_ptr<ContentWriter>> Create(absl::string_view key,
                                                                 int64_t max_bytes) = 0;

  // The committed item's size; NOT_FOUND if there is none. (Its digest is
  // what Commit() said, kept with the task.) Thread-safe.
  virtual absl::StatusOr<int64_t> Size(absl::string_view key) = 0;

  // Up to `length` bytes of the committed item from `offset` (fewer at its
  // end, none past it); NOT_FOUND if there is no item, OUT_OF_RANGE for an
  // offset past its end. Thread-safe.
  virtual absl::StatusOr<std::string> Read(absl::string_view key, int64_t offset,
                                           int64_t length) = 0;

  // Forgets the item (retention); OK if there was none. Thread-safe.
  virtual absl::Status Remove(absl::string_view key) = 0;

  // The keys of every committed item, in no particular order (items being
  // written are not listed). UNAVAILABLE when the medium fails. Thread-safe.
  virtual absl::StatusOr<std::vector<std::string>> List() = 0;
};

// INVALID_ARGUMENT unless `key` follows the rule above (and is at most 200
// characters): it names a file, so nothing in it may climb out of the
// store's directory.
absl::Status CheckContentKey(absl::string_view key);

}  // namespace seedance::server::content

#endif  // SEEDANCE_SERVER_CONTENT_CONTENT_STORE_H_
