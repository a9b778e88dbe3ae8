#include "upstream_api/upstream_json.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"
#include "upstream_api/field_violation.h"
#include "upstream_api/request_validator.h"

namespace seedance::upstream_api {
namespace {

namespace pb = google::protobuf;
using ::seedance::testing::FixtureNames;
using ::seedance::testing::IsOk;
using ::seedance::testing::ReadFixture;
using ::seedance::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using namespace upstream::v1;  // NOLINT: the mirror's message names read best bare

pb::Value Tree(const std::string& json) {
  pb::Value tree;
  EXPECT_TRUE(pb::util::JsonStringToMessage(json, &tree).ok()) << json;
  return tree;
}

// The message type a fixture holds, by its file name.
std::unique_ptr<pb::Message> MessageFor(const std::string& name) {
  if (name.rfind("videos_request_", 0) == 0) return std::make_unique<VideosRequest>();
  if (name.rfind("videos_response_", 0) == 0 || name == "callback_body.json" ||
      name == "sibling_videos_response_data_array.json") {
    return std::make_unique<VideosResponse>();
  }
  if (name == "videos_accepted.json") return std::make_unique<VideosAccepted>();
  if (name == "error_response.json") return std::make_unique<ErrorResponse>();
  if (name.rfind("sibling_tasks_retrieve", 0) == 0) {
    return std::make_unique<TasksRequest>();
  }
  if (name == "sibling_task_record.json") return std::make_unique<TaskRecord>();
  if (name == "sibling_tasks_batch_response.json") {
    return std::make_unique<TasksBatchResponse>();
  }
  return nullptr;
}

TEST(UpstreamJsonTest, EveryFixtureParsesRoundTripsAndReserialisesEquivalently) {
  std::vector<std::string> names = FixtureNames("upstream", "");
  ASSERT_THAT(names, SizeIs(15));
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    std::unique_ptr<pb::Message> message = MessageFor(name);
    ASSERT_NE(message, nullptr) << "no message type for this fixture";
    std::string json = ReadFixture("upstream/" + name);
    bool is_request = name.find("request") != std::string::npos;
    JsonStrictness strictness =
        is_request ? JsonStrictness::kStrict : JsonStrictness::kLenient;
    ASSERT_THAT(ParseWireJson(json, strictness, *message), IsOk());

    std::string written = ToWireJson(*message);
    EXPECT_TRUE(pb::util::MessageDifferencer::Equals(Tree(written), Tree(json)))
        << "wrote " << written;

    std::unique_ptr<pb::Message> reread(message->New());
    ASSERT_THAT(ParseWireJson(written, strictness, *reread), IsOk());
    EXPECT_TRUE(pb::util::MessageDifferencer::Equals(*reread, *message));
  }
}

TEST(UpstreamJsonTest, GuideRequestExamplesAreValid) {
  for (const std::string& name : FixtureNames("upstream", "videos_request_")) {
    SCOPED_TRACE(name);
    absl::StatusOr<VideosRequest> request =
        ParseVideosRequest(ReadFixture("upstream/" + name));
    ASSERT_THAT(request, IsOk());
    ValidationResult result = ValidateVideosRequest(*request);
    EXPECT_THAT(result.violations, IsEmpty());
    EXPECT_THAT(result.notes, IsEmpty());
  }
}

// The fixtures are the guide's own examples: every key and string in them
// occurs verbatim in the provider's guide.
TEST(UpstreamJsonTest, GuideFixturesAreVerbatimFromTheGuide) {
  std::ifstream in(seedance::testing::SourceDir() / "docs" / "upstream-api" /
                   "seedance-videos-api.original.txt");
  std::string guide((std::istreambuf_iterator<char>(in)), {});
  ASSERT_THAT(guide, HasSubstr("SeeDance"));
  std::function<void(const pb::Value&)> check = [&](const pb::Value& v) {
    if (v.has_struct_value()) {
      for (const auto& [key, child] : v.struct_value().fields()) {
        EXPECT_THAT(guide, HasSubstr("\"" + key + "\"")) << key;
        check(child);
      }
    } else if (v.has_list_value()) {
      for (const auto& child : v.list_value().values()) check(child);
    } else if (v.kind_case() == pb::Value::kStringValue) {
      EXPECT_THAT(guide, HasSubstr(v.string_value()));
    }
  };
  for (const std::string& name : FixtureNames("upstream", "")) {
    if (name.rfind("sibling_", 0) == 0) continue;
    SCOPED_TRACE(name);
    check(Tree(ReadFixture("upstream/" + name)));
  }
}

TEST(UpstreamJsonTest, ReadsTheDocumentedSuccessAnswer) {
  absl::StatusOr<VideosResponse> r =
      ParseVideosResponse(ReadFixture("upstream/videos_response_text.json"));
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->task_id(), "ec22ae22-0140-4033-8c86-a48b536da595");
  EXPECT_EQ(r->trace_id(), "1cc87db0-8ee5-4436-969b-35cc571a9fd5");
  ASSERT_THAT(r->data(), SizeIs(1));
  EXPECT_EQ(r->data(0).task_id(), "cgt-20251222005129-62fhb");
  EXPECT_EQ(r->data(0).status(), "succeeded");
  EXPECT_EQ(r->data(0).model(), "doubao-seedance-1-0-pro-250528");
  EXPECT_THAT(r->data(0).video_url(), HasSubstr(".mp4"));
}

