#include "base/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace seedance {
namespace {

TEST(Utf8Test, ValidTextPassesAndInvalidBytesBecomeReplacementCharacters) {
  struct Case {
    std::string name;
    std::string in;
    bool valid;
    std::string out;
  };
  const std::string kReplacement = "\xEF\xBF\xBD";
  const Case cases[] = {
      {"ascii", "hello", true, "hello"},
      {"two-byte", "caf\xC3\xA9", true, "caf\xC3\xA9"},
      {"four-byte", "\xF0\x9F\x98\x80", true, "\xF0\x9F\x98\x80"},
      {"stray byte", "a\xFF" "b", false, "a" + kReplacement + "b"},
      {"overlong slash", "\xC0\xAF", false, kReplacement + kReplacement},
      {"surrogate", "\xED\xA0\x80", false, kReplacement + kReplacement + kReplacement},
      {"cut short", "caf\xC3", false, "caf" + kReplacement},
      {"empty", "", true, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(IsValidUtf8(c.in), c.valid);
    EXPECT_EQ(ToValidUtf8(c.in), c.out);
    EXPECT_TRUE(IsValidUtf8(ToValidUtf8(c.in)));
  }
}

}  // namespace
}  // namespace seedance
