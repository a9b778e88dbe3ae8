// ChildProcess: a program started by a test, with its stdout readable line
// by line, and killed when the object goes away (RAII), so that a failing
// test never leaves a server running.
//
//   absl::StatusOr<std::unique_ptr<ChildProcess>> child =
//       ChildProcess::Start("/path/to/seedance-mock-upstream", {"--port=0"});
//   absl::StatusOr<std::string> line = (*child)->ReadLine(absl::Seconds(5));
//   (*child)->Signal(SIGTERM);
//   absl::StatusOr<int> code = (*child)->Wait(absl::Seconds(5));  // exit code
//
// stderr is inherited (test logs show it) unless `quiet_stderr`. Not
// thread-safe: one thread drives a ChildProcess.
#ifndef SEEDANCE_TESTS_TESTING_CHILD_PROCESS_H_
#define SEEDANCE_TESTS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace seedance::testing {

class ChildProcess {
 public:
  struct Options {
    bool quiet_stderr = false;  // send the child's stderr to /dev/null
    // Send the child's stderr to the stdout pipe (ReadLine reads both), to
    // assert on what a binary logs. Overrides quiet_stderr.
    bool stderr_to_stdout = false;
    // SIGKILL the child when the thread that started it ends (so a crashed
    // or killed test leaves no server behind). Start it from a thread that
    // outlives it, such as the test's main thread.
    bool die_with_parent = true;
  };

  // Starts `binary` with `args` (argv[0] is added), its stdout on a pipe.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args,
      Options options);
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::string& binary, const std::vector<std::string>& args) {
    return Start(binary, args, Options());
  }

  // Kills (SIGKILL) and reaps the child if it still runs.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // The next line of the child's stdout, without the newline. Errors:
  // DEADLINE_EXCEEDED after `timeout`, OUT_OF_RANGE at end of output.
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

  // Sends `signal` (SIGTERM, SIGKILL, ...) if the child still runs.
  void Signal(int signal);

  // Waits up to `timeout` for the child to end. Returns its exit code, or
  // 128 + signal number when a signal ended it; DEADLINE_EXCEEDED if it
  // still runs.
  absl::StatusOr<int> Wait(absl::Duration timeout);

  // True until the child has been reaped by Wait().
  bool running() const { return !exit_code_.has_value(); }

 private:
  ChildProcess(pid_t pid, int stdout_fd) : pid_(pid), stdout_fd_(stdout_fd) {}
  bool TryReap();

  pid_t pid_;
  int stdout_fd_;
  std::string buffer_;
  bool eof_ = false;
  std::optional<int> exit_code_;
};

// What a finished command printed (stdout and stderr, in order) and its
// exit code (-1 if it could not start or did not end within the timeout;
// the output then says why).
struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs `binary` with `args` to its end, for at most `timeout` per line and
// for the exit.
CommandResult RunToExit(const std::string& binary, const std::vector<std::string>& args,
                        absl::Duration timeout = absl::Minutes(1));

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_CHILD_PROCESS_H_