TEST(UpstreamJsonTest, CallbackBodyIsTheBlockingAnswer) {
  absl::StatusOr<VideosResponse> callback =
      ParseVideosResponse(ReadFixture("upstream/callback_body.json"));
  absl::StatusOr<VideosResponse> blocking =
      ParseVideosResponse(ReadFixture("upstream/videos_response_first_last_frame.json"));
  absl::StatusOr<VideosAccepted> accepted =
      ParseVideosAccepted(ReadFixture("upstream/videos_accepted.json"));
  ASSERT_THAT(callback, IsOk());
  ASSERT_THAT(blocking, IsOk());
  ASSERT_THAT(accepted, IsOk());
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(*callback, *blocking));
  EXPECT_EQ(callback->task_id(), accepted->task_id());
}

TEST(UpstreamJsonTest, ReadsTheDocumentedErrorAnswer) {
  absl::StatusOr<ErrorResponse> e =
      ParseErrorResponse(ReadFixture("upstream/error_response.json"));
  ASSERT_THAT(e, IsOk());
  ASSERT_TRUE(e->has_success());
  EXPECT_FALSE(e->success());
  EXPECT_EQ(e->error().code(), "api_error");
  EXPECT_EQ(e->error().message(), "获取失败");
  EXPECT_EQ(e->trace_id(), "2cf86e86-22a4-46e1-ac2f-032c0f2a4e89");
}

TEST(UpstreamJsonTest, ExplicitFalseAndZeroAreWrittenOut) {
  ErrorResponse e;
  e.set_success(false);
  e.mutable_error()->set_code("invalid_token");
  EXPECT_THAT(ToWireJson(e), HasSubstr("\"success\":false"));
  VideosRequest r;
  r.set_watermark(false);
  r.set_seed(-1);
  EXPECT_EQ(ToWireJson(r), R"({"seed":-1,"watermark":false})");
  VideosRequest empty;
  EXPECT_EQ(ToWireJson(empty), "{}");
}

TEST(UpstreamJsonTest, SeedIsWrittenAsAJsonNumberAcrossItsRange) {
  VideosRequest r;
  r.set_seed(4294967295.0);
  EXPECT_EQ(ToWireJson(r), R"({"seed":4294967295})");
  absl::StatusOr<VideosRequest> back = ParseVideosRequest(R"({"seed":4294967295})");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->seed(), 4294967295.0);
}

TEST(UpstreamJsonTest, DataIsReadAsObjectOrArray) {
  absl::StatusOr<VideosResponse> array =
      ParseVideosResponse(ReadFixture("upstream/sibling_videos_response_data_array.json"));
  ASSERT_THAT(array, IsOk());
  ASSERT_THAT(array->data(), SizeIs(2));
  EXPECT_THAT(array->data(0).last_frame_url(), HasSubstr(".png"));
  EXPECT_THAT(ToWireJson(*array), HasSubstr("\"data\":["));

  absl::StatusOr<VideosResponse> single =
      ParseVideosResponse(R"({"data": [{"task_id": "x"}]})");
  ASSERT_THAT(single, IsOk());
  EXPECT_EQ(ToWireJson(*single), R"({"data":{"task_id":"x"}})");
}

TEST(UpstreamJsonTest, DataInsideTaskRecordsIsNormalisedToo) {
  absl::StatusOr<TasksBatchResponse> batch =
      ParseTasksBatchResponse(ReadFixture("upstream/sibling_tasks_batch_response.json"));
  ASSERT_THAT(batch, IsOk());
  ASSERT_THAT(batch->items(), SizeIs(1));
  EXPECT_EQ(batch->items(0).response().data(0).status(), "processing");
  EXPECT_TRUE(batch->items(0).request().async());
  EXPECT_DOUBLE_EQ(batch->items(0).created_at(), 1766359894.213);
  EXPECT_FALSE(batch->items(0).has_finished_at());
}

