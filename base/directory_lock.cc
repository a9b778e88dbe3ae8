#include "base/directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace seedance {

absl::StatusOr<DirectoryLock> DirectoryLock::Acquire(const std::string& dir) {
  std::string path = dir + "/LOCK";
  ScopedFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return absl::UnavailableError(
          absl::StrCat("cannot lock ", path, ": ", std::strerror(errno)));
    }
    char holder[32] = {};
    ssize_t n = pread(fd.get(), holder, sizeof(holder) - 1, 0);
    std::string pid = n > 0 ? std::string(absl::StripAsciiWhitespace(holder)) : "";
    return absl::FailedPreconditionError(absl::StrCat(
        dir, " is in use by another process", pid.empty() ? "" : " (pid ", pid,
        pid.empty() ? "" : ")", ", which holds ", path,
        "; stop it, or give this one another directory"));
  }
  // Who holds it, for the message a second process gets.
  std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd.get(), 0) == 0) {
    (void)pwrite(fd.get(), pid.data(), pid.size(), 0);
  }
  return DirectoryLock(std::move(fd));
}

}  // namespace seedance
