#include "base/log.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(LogTest, FormatsEventAndFields) {
  EXPECT_EQ(FormatLogLine(LogLevel::kInfo, "task_created",
                          {{"task_id", "t1"}, {"mode", "hold"}}),
            "INFO task_created task_id=t1 mode=hold");
}

TEST(LogTest, QuotesValuesThatWouldBreakTheLine) {
  EXPECT_EQ(FormatLogLine(LogLevel::kWarning, "e",
                          {{"a", "two words"}, {"b", ""}, {"c", "x=y"},
                           {"d", "say \"hi\"\nnow"}}),
            R"(WARN e a="two words" b="" c="x=y" d="say \"hi\"\nnow")");
}

TEST(LogTest, SinkReceivesLinesAtOrAboveMinLevel) {
  std::vector<std::string> lines;
  SetLogSink([&lines](absl::string_view line) { lines.emplace_back(line); });
  SetMinLogLevel(LogLevel::kWarning);
  Log(LogLevel::kInfo, "dropped");
  Log(LogLevel::kError, "kept", {{"k", "v"}});
  SetMinLogLevel(LogLevel::kInfo);
  SetLogSink(nullptr);
  EXPECT_THAT(lines, ElementsAre("ERROR kept k=v"));
  Log(LogLevel::kInfo, "to_stderr");
  EXPECT_THAT(std::vector<std::string>(lines.begin() + 1, lines.end()), IsEmpty());
}

}  // namespace
}  // namespace seedance
