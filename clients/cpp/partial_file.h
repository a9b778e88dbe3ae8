// PartialFile: a download in progress, kept as `<path>.part` and renamed to
// `<path>` only once it is whole and checked, so `path` is never half a file.
// Destroying it without Commit() removes the partial file.
//
//   absl::StatusOr<PartialFile> part = PartialFile::Create("cat.mp4");
//   part->Append(bytes);                    // as they arrive
//   absl::StatusOr<std::string> digest = part->Sha256();  // of all written
//   absl::Status saved = part->Commit();    // fsync, rename
#ifndef SEEDANCE_CLIENTS_CPP_PARTIAL_FILE_H_
#define SEEDANCE_CLIENTS_CPP_PARTIAL_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::client {

class PartialFile {
 public:
  // Starts `path` + ".part" empty. INVALID_ARGUMENT if it cannot be made.
  static absl::StatusOr<PartialFile> Create(std::string path);

  PartialFile(PartialFile&& other) noexcept;
  PartialFile& operator=(PartialFile&&) = delete;
  ~PartialFile();

  // Adds `bytes` at the end. UNAVAILABLE when the disk refuses.
  absl::Status Append(absl::string_view bytes);
  // Bytes written so far.
  int64_t size() const { return size_; }
  // SHA-256 of everything written, lower-case hex (read back from the disk,
  // so it covers what will be renamed, however many streams wrote it).
  absl::StatusOr<std::string> Sha256() const;
  // Flushes to disk and renames to the final path.
  absl::Status Commit();

 private:
  PartialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string partial_path() const { return path_ + ".part"; }

  std::string path_;
  int fd_ = -1;
  int64_t size_ = 0;
};

}  // namespace seedance::client

#endif  // SEEDANCE_CLIENTS_CPP_PARTIAL_FILE_H_
