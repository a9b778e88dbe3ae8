// Each client library as its users get it: installed the way its ecosystem
// installs packages, into a directory outside the repository, and used by a
// program of the user's own there (tests/packages/<language>/), which
// creates a task, watches it to its end and downloads the video, against a
// real seedance-gateway in front of the real mock. The video on disk must be
// the mock's, byte for byte, with the digest the program printed.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/file_bytes.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::CommandResult;
using ::testing::HasSubstr;

// Installing and building take longer than a client step.
constexpr absl::Duration kCommandTimeout = absl::Minutes(5);



CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args) {
  return testing::RunToExit(binary, args, kCommandTimeout);
}

class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto mock = testing::MockUpstreamProcess::Start(
        {"--generation_ms=300", "--queue_ms=50", "--log_level=warning"});
    ASSERT_THAT(mock, IsOk());
    mock_ = *std::move(mock);
    auto gateway = testing::GatewayProcess::Start(
        {"--upstream_base_url=" + mock_->base_url(), "--delivery=callback",
         "--log_level=warning", "--allow_private_content_hosts=127.0.0.1"},
        dir_.path() + "/data");
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
  }

  // Runs one set-up step, failing the test with its output if it fails.
  void Step(const std::string& what, const std::string& binary,
            const std::vector<std::string>& args) {
    CommandResult run = RunCommand(binary, args);
    std::cout << "$ " << binary << " " << absl::StrJoin(args, " ") << "\n" << run.output;
    ASSERT_EQ(run.exit_code, 0) << what << " failed:\n" << run.output;
  }

  // The user's program ran: checks what it printed and saved.
  void ExpectAVideoMadeAndSaved(const CommandResult& run, const std::string& video_path) {
    std::cout << run.output;
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_THAT(run.output, HasSubstr("state TASK_STATE_PENDING seq=1"));
    EXPECT_THAT(run.output, HasSubstr("TASK_STATE_SUCCEEDED"));
    std::string saved = testing::ReadFileBytes(video_path);
    std::string expected =
        testing::ReadFileBytes(SEEDANCE_SOURCE_DIR "/mock_upstream/assets/sample.mp4");
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(saved.size(), expected.size());
    EXPECT_TRUE(saved == expected) << "the saved file is not the mock's video";
    EXPECT_THAT(run.output, HasSubstr(absl::StrCat("bytes=", expected.size(), " sha256=",
                                                   testing::Sha256Hex(expected))));
    EXPECT_THAT(run.output, HasSubstr(absl::StrCat("downloaded ", expected.size(), " of ",
                                                   expected.size(), " bytes")));
  }

  testing::TempDir dir_;  // outside the repository
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
  std::unique_ptr<testing::GatewayProcess> gateway_;
};

// pip install into a fresh virtual environment, then `python make_video.py`.
TEST_F(PackageTest, PythonProgramOnThePipInstalledPackage) {
  namespace fs = std::filesystem;
  const std::string root = dir_.path() + "/python";
  fs::create_directories(root + "/app");
  // pip builds in the tree it is given: a copy, as an sdist would be.
  fs::copy(SEEDANCE_SOURCE_DIR "/clients/python", root + "/seedance-client",
           fs::copy_options::recursive);
  fs::copy_file(SEEDANCE_SOURCE_DIR "/tests/packages/python/make_video.py",
                root + "/app/make_video.py");
  // Offline: Debian's grpcio and protobuf through --system-site-packages.
  ASSERT_NO_FATAL_FAILURE(Step("venv", "/usr/bin/python3",
                               {"-m", "venv", "--system-site-packages", root + "/venv"}));
  ASSERT_NO_FATAL_FAILURE(Step("pip install", root + "/venv/bin/pip",
                               {"install", "--disable-pip-version-check", "--no-cache-dir",
                                "--no-build-isolation", "--no-index",
                                root + "/seedance-client"}));
  CommandResult run = RunCommand(root + "/venv/bin/python",
                       {root + "/app/make_video.py", "--gateway=" + gateway_->address(),
                        "--token=package-python", "--output=" + root + "/app/kitten.mp4"});
  ExpectAVideoMadeAndSaved(run, root + "/app/kitten.mp4");
}

