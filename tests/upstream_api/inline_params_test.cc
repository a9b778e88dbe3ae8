#include "upstream_api/inline_params.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::upstream_api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::SizeIs;

TEST(InlineParamsTest, ReadsTheGuidesCurlExample) {
  ParsedPrompt p = ParseInlineParams(
      "A kitten yawning at the camera. --rs 720p --rt 16:9 --dur 5 --fps 24 "
      "--wm true --seed 11 --cf false");
  EXPECT_EQ(p.text, "A kitten yawning at the camera.");
  EXPECT_THAT(p.params.resolution, Optional(std::string("720p")));
  EXPECT_THAT(p.params.ratio, Optional(std::string("16:9")));
  EXPECT_THAT(p.params.duration, Optional(5));
  EXPECT_THAT(p.params.frames_per_second, Optional(24));
  EXPECT_THAT(p.params.watermark, Optional(true));
  EXPECT_THAT(p.params.seed, Optional(11));
  EXPECT_THAT(p.params.camerafixed, Optional(false));
  EXPECT_FALSE(p.params.frames.has_value());
  EXPECT_THAT(p.notes, IsEmpty());
}

TEST(InlineParamsTest, ReadsTheGuidesLongNamesAfterChineseText) {
  ParsedPrompt p = ParseInlineParams(
      "当镜头缓缓拉远时,她的头发被风轻轻吹动。 --ratio adaptive --dur 5");
  EXPECT_EQ(p.text, "当镜头缓缓拉远时,她的头发被风轻轻吹动。");
  EXPECT_THAT(p.params.ratio, Optional(std::string("adaptive")));
  EXPECT_THAT(p.params.duration, Optional(5));
}

TEST(InlineParamsTest, EveryAliasSetsItsField) {
  struct Case {
    std::string prompt;
    InlineParams want;
  };
  std::vector<Case> cases = {
      {"--rs 480p", {.resolution = "480p"}},
      {"--resolution 1080p", {.resolution = "1080p"}},
      {"--rt 21:9", {.ratio = "21:9"}},
      {"--ratio 9:16", {.ratio = "9:16"}},
      {"--dur 2", {.duration = 2}},
      {"--duration 12", {.duration = 12}},
      {"--frames 29", {.frames = 29}},
      {"--fps 24", {.frames_per_second = 24}},
      {"--framepersecond 24", {.frames_per_second = 24}},
      {"--framespersecond 24", {.frames_per_second = 24}},
      {"--seed -1", {.seed = -1}},
      {"--cf true", {.camerafixed = true}},
      {"--camerafixed FALSE", {.camerafixed = false}},
      {"--wm false", {.watermark = false}},
      {"--watermark True", {.watermark = true}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.prompt);
    ParsedPrompt p = ParseInlineParams("a cat " + c.prompt);
    EXPECT_EQ(p.params, c.want);
    EXPECT_EQ(p.text, "a cat");
    EXPECT_THAT(p.notes, IsEmpty());
  }
}

// Each range at both edges: the edge value is taken, one step past it is
// ignored with a note (weak validation: never an error).
TEST(InlineParamsTest, RangesAreCheckedAtBothEdges) {
  struct Case {
    std::string flag;
    std::string value;
    bool valid;
  };
  std::vector<Case> cases = {
      {"--dur", "2", true},          {"--dur", "1", false},
      {"--dur", "12", true},         {"--dur", "13", false},
      {"--dur", "5.5", false},       {"--dur", "five", false},
      {"--frames", "29", true},      {"--frames", "25", false},
      {"--frames", "289", true},     {"--frames", "293", false},
      {"--frames", "33", true},      {"--frames", "30", false},
      {"--fps", "24", true},         {"--fps", "25", false},
      {"--fps", "23", false},        {"--seed", "-1", true},
      {"--seed", "-2", false},       {"--seed", "4294967295", true},
      {"--seed", "4294967296", false},
      {"--seed", "99999999999999999999999", false},
      {"--rs", "720p", true},        {"--rs", "4k", false},
      {"--rs", "720P", false},       {"--rt", "adaptive", true},
      {"--rt", "2:1", false},        {"--cf", "true", true},
      {"--cf", "yes", false},        {"--wm", "1", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.flag + " " + c.value);
    ParsedPrompt p = ParseInlineParams("x " + c.flag + " " + c.value);
    EXPECT_EQ(p.text, "x");
    if (c.valid) {
      EXPECT_FALSE(p.params.empty());
      EXPECT_THAT(p.notes, IsEmpty());
    } else {
      EXPECT_TRUE(p.params.empty());
      ASSERT_THAT(p.notes, SizeIs(1));
      EXPECT_THAT(p.notes[0], HasSubstr(c.flag + " " + c.value + " ignored"));
    }
  }
}

TEST(InlineParamsTest, ParametersAnywhereAreRemovedFromTheText) {
  EXPECT_EQ(ParseInlineParams("a --dur 5 cat").text, "a cat");
  EXPECT_EQ(ParseInlineParams("--dur 5 a cat").text, "a cat");
  EXPECT_EQ(ParseInlineParams("a cat\n--dur 5\n").text, "a cat");
}

