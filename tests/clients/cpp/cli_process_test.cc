// The `seedance` CLI as a process, where what a user sees is the point: an
// unreachable gateway is reported at once and given up with exit 3, usage
// errors are short, each command has its own --help, and an --output that
// cannot be used is refused before anything is sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/scoped_fd.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"

namespace seedance::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

testing::CommandResult Seedance(const std::vector<std::string>& args) {
  return testing::RunToExit(SEEDANCE_CPP_CLIENT_BINARY, args);
}

// A port that accepts TCP connections and never speaks HTTP/2: a gateway
// that cannot be reached, deterministically (nothing else can take it).
class SilentPort {
 public:
  SilentPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(fd_.get(), 16);
    getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  // Whether a connection waits to be accepted.
  bool WasDialed() const {
    pollfd p{fd_.get(), POLLIN, 0};
    return poll(&p, 1, 0) == 1;
  }

 private:
  ScopedFd fd_;
  int port_ = 0;
};

TEST(CliProcessTest, AnUnreachableGatewayIsReportedAndGivenUpWithExit3) {
  SilentPort port;
  testing::CommandResult run = Seedance({"--gateway=" + port.address(), "--token=t", "--connect-timeout=3s",
                      "watch", "some-task"});
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_THAT(run.output, HasSubstr("connecting to " + port.address()));
  EXPECT_THAT(run.output, HasSubstr("giving up after 3s"));
  EXPECT_THAT(run.output,
              HasSubstr("at " + port.address() + ": cannot reach the gateway within 3s"));
}

TEST(CliProcessTest, AnOutputThatCannotBeUsedIsRefusedBeforeAnythingIsSent) {
  SilentPort port;
  const std::vector<std::string> create = {"--gateway=" + port.address(), "--token=t", "create",
                                           "--model", "doubao-seedance-1-0-pro-250528",
                                           "--prompt", "a fox"};
  std::vector<std::string> unwritable = create;
  unwritable.insert(unwritable.end(), {"--wait", "--output", "/no-such-dir/fox.mp4"});
  testing::CommandResult refused = Seedance(unwritable);
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("--output /no-such-dir/fox.mp4: cannot write there"));

  std::vector<std::string> without_wait = create;
  without_wait.insert(without_wait.end(), {"--output", "fox.mp4"});
  testing::CommandResult ignored = Seedance(without_wait);
  EXPECT_EQ(ignored.exit_code, 2) << ignored.output;
  EXPECT_THAT(ignored.output, HasSubstr("--output needs --wait"));
  EXPECT_FALSE(port.WasDialed()) << "a create was sent";
}

TEST(CliProcessTest, EachCommandHasItsOwnHelp) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"create", "--help"}, std::vector<std::string>{"help", "create"}}) {
    testing::CommandResult help = Seedance(args);
    EXPECT_EQ(help.exit_code, 0) << help.output;
    EXPECT_THAT(help.output, HasSubstr("--resolution 480p|720p|1080p"));
    EXPECT_THAT(help.output, Not(HasSubstr("cancel TASK_ID")));
  }
  testing::CommandResult all = Seedance({"help"});
  EXPECT_THAT(all.output, HasSubstr("cancel TASK_ID"));
}

TEST(CliProcessTest, AUsageErrorIsShortAndSaysWhereMoreIs) {
  testing::CommandResult run = Seedance({"create", "--colour", "red"});
  EXPECT_EQ(run.exit_code, 2);
  std::vector<std::string> lines = absl::StrSplit(run.output, '\n', absl::SkipEmpty());
  EXPECT_LE(lines.size(), 2u) << run.output;
  EXPECT_THAT(run.output, HasSubstr("unknown flag --colour for create"));
  EXPECT_THAT(run.output, HasSubstr("seedance COMMAND --help"));
}

}  // namespace
}  // namespace seedance::client
