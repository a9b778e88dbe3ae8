#include "upstream_api/json_shape.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "seedance/upstream/v1/tasks.pb.h"
#include "seedance/upstream/v1/videos.pb.h"

namespace seedance::upstream_api {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using upstream::v1::TaskRecord;
using upstream::v1::VideosRequest;
using upstream::v1::VideosResponse;

google::protobuf::Value Tree(const std::string& json) {
  google::protobuf::Value tree;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &tree).ok()) << json;
  return tree;
}

std::vector<FieldViolation> Check(const std::string& json) {
  std::vector<FieldViolation> out;
  CheckJsonShape(Tree(json), *VideosRequest::descriptor(), "", out);
  return out;
}

std::string Json(const google::protobuf::Value& tree,
                 const google::protobuf::Descriptor& type) {
  return WriteOrderedJson(tree, type);
}

auto Violation(const std::string& field, const std::string& text) {
  return ::testing::AllOf(Field(&FieldViolation::field, field),
                          Field(&FieldViolation::description, HasSubstr(text)));
}

TEST(JsonShapeTest, WellTypedBodyHasNoViolations) {
  EXPECT_THAT(Check(R"({"model": "m", "content": [{"type": "text", "text": "t"},
      {"type": "image_url", "image_url": {"url": "u"}, "role": "first_frame"}],
      "duration": 5, "seed": -1, "camerafixed": false, "async": true})"),
              IsEmpty());
}

TEST(JsonShapeTest, ImageUrlAsStringIsNamedWithTheExpectedForm) {
  EXPECT_THAT(Check(R"({"content": [{"type": "text", "text": "t"},
                         {"type": "image_url", "image_url": "https://x/y.png"}]})"),
              ElementsAre(Violation("content[1].image_url",
                                    "must be an object like {\"url\": ...}, not a "
                                    "string")));
}

TEST(JsonShapeTest, ScalarTypeMismatchesAreNamed) {
  EXPECT_THAT(Check(R"({"duration": "5"})"),
              ElementsAre(Violation("duration", "must be an integer, not a string")));
  EXPECT_THAT(Check(R"({"duration": 5.5})"),
              ElementsAre(Violation("duration", "must be an integer, not 5.5")));
  EXPECT_THAT(Check(R"({"duration": 2147483648})"),
              ElementsAre(Violation("duration", "does not fit")));
  EXPECT_THAT(Check(R"({"duration": -2147483648})"), IsEmpty());
  EXPECT_THAT(Check(R"({"watermark": "true"})"),
              ElementsAre(Violation("watermark", "must be true or false")));
  EXPECT_THAT(Check(R"({"model": 7})"),
              ElementsAre(Violation("model", "must be a string, not a number")));
  EXPECT_THAT(Check(R"({"seed": "11"})"),
              ElementsAre(Violation("seed", "must be a number, not a string")));
}

TEST(JsonShapeTest, ContainerMismatchesAreNamed) {
  EXPECT_THAT(Check(R"({"content": {"type": "text"}})"),
              ElementsAre(Violation("content", "must be an array, not an object")));
  EXPECT_THAT(Check(R"({"content": ["text"]})"),
              ElementsAre(Violation("content[0]", "must be an object")));
  EXPECT_THAT(Check(R"([1, 2])"), ElementsAre(Violation("", "must be an object")));
}

TEST(JsonShapeTest, NullMeansAbsentAndUnknownKeysAreIgnored) {
  EXPECT_THAT(Check(R"({"duration": null, "content": null, "draft": {"a": [1]},
                        "tools": "web_search"})"),
              IsEmpty());
}

TEST(JsonShapeTest, UnknownKeysAreDroppedAtEveryDepthAndNamed) {
  google::protobuf::Value tree = Tree(R"({"model": "m", "durtion": 5, "": 1,
      "content": [{"type": "text", "text": "t", "colour": "red"}]})");
  std::vector<std::string> dropped;
  DropUnknownKeys(tree, *VideosRequest::descriptor(), "", &dropped);
  EXPECT_THAT(dropped, ::testing::UnorderedElementsAre("durtion", "", "content[0].colour"));
  EXPECT_EQ(Json(tree, *VideosRequest::descriptor()),
            R"({"model":"m","content":[{"type":"text","text":"t"}]})");
}