TEST(InlineParamsTest, UnknownFlagsAndEmbeddedDashesStayInTheText) {
  ParsedPrompt p = ParseInlineParams("a well--known cat --style anime x--dur 5");
  EXPECT_EQ(p.text, "a well--known cat --style anime x--dur 5");
  EXPECT_TRUE(p.params.empty());
  EXPECT_THAT(p.notes, IsEmpty());
}

TEST(InlineParamsTest, LastValidRepeatWins) {
  ParsedPrompt p = ParseInlineParams("x --dur 5 --dur 7");
  EXPECT_THAT(p.params.duration, Optional(7));
  EXPECT_THAT(p.notes, ElementsAre(HasSubstr("more than once")));
  // An invalid repeat keeps the earlier valid value.
  p = ParseInlineParams("x --dur 5 --dur 70");
  EXPECT_THAT(p.params.duration, Optional(5));
  EXPECT_THAT(p.notes, ElementsAre(HasSubstr("--dur 70 ignored")));
}

TEST(InlineParamsTest, FramesWinOverDuration) {
  ParsedPrompt p = ParseInlineParams("x --dur 5 --frames 121");
  EXPECT_THAT(p.params.frames, Optional(121));
  EXPECT_FALSE(p.params.duration.has_value());
  EXPECT_THAT(p.notes, ElementsAre(HasSubstr("--dur 5 ignored")));
}

TEST(InlineParamsTest, FlagWithoutValueIsIgnored) {
  ParsedPrompt p = ParseInlineParams("a cat --dur");
  EXPECT_EQ(p.text, "a cat");
  EXPECT_TRUE(p.params.empty());
  EXPECT_THAT(p.notes, ElementsAre(HasSubstr("--dur ignored: it has no value")));
  // A flag followed by another flag has no value either.
  p = ParseInlineParams("a cat --dur --rs 720p");
  EXPECT_EQ(p.text, "a cat");
  EXPECT_THAT(p.params.resolution, Optional(std::string("720p")));
  EXPECT_THAT(p.notes, ElementsAre(HasSubstr("--dur ignored")));
}

TEST(InlineParamsTest, PromptWithoutParametersIsUnchanged) {
  for (const char* text : {"", "   ", "a cat  ", "\t--\t", "--", "----", "- -dur 5"}) {
    SCOPED_TRACE(text);
    ParsedPrompt p = ParseInlineParams(text);
    EXPECT_EQ(p.text, text);
    EXPECT_TRUE(p.params.empty());
  }
}

TEST(InlineParamsTest, MalformedBytesNeverCrash) {
  std::string nul_inside("a\0b --dur 5", 11);
  ParsedPrompt p = ParseInlineParams(nul_inside);
  EXPECT_EQ(p.text, std::string("a\0b", 3));
  EXPECT_THAT(p.params.duration, Optional(5));
  p = ParseInlineParams("\xff\xfe --rs \xc3\x28 --seed \xe2\x82");
  EXPECT_TRUE(p.params.empty());
  EXPECT_THAT(p.notes, SizeIs(2));
}

TEST(InlineParamsTest, RendersCanonicalShortForm) {
  InlineParams params{.resolution = "720p",
                      .ratio = "16:9",
                      .duration = 5,
                      .frames_per_second = 24,
                      .seed = 11,
                      .camerafixed = false,
                      .watermark = true};
  EXPECT_EQ(RenderInlineParams("A kitten.", params),
            "A kitten. --rs 720p --rt 16:9 --dur 5 --fps 24 --seed 11 --cf false "
            "--wm true");
  EXPECT_EQ(RenderInlineParams("", InlineParams{.frames = 29}), "--frames 29");
  EXPECT_EQ(RenderInlineParams("only text", InlineParams{}), "only text");
}

// Deterministic random prompts mixing words, known flags and bad values:
// parsing never fails, and rendering what was parsed reads back the same.
TEST(InlineParamsTest, ParseOfRenderIsIdentityOnRandomInput) {
  const std::vector<std::string> vocabulary = {
      "cat", "--rs", "720p", "--rt", "16:9", "--dur", "5", "13", "--frames",
      "29", "30", "--fps", "24", "--seed", "-1", "4294967296", "--cf", "true",
      "--wm", "maybe", "--", "\xff", "狐狸", "--ratio", "adaptive", " ", "\t"};
  std::mt19937 rng(20261124);
  for (int round = 0; round < 2000; ++round) {
    std::string prompt;
    int words = std::uniform_int_distribution<int>(0, 12)(rng);
    for (int w = 0; w < words; ++w) {
      prompt += vocabulary[std::uniform_int_distribution<size_t>(
          0, vocabulary.size() - 1)(rng)];
      prompt += ' ';
    }
    SCOPED_TRACE(prompt);
    ParsedPrompt first = ParseInlineParams(prompt);
    ParsedPrompt second =
        ParseInlineParams(RenderInlineParams(first.text, first.params));
    ASSERT_EQ(second.params, first.params);
  }
}

}  // namespace
}  // namespace seedance::upstream_api
