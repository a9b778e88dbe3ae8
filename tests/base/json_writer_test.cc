#include "base/json_writer.h"

#include "gtest/gtest.h"

namespace seedance {
namespace {

TEST(JsonWriterTest, WritesNestedContainersInOrder) {
  JsonWriter json;
  json.Object()
      .Key("a").Int(1)
      .Key("b").Array().String("x").Bool(false).Object().End().End()
      .Key("c").Double(0.25)
      .Key("d").Raw(R"({"k":[1]})")
      .End();
  EXPECT_EQ(json.Take(), R"({"a":1,"b":["x",false,{}],"c":0.25,"d":{"k":[1]}})");
}

TEST(JsonWriterTest, QuotesControlCharactersAndQuotes) {
  EXPECT_EQ(JsonQuote("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
}

}  // namespace
}  // namespace seedance