TEST(JsonShapeTest, CamelCaseKeysAreUnknownAndIgnored) {
  // Every upstream field's json_name equals its proto name, so both spellings
  // are the same key; a camelCase key is unknown and ignored.
  EXPECT_THAT(Check(R"({"generateAudio": "yes"})"), IsEmpty());
}

TEST(JsonShapeTest, ViolationsComeInFieldOrder) {
  EXPECT_THAT(Check(R"({"watermark": 1, "model": 1, "duration": "x"})"),
              ElementsAre(Field(&FieldViolation::field, "model"),
                          Field(&FieldViolation::field, "duration"),
                          Field(&FieldViolation::field, "watermark")));
}

TEST(JsonShapeTest, SingleObjectInRepeatedMessageFieldIsWrapped) {
  google::protobuf::Value tree = Tree(
      R"({"response": {"data": {"task_id": "t"}}, "request": {"content": {"type": "text"}}})");
  WrapSingleObjectsInLists(tree, *TaskRecord::descriptor());
  EXPECT_EQ(Json(tree, *TaskRecord::descriptor()),
            R"({"request":{"content":[{"type":"text"}]},"response":{"data":[{"task_id":"t"}]}})");
}

TEST(JsonShapeTest, OnlyNamedFieldsWithOneElementAreUnwrapped) {
  std::vector<absl::string_view> fields = {"seedance.upstream.v1.VideosResponse.data"};
  google::protobuf::Value one = Tree(R"({"data": [{"task_id": "a"}]})");
  UnwrapSingleElementLists(one, *VideosResponse::descriptor(), fields);
  EXPECT_EQ(Json(one, *VideosResponse::descriptor()), R"({"data":{"task_id":"a"}})");

  google::protobuf::Value two = Tree(R"({"data": [{"task_id": "a"}, {"task_id": "b"}]})");
  UnwrapSingleElementLists(two, *VideosResponse::descriptor(), fields);
  EXPECT_EQ(Json(two, *VideosResponse::descriptor()), R"({"data":[{"task_id":"a"},{"task_id":"b"}]})");

  google::protobuf::Value other = Tree(R"({"content": [{"type": "text"}]})");
  UnwrapSingleElementLists(other, *VideosRequest::descriptor(), fields);
  EXPECT_EQ(Json(other, *VideosRequest::descriptor()), R"({"content":[{"type":"text"}]})");
}

TEST(JsonShapeTest, WritesKeysInFieldNumberOrderThenUnknownKeysByName) {
  google::protobuf::Value tree = Tree(
      R"({"zeta": 1, "data": {"model": "m", "task_id": "t"}, "trace_id": "r",
          "alpha": 2, "success": true, "task_id": "x"})");
  EXPECT_EQ(WriteOrderedJson(tree, *VideosResponse::descriptor()),
            R"({"success":true,"task_id":"x","trace_id":"r",)"
            R"("data":{"task_id":"t","model":"m"},"alpha":2,"zeta":1})");
}

TEST(JsonShapeTest, WritesNumbersExactlyAndStringsEscaped) {
  google::protobuf::Value tree = Tree(
      R"({"a": 4294967295, "b": -1, "c": 83.827, "d": 1766359894.213, "e": 0.1,
          "f": "q\"uote\\ \n\t\u0001 狐狸", "g": [true, false, null]})");
  EXPECT_EQ(WriteOrderedJson(tree, *VideosResponse::descriptor()),
            R"({"a":4294967295,"b":-1,"c":83.827,"d":1766359894.213,"e":0.1,)"
            R"("f":"q\"uote\\ \n\t\u0001 狐狸","g":[true,false,null]})");
}

}  // namespace
}  // namespace seedance::upstream_api