// npm pack + npm install into a project of the user's, a TypeScript check of
// a program against the package's declarations, then `node make_video.js`.
TEST_F(PackageTest, NodeProgramOnTheNpmInstalledPackage) {
  namespace fs = std::filesystem;
  const std::string app = dir_.path() + "/node/app";
  fs::create_directories(app);
  for (const char* file : {"make_video.js", "types_check.ts", "tsconfig.json"}) {
    fs::copy_file(absl::StrCat(SEEDANCE_SOURCE_DIR "/tests/packages/node/", file),
                  absl::StrCat(app, "/", file));
  }
  ASSERT_NO_FATAL_FAILURE(
      Step("npm pack and install", SEEDANCE_SOURCE_DIR "/clients/node/scripts/install_package.sh",
           {app}));
  ASSERT_NO_FATAL_FAILURE(Step("typescript", "/usr/bin/env",
                               {"npm", "--prefix", app, "install", "--no-audit", "--no-fund",
                                "--loglevel=error", "--prefer-offline", "--save-dev",
                                "typescript@^5.4", "@types/node@^20"}));
  ASSERT_NO_FATAL_FAILURE(Step("tsc", app + "/node_modules/.bin/tsc",
                               {"-p", app + "/tsconfig.json"}));
  CommandResult run = RunCommand("/usr/bin/env",
                              {"node", app + "/make_video.js", "--gateway=" + gateway_->address(),
                               "--token=package-node", "--output=" + app + "/kitten.mp4"});
  ExpectAVideoMadeAndSaved(run, app + "/kitten.mp4");
}

// A module of the user's own that requires the client module, built with
// `go build`. Offline here, a Go workspace supplies the dependencies from
// Debian's Go sources (clients/go/offline_workspace.sh); with network
// access, `go build` would fetch them instead.
TEST_F(PackageTest, GoProgramOnTheClientModule) {
  namespace fs = std::filesystem;
  const std::string root = dir_.path() + "/go";
  const std::string app = root + "/make-video";
  fs::create_directories(app);
  fs::copy_file(SEEDANCE_SOURCE_DIR "/tests/packages/go/main.go", app + "/main.go");
  std::ofstream(app + "/go.mod") << "module example.com/makevideo\n\ngo 1.19\n\n"
                                    "require github.com/seedance-gateway/seedance-gateway/"
                                    "clients/go v0.2.0\n";
  ASSERT_NO_FATAL_FAILURE(Step("workspace", SEEDANCE_SOURCE_DIR "/clients/go/offline_workspace.sh",
                               {root + "/workspace", app}));
  ASSERT_NO_FATAL_FAILURE(Step("go build", "/usr/bin/env",
                               {"-C", app, "GOWORK=" + root + "/workspace/go.work", "GOPROXY=off",
                                "GOFLAGS=", "CGO_ENABLED=0", "GOCACHE=" SEEDANCE_GO_CACHE,
                                "go", "build", "-o", root + "/make-video-bin", "."}));
  CommandResult run = RunCommand(root + "/make-video-bin",
                              {"--gateway=" + gateway_->address(), "--token=package-go",
                               "--output=" + root + "/kitten.mp4"});
  ExpectAVideoMadeAndSaved(run, root + "/kitten.mp4");
}

// `cmake --install` of this build into a prefix, then a CMake project of the
// user's own that finds the package (find_package(seedance_client)) and
// links seedance::client.
TEST_F(PackageTest, CppProgramOnTheInstalledCMakePackage) {
  namespace fs = std::filesystem;
  const std::string root = dir_.path() + "/cpp";
  fs::create_directories(root + "/app");
  for (const char* file : {"CMakeLists.txt", "make_video.cc"}) {
    fs::copy_file(absl::StrCat(SEEDANCE_SOURCE_DIR "/tests/packages/cpp/", file),
                  absl::StrCat(root, "/app/", file));
  }
  ASSERT_NO_FATAL_FAILURE(Step("cmake --install", "/usr/bin/env",
                               {"cmake", "--install", SEEDANCE_BINARY_DIR, "--prefix",
                                root + "/prefix"}));
  // A sanitizer build's archives need the same runtime in the program.
  const std::string sanitize = SEEDANCE_SANITIZE;
  const std::string flags = sanitize.empty() ? "" : "-fsanitize=" + sanitize;
  ASSERT_NO_FATAL_FAILURE(Step("cmake configure", "/usr/bin/env",
                               {"cmake", "-S", root + "/app", "-B", root + "/build",
                                "-DCMAKE_PREFIX_PATH=" + root + "/prefix",
                                "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS=" + flags,
                                "-DCMAKE_EXE_LINKER_FLAGS=" + flags}));
  ASSERT_NO_FATAL_FAILURE(
      Step("cmake --build", "/usr/bin/env", {"cmake", "--build", root + "/build", "-j2"}));
  CommandResult run = RunCommand(root + "/build/make_video",
                              {"--gateway=" + gateway_->address(), "--token=package-cpp",
                               "--output=" + root + "/kitten.mp4"});
  ExpectAVideoMadeAndSaved(run, root + "/kitten.mp4");
}

}  // namespace
}  // namespace seedance
