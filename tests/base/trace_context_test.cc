#include "base/trace_context.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance {
namespace {

using ::testing::MatchesRegex;

constexpr char kValid[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

struct ParseCase {
  const char* value;
  bool valid;
};

class ParseTraceparentTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseTraceparentTest, FollowsTheSpecsRules) {
  EXPECT_EQ(ParseTraceparent(GetParam().value).has_value(), GetParam().valid)
      << GetParam().value;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseTraceparentTest,
    ::testing::Values(
        ParseCase{kValid, true},
        ParseCase{" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\t", true},
        ParseCase{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00", true},
        // A later version: its first four fields, whatever follows a '-'.
        ParseCase{"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", true},
        ParseCase{"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what", true},
        ParseCase{"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01what", false},
        ParseCase{"ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
        ParseCase{"0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
        ParseCase{"cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0", false},
        // Version 00 has nothing after the flags.
        ParseCase{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", false},
        ParseCase{"00-00000000000000000000000000000000-00f067aa0ba902b7-01", false},
        ParseCase{"00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", false},
        ParseCase{"00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", false},
        ParseCase{"00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-011", false},
        ParseCase{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g", false},
        ParseCase{"00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01", false},
        ParseCase{"0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", false},
        ParseCase{"", false}, ParseCase{"garbage", false}));

TEST(TraceContextTest, ParsesTheFields) {
  std::optional<TraceContext> trace = ParseTraceparent(kValid);
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(trace->flags, 0x01);
  EXPECT_EQ(trace->Traceparent(), kValid);
}

TEST(TraceContextTest, PassesALaterVersionOnAsVersion00WithOnlyTheSampledFlag) {
  std::optional<TraceContext> trace =
      ParseTraceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-extra");
  ASSERT_TRUE(trace.has_value());
  EXPECT_EQ(trace->Traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe")->flags,
            0x00);
}

TEST(TraceContextTest, StartsSampledTracesWithFreshIds) {
  TraceContext a = StartTrace();
  TraceContext b = StartTrace();
  EXPECT_THAT(a.Traceparent(), MatchesRegex("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
  EXPECT_NE(a.trace_id, b.trace_id);
  EXPECT_NE(a.parent_id, b.parent_id);
  // What it makes, it reads back.
  ASSERT_TRUE(ParseTraceparent(a.Traceparent()).has_value());
  EXPECT_EQ(ParseTraceparent(a.Traceparent())->trace_id, a.trace_id);
}

TEST(TraceContextTest, ContinuesAValidContextAndReplacesAnInvalidOne) {
  EXPECT_EQ(ContinueOrStartTrace(kValid).Traceparent(), kValid);
  TraceContext started = ContinueOrStartTrace("00-bad");
  EXPECT_NE(started.trace_id, "");
  EXPECT_TRUE(ParseTraceparent(started.Traceparent()).has_value());
  EXPECT_TRUE(ParseTraceparent(ContinueOrStartTrace("").Traceparent()).has_value());
}

TEST(TraceContextTest, TraceIdOfReadsAValidValueOnly) {
  EXPECT_EQ(TraceIdOf(kValid), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(TraceIdOf(""), "");
  EXPECT_EQ(TraceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"), "");
}

}  // namespace
}  // namespace seedance