TEST(UpstreamJsonTest, UpstreamAnswersMayCarryUnknownFields) {
  absl::StatusOr<VideosResponse> r = ParseVideosResponse(
      R"({"success": true, "task_id": "t", "cost": 1.5,
          "data": {"task_id": "cgt", "status": "running", "duration": 5}})");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->data(0).status(), "running");
}

// Found by upstream_json_fuzzer: protobuf's parser refuses an empty key even
// when told to ignore unknown ones, with an error that names no field.
TEST(UpstreamJsonTest, AnEmptyKeyIsAnUnknownKeyLikeAnyOther) {
  absl::StatusOr<upstream::v1::TasksRequest> request = ParseWireJson<upstream::v1::TasksRequest>(
      R"({"action": "retrieve", "": 1.5, "id": "t"})", JsonStrictness::kStrict);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->id(), "t");
  absl::StatusOr<VideosResponse> answer = ParseVideosResponse(R"({"": 1, "task_id": "t"})");
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->task_id(), "t");
}

TEST(UpstreamJsonTest, StrictRequestNamesEveryWrongField) {
  absl::StatusOr<VideosRequest> r = ParseVideosRequest(
      R"({"model": "doubao-seedance-1-0-pro-250528",
          "content": [{"type": "image_url", "image_url": "https://x/y.png"}],
          "duration": "5"})");
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("content[0].image_url: must be an object")));
  EXPECT_THAT(ViolationsFromStatus(r.status()),
              ElementsAre(Field(&FieldViolation::field, "content[0].image_url"),
                          Field(&FieldViolation::field, "duration")));
}

TEST(UpstreamJsonTest, MalformedBodiesAreOneBodyLevelViolation) {
  for (const char* body : {"", "{", "not json", "{\"model\": }", "[1,2"}) {
    SCOPED_TRACE(body);
    absl::StatusOr<VideosRequest> r = ParseVideosRequest(body);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument,
                            HasSubstr("not valid JSON")));
    EXPECT_THAT(ViolationsFromStatus(r.status()),
                ElementsAre(Field(&FieldViolation::reason, "MALFORMED")));
  }
  EXPECT_THAT(ParseVideosRequest("[]"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  HasSubstr("must be an object")));
  EXPECT_THAT(ParseVideosResponse("\"x\""), Not(IsOk()));
}

TEST(UpstreamJsonTest, TasksRequestsAreRead) {
  absl::StatusOr<TasksRequest> one =
      ParseTasksRequest(ReadFixture("upstream/sibling_tasks_retrieve_request.json"));
  ASSERT_THAT(one, IsOk());
  EXPECT_EQ(one->action(), "retrieve");
  EXPECT_EQ(one->id(), "f7096c6c-9430-4392-8201-d259632d7afd");
  absl::StatusOr<TasksRequest> batch = ParseTasksRequest(
      ReadFixture("upstream/sibling_tasks_retrieve_batch_request.json"));
  ASSERT_THAT(batch, IsOk());
  EXPECT_EQ(batch->action(), "retrieve_batch");
  EXPECT_THAT(batch->ids(), SizeIs(2));
}

// The mirror's promise: proto field names are the REST wire names, so the
// JSON mapping needs no renaming; and no 64-bit integers, which proto3 JSON
// would write as strings where the wire has numbers.
TEST(UpstreamJsonTest, MirrorFieldsUseWireNamesAndJsonNumbers) {
  const pb::FileDescriptor* files[] = {VideosRequest::descriptor()->file(),
                                       TaskRecord::descriptor()->file()};
  int fields_checked = 0;
  for (const pb::FileDescriptor* file : files) {
    for (int m = 0; m < file->message_type_count(); ++m) {
      const pb::Descriptor& type = *file->message_type(m);
      for (int f = 0; f < type.field_count(); ++f) {
        const pb::FieldDescriptor& field = *type.field(f);
        SCOPED_TRACE(field.full_name());
        EXPECT_EQ(field.json_name(), field.name());
        EXPECT_NE(field.cpp_type(), pb::FieldDescriptor::CPPTYPE_INT64);
        EXPECT_NE(field.cpp_type(), pb::FieldDescriptor::CPPTYPE_UINT64);
        ++fields_checked;
      }
    }
  }
  EXPECT_GT(fields_checked, 30);
}

}  // namespace
}  // namespace seedance::upstream_api
