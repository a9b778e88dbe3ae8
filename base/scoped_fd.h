// ScopedFd: owns a file descriptor and closes it when destroyed (epoll and
// eventfd descriptors, sockets). Move-only.
//
//   ScopedFd epoll_fd(epoll_create1(EPOLL_CLOEXEC));
//   if (epoll_fd.get() < 0) return absl::InternalError("epoll_create1 failed");
#ifndef SEEDANCE_BASE_SCOPED_FD_H_
#define SEEDANCE_BASE_SCOPED_FD_H_

#include <unistd.h>

#include <utility>

namespace seedance {

class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) close(fd_);
  }
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace seedance

#endif  // SEEDANCE_BASE_SCOPED_FD_H_
