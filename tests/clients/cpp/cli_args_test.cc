#include "clients/cpp/cli_args.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace seedance::client {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

class CliArgsTest : public ::testing::Test {
 protected:
  // The environment must not leak into what is parsed.
  void SetUp() override {
    unsetenv("SEEDANCE_TOKEN");
    unsetenv("SEEDANCE_GATEWAY");
  }
};

TEST_F(CliArgsTest, CreateTakesEveryFieldAsAFlag) {
  absl::StatusOr<CliArgs> args = ParseCliArgs(
      {"--gateway=gw:1", "--token", "t0k", "--json", "create", "--model", "m", "--prompt=p",
       "--image", "https://x/a.png,first", "--image=@b.png,last", "--resolution=720p",
       "--ratio=16:9", "--duration=5", "--fps=24", "--seed=4294967295", "--camera-fixed=true",
       "--watermark=false", "--audio=true", "--tier=flex", "--last-frame=true",
       "--expires-after=3600", "--callback-url=https://me/hook", "--request-id=r1",
       "--wait", "--output=cat.mp4"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_EQ(args->command, Command::kCreate);
  EXPECT_EQ(args->gateway, "gw:1");
  EXPECT_EQ(args->token, "t0k");
  EXPECT_TRUE(args->json);
  EXPECT_TRUE(args->wait);
  EXPECT_EQ(args->output, "cat.mp4");
  const v1::VideoSpec& spec = args->create.spec();
  EXPECT_EQ(spec.model(), "m");
  EXPECT_EQ(spec.prompt(), "p");
  EXPECT_EQ(spec.resolution(), v1::RESOLUTION_720P);
  EXPECT_EQ(spec.ratio(), v1::ASPECT_RATIO_16_9);
  EXPECT_EQ(spec.duration_seconds(), 5);
  EXPECT_EQ(spec.frames_per_second(), 24);
  EXPECT_EQ(spec.seed(), 4294967295);
  EXPECT_TRUE(spec.camera_fixed());
  EXPECT_FALSE(spec.watermark());
  EXPECT_TRUE(spec.has_watermark());
  EXPECT_TRUE(spec.generate_audio());
  EXPECT_EQ(spec.service_tier(), v1::SERVICE_TIER_FLEX);
  EXPECT_TRUE(spec.return_last_frame());
  EXPECT_EQ(spec.execution_expires_after_seconds(), 3600);
  EXPECT_EQ(spec.callback_url(), "https://me/hook");
  EXPECT_EQ(args->create.request_id(), "r1");
  ASSERT_EQ(args->images.size(), 2u);
  EXPECT_EQ(args->images[0].source, "https://x/a.png");
  EXPECT_EQ(args->images[0].role, v1::FRAME_ROLE_FIRST_FRAME);
  EXPECT_EQ(args->images[1].source, "@b.png");
  EXPECT_EQ(args->images[1].role, v1::FRAME_ROLE_LAST_FRAME);
}

TEST_F(CliArgsTest, TokenAndGatewayComeFromTheEnvironmentUnlessGiven) {
  setenv("SEEDANCE_TOKEN", "from-env", 1);
  setenv("SEEDANCE_GATEWAY", "env:9", 1);
  absl::StatusOr<CliArgs> args = ParseCliArgs({"get", "task-1"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_EQ(args->token, "from-env");
  EXPECT_EQ(args->gateway, "env:9");
  EXPECT_EQ(args->task_id, "task-1");
  args = ParseCliArgs({"--token=flag", "get", "task-1"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_EQ(args->token, "flag");
}

TEST_F(CliArgsTest, TlsFlagsFillTheClientTls) {
  absl::StatusOr<CliArgs> args =
      ParseCliArgs({"--tls", "--ca-file=ca.pem", "--cert-file", "c.pem", "--key-file=c.key",
                    "models"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_TRUE(args->tls.enabled);
  EXPECT_EQ(args->tls.ca_file, "ca.pem");
  EXPECT_EQ(args->tls.cert_file, "c.pem");
  EXPECT_EQ(args->tls.key_file, "c.key");
}

TEST_F(CliArgsTest, ListAndWatchFlags) {
  absl::StatusOr<CliArgs> list =
      ParseCliArgs({"list", "--state=running", "--state", "failed", "--page-size=5",
                    "--page-token=abc"});
  ASSERT_THAT(list.status(), IsOk());
  ASSERT_EQ(list->list.states_size(), 2);
  EXPECT_EQ(list->list.states(0), v1::TASK_STATE_RUNNING);
  EXPECT_EQ(list->list.states(1), v1::TASK_STATE_FAILED);
  EXPECT_EQ(list->list.page_size(), 5);
  EXPECT_EQ(list->list.page_token(), "abc");

  absl::StatusOr<CliArgs> watch = ParseCliArgs({"watch", "t-1", "--after=3"});
  ASSERT_THAT(watch.status(), IsOk());
  EXPECT_EQ(watch->after_sequence, 3u);
}

TEST_F(CliArgsTest, BadInputIsRefusedWithWhatIsWrong) {
  struct Case {
    std::vector<std::string> argv;
    std::string message;
  } cases[] = {
      {{}, "no command"},
      {{"make"}, "unknown command make"},
      {{"--colour", "models"}, "unknown flag --colour"},
      {{"create", "--prompt=p"}, "create needs --model"},
      {{"get"}, "get needs a TASK_ID"},
      {{"get", "a", "b"}, "unexpected argument b"},
      {{"create", "--model=m", "--duration=five"}, "--duration"},
      {{"create", "--model=m", "--resolution=4k"}, "--resolution"},
      {{"create", "--model=m", "--image=x,middle"}, "--image"},
      {{"create", "--model=m", "--watermark=perhaps"}, "--watermark"},
      {{"create", "--model=m", "--prompt"}, "--prompt needs a value"},
      {{"list", "--state=done"}, "--state"},
      {{"models", "--model=m"}, "unknown flag --model for models"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseCliArgs(c.argv).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)))
        << ::testing::PrintToString(c.argv);
  }
}

TEST_F(CliArgsTest, HelpWinsAndTheUsageNamesEveryCommand) {
  absl::StatusOr<CliArgs> args = ParseCliArgs({"--help", "create"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_EQ(args->command, Command::kHelp);
  for (const char* command : {"create", "get", "list", "cancel", "watch", "models", "health"}) {
    EXPECT_THAT(Usage(), HasSubstr(command));
  }
}

TEST_F(CliArgsTest, ACommandsHelpIsItsOwn) {
  for (const std::vector<std::string>& argv :
       {std::vector<std::string>{"watch", "--help"}, std::vector<std::string>{"help", "watch"},
        std::vector<std::string>{"watch", "-h"}}) {
    absl::StatusOr<CliArgs> args = ParseCliArgs(argv);
    ASSERT_THAT(args.status(), IsOk());
    EXPECT_EQ(args->command, Command::kHelp);
    EXPECT_EQ(args->help_for, Command::kWatch);
  }
  EXPECT_THAT(Usage(Command::kWatch), HasSubstr("watch TASK_ID"));
  EXPECT_THAT(Usage(Command::kWatch), ::testing::Not(HasSubstr("--resolution")));
  EXPECT_THAT(ParseCliArgs({"help", "nonsense"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no help for nonsense")));
}

TEST_F(CliArgsTest, EnumValuesAreReadInAnyCase) {
  absl::StatusOr<CliArgs> args =
      ParseCliArgs({"list", "--state", "RUNNING", "--state", "Succeeded"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_THAT(args->list.states(),
              ::testing::ElementsAre(v1::TASK_STATE_RUNNING, v1::TASK_STATE_SUCCEEDED));
  args = ParseCliArgs({"create", "--model", "m", "--resolution", "720P", "--ratio", "ADAPTIVE"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_EQ(args->create.spec().resolution(), v1::RESOLUTION_720P);
  EXPECT_EQ(args->create.spec().ratio(), v1::ASPECT_RATIO_ADAPTIVE);
}

TEST_F(CliArgsTest, AnOutputWithNothingToSaveIsRefused) {
  EXPECT_THAT(ParseCliArgs({"create", "--model", "m", "--output", "f.mp4"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--output needs --wait")));
  EXPECT_THAT(
      ParseCliArgs({"create", "--model", "m", "--wait", "--validate-only", "--output", "f.mp4"})
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nothing is created")));
  EXPECT_THAT(ParseCliArgs({"create", "--model", "m", "--wait", "--output", "f.mp4"}).status(),
              IsOk());
}

TEST_F(CliArgsTest, TheConnectTimeoutIsAPositiveDuration) {
  absl::StatusOr<CliArgs> args = ParseCliArgs({"--connect-timeout=90s", "models"});
  ASSERT_THAT(args.status(), IsOk());
  EXPECT_EQ(args->connect_timeout, absl::Seconds(90));
  EXPECT_EQ(ParseCliArgs({"models"})->connect_timeout, absl::Seconds(20));
  for (const char* bad : {"--connect-timeout=0s", "--connect-timeout=soon"}) {
    EXPECT_THAT(ParseCliArgs({bad, "models"}).status(),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

}  // namespace
}  // namespace seedance::client
