// StderrToFile: while it lives, this process's stderr (fd 2) is appended to
// a file, and so is the stderr of every child process started meanwhile, for
// the child's whole life (a child inherits fd 2 when it starts). A test uses
// it to read what the binaries it starts log, without changing how
// ChildProcess, MockUpstreamProcess or GatewayProcess start them:
//
//   std::unique_ptr<MockUpstreamProcess> mock;
//   {
//     StderrToFile capture(dir.path() + "/mock.log");
//     mock = *MockUpstreamProcess::Start({"--log_level=debug"});
//   }  // the test's stderr is back; the mock keeps writing to mock.log
//   std::string log = ReadFileBytes(dir.path() + "/mock.log");
//
// Not thread-safe: other threads of the test should not start children or
// rely on stderr while one is alive.
#ifndef SEEDANCE_TESTS_TESTING_STDERR_CAPTURE_H_
#define SEEDANCE_TESTS_TESTING_STDERR_CAPTURE_H_

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/read_file.h"

namespace seedance::testing {

class StderrToFile {
 public:
  explicit StderrToFile(const std::string& path) {
    std::fflush(stderr);
    saved_ = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0);  // not for children
    // O_APPEND: several processes (a restarted gateway, say) can share the
    // file without overwriting each other.
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (saved_ < 0 || fd < 0) {
      ADD_FAILURE() << "cannot redirect stderr to " << path;
      if (fd >= 0) close(fd);
      return;
    }
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  ~StderrToFile() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, STDERR_FILENO);
    close(saved_);
  }
  StderrToFile(const StderrToFile&) = delete;
  StderrToFile& operator=(const StderrToFile&) = delete;

 private:
  int saved_ = -1;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_STDERR_CAPTURE_H_
