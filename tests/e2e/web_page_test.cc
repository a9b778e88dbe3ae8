// The web page in a real browser: the real gateway (serving the page on
// its HTTP port) in front of the real mock, and Debian's chromium, headless,
// driven by puppeteer-core (tests/browser/page.test.js): a token entered,
// a video made from a prompt, its states shown as they come, the video
// element playing the gateway's copy, a validation error at its field. The
// page's screenshot is left in the build tree (web_page.png).
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/child_process.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::testing::HasSubstr;

TEST(WebPageTest, APersonMakesAVideoAndWatchesItInARealBrowser) {
  testing::TempDir dir;
  auto mock = testing::MockUpstreamProcess::Start(
      {"--generation_ms=1000", "--queue_ms=200", "--log_level=warning"});
  ASSERT_THAT(mock, IsOk());
  auto gateway = testing::GatewayProcess::Start(
      {"--upstream_base_url=" + (*mock)->base_url(), "--delivery=callback",
       "--http_listen=127.0.0.1:0", "--allow_private_content_hosts=127.0.0.1",
       "--log_level=warning"},
      dir.path() + "/data");
  ASSERT_THAT(gateway, IsOk());
  testing::ChildProcess::Options options;
  options.stderr_to_stdout = true;
  auto browser = testing::ChildProcess::Start(
      SEEDANCE_NODE,
      {SEEDANCE_BROWSER_TEST, absl::StrCat("--url=http://127.0.0.1:", (*gateway)->http_port()),
       "--token=browser-token", "--screenshot=" SEEDANCE_SCREENSHOT},
      options);
  ASSERT_THAT(browser, IsOk());
  // Its steps, one line each, until it ends (each step has its own timeout).
  std::string output;
  while (true) {
    absl::StatusOr<std::string> line = (*browser)->ReadLine(absl::Seconds(150));
    if (!line.ok()) break;
    absl::StrAppend(&output, *line, "\n");
  }
  absl::StatusOr<int> exit_code = (*browser)->Wait(absl::Seconds(30));
  ASSERT_THAT(exit_code, IsOk()) << output;
  EXPECT_EQ(*exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("states TASK_STATE_PENDING"));
  EXPECT_THAT(output, HasSubstr("video loaded duration="));
  EXPECT_THAT(output, HasSubstr("validation error at spec.duration_seconds: must be"));
  EXPECT_THAT(output, HasSubstr("\nok"));
}

}  // namespace
}  // namespace seedance
