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

TEST(LogTest, JsonLinesPutTheIdsOnTopAndTheRestUnderFields) {
  absl::Time t = absl::FromUnixMillis(1795515600123);  // 2026-11-24T10:20:00.123Z
  EXPECT_EQ(FormatJsonLogLine(t, LogLevel::kWarning, "upstream_submit_retry",
                              {{"task_id", "t1"}, {"attempt", "2"}, {"trace_id", "tr-9"}}),
            R"({"time":"2026-11-24T10:20:00.123Z","level":"warning",)"
            R"("event":"upstream_submit_retry","task_id":"t1","trace_id":"tr-9",)"
            R"("fields":{"attempt":"2"}})");
  // No fields, an empty id: neither is written.
  EXPECT_EQ(FormatJsonLogLine(t, LogLevel::kInfo, "gateway_started", {{"trace_id", ""}}),
            R"({"time":"2026-11-24T10:20:00.123Z","level":"info","event":"gateway_started"})");
}

TEST(LogTest, JsonLinesAreJsonWhateverTheValues) {
  std::string line =
      FormatJsonLogLine(absl::UnixEpoch(), LogLevel::kError, "e",
                        {{"quote", "say \"hi\"\n"}, {"control", "\x01"}, {"bad_utf8", "\xff"}});
  EXPECT_THAT(line, ::testing::HasSubstr(R"("quote":"say \"hi\"\n")"));
  EXPECT_THAT(line, ::testing::HasSubstr(R"("control":"\u0001")"));
  EXPECT_THAT(line, ::testing::HasSubstr("\"bad_utf8\":\"\xEF\xBF\xBD\""));  // U+FFFD
}

TEST(LogTest, LevelsAndFormatsParseFromTheFlagsValues) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(*ParseLogLevel("warning"), LogLevel::kWarning);
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  for (const char* bad : {"", "INFO", "warn", "verbose"}) {
    EXPECT_EQ(ParseLogLevel(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseLogFormat("JSON").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseLogFormat("logfmt").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LogTest, ConfigureLoggingSetsBothOrNothing) {
  std::vector<std::string> lines;
  SetLogSink([&lines](absl::string_view line) { lines.emplace_back(line); });
  // A bad format: the level is not lowered either.
  EXPECT_EQ(ConfigureLogging("debug", "yaml").code(), absl::StatusCode::kInvalidArgument);
  Log(LogLevel::kDebug, "dropped");
  Log(LogLevel::kInfo, "kept");
  ASSERT_TRUE(ConfigureLogging("warning", "json").ok());
  Log(LogLevel::kInfo, "dropped");
  Log(LogLevel::kError, "as_json");
  ASSERT_TRUE(ConfigureLogging("info", "text").ok());
  SetLogSink(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "INFO kept");
  EXPECT_THAT(lines[1], ::testing::HasSubstr(R"("event":"as_json")"));
}

TEST(LogTest, InJsonFormatTheSinkGetsJsonLines) {
  std::vector<std::string> lines;
  SetLogSink([&lines](absl::string_view line) { lines.emplace_back(line); });
  SetLogFormat(LogFormat::kJson);
  Log(LogLevel::kInfo, "task_created", {{"task_id", "t1"}});
  SetLogFormat(LogFormat::kText);
  Log(LogLevel::kInfo, "task_created", {{"task_id", "t1"}});
  SetLogSink(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], ::testing::StartsWith(R"({"time":")"));
  EXPECT_THAT(lines[0], ::testing::EndsWith(R"("level":"info","event":"task_created","task_id":"t1"})"));
  EXPECT_EQ(lines[1], "INFO task_created task_id=t1");
}

}  // namespace
}  // namespace seedance
