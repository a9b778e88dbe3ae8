// DirectoryLock: an exclusive, advisory lock on a directory (flock on
// <dir>/LOCK), held for the life of the object, so that two processes never
// serve one data directory. The kernel drops it when the process dies, so
// a crash leaves nothing stale to clean up.
//
//   absl::StatusOr<DirectoryLock> lock = DirectoryLock::Acquire("/var/lib/seedance");
//   if (!lock.ok()) return lock.status();  // FAILED_PRECONDITION: in use
#ifndef SEEDANCE_BASE_DIRECTORY_LOCK_H_
#define SEEDANCE_BASE_DIRECTORY_LOCK_H_

#include <string>

#include "absl/status/statusor.h"
#include "base/scoped_fd.h"

namespace seedance {

class DirectoryLock {
 public:
  // Locks `dir` (which must exist) without waiting. FAILED_PRECONDITION,
  // naming the holder's pid, when another open lock holds it; UNAVAILABLE
  // when the lock file cannot be opened.
  static absl::StatusOr<DirectoryLock> Acquire(const std::string& dir);

  DirectoryLock(DirectoryLock&&) = default;

 private:
  explicit DirectoryLock(ScopedFd fd) : fd_(std::move(fd)) {}
  ScopedFd fd_;
};

}  // namespace seedance

#endif  // SEEDANCE_BASE_DIRECTORY_LOCK_H_
