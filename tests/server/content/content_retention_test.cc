// ContentRetention through the whole engine (CoreHarness): a kept file goes
// once its retention time passed, after its task says EXPIRED; a file whose
// copy already says EXPIRED (a crash between the two steps) goes at the
// next sweep; files the tasks do not account for, and files of a gateway
// without a retention time, stay.
#include "server/content/content_retention.h"

#include <fstream>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/proto_time.h"
#include "server/content/content_read.h"
#include "server/content/task_content.h"
#include "tests/server/core/core_harness.h"
#include "tests/testing/status_matchers.h"

namespace seedance::server::content {
namespace {

using ::seedance::server::core::Answer;
using ::seedance::server::core::CoreHarness;
using ::seedance::server::core::Final;
using ::seedance::server::core::kAlice;
using ::seedance::server::core::Request;
using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kVideo = std::string("\0\0\0\x18" "ftypisom\0\0\2\0", 16) +
                           std::string(5000, 'v');

CoreHarness KeepingFor(absl::Duration ttl) {
  return CoreHarness({}, CoreHarness::DefaultDriverOptions(), nullptr, std::nullopt, nullptr,
                     TaskContentOptions{.ttl = ttl});
}

// A task that succeeded, its video kept.
std::string SucceedAndKeep(CoreHarness& h) {
  std::string id = h.Create(kAlice, Request())->task_id();
  h.submits.back().done(Final(Answer("succeeded", "https://cdn.test/v.mp4")));
  h.Run();
  h.content_transport.AnswerStreamed(h.content_transport.calls.size(), 200, kVideo);
  h.Run();
  return id;
}

std::vector<std::string> Kept(CoreHarness& h) { return *h.content_store->List(); }

TEST(ContentRetentionTest, AKeptVideoGoesAfterItsTtlAndItsTaskSaysExpired) {
  CoreHarness h = KeepingFor(absl::Hours(1));
  ASSERT_NE(h.core.retention(), nullptr);
  std::string id = SucceedAndKeep(h);
  const std::string key = ResultContentKey(id, model::ResultFile::kVideo);
  v1::VideoTask stored = *h.Get(kAlice, id);
  ASSERT_EQ(stored.video_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_EQ(FromProtoTime(stored.video_content().expire_time()),
            FromProtoTime(stored.video_content().store_time()) + absl::Hours(1));

  h.Advance(absl::Minutes(59));  // a sweep, too early
  EXPECT_EQ(h.Get(kAlice, id)->video_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_THAT(Kept(h), Contains(key));

  h.Advance(absl::Minutes(2));  // a sweep past the expiry
  v1::VideoTask expired = *h.Get(kAlice, id);
  EXPECT_EQ(expired.state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(expired.video_content().state(), v1::CONTENT_STATE_EXPIRED);
  // What it was stays on the record.
  EXPECT_EQ(expired.video_content().sha256(), stored.video_content().sha256());
  EXPECT_THAT(Kept(h), Not(Contains(key)));
  EXPECT_EQ(h.stats.content_expired, 1);
  v1::ReadVideoContentRequest read;
  read.set_task_id(id);
  EXPECT_THAT(PlanContentRead(expired, read),
              StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("retention")));
}

TEST(ContentRetentionTest, AFileWhoseCopySaysExpiredGoesAtTheNextSweep) {
  CoreHarness h = KeepingFor(absl::Hours(1));
  std::string id = SucceedAndKeep(h);
  // As if a gateway marked the copy and crashed before removing the file.
  h.registry.UpdateStored(
      id,
      [](StoredTask& record) {
        record.mutable_task()->mutable_video_content()->set_state(v1::CONTENT_STATE_EXPIRED);
      },
      nullptr);
  h.Run();
  ASSERT_THAT(Kept(h), Not(IsEmpty()));
  h.Advance(absl::Minutes(1));
  EXPECT_THAT(Kept(h), IsEmpty());
}

TEST(ContentRetentionTest, FilesNoTaskAccountsForStay) {
  CoreHarness h = KeepingFor(absl::Minutes(1));
  std::string dir = h.content_dir.path() + "/content";
  std::ofstream(dir + "/00000000-0000-4000-8000-000000000000.video") << "no such task";
  std::ofstream(dir + "/notes.txt") << "a person's";
  h.Advance(absl::Hours(2));
  EXPECT_EQ(Kept(h).size(), 2u);
}

TEST(ContentRetentionTest, WithoutATtlNothingIsEverRemoved) {
  CoreHarness h = KeepingFor(absl::ZeroDuration());
  EXPECT_EQ(h.core.retention(), nullptr);
  std::string id = SucceedAndKeep(h);
  EXPECT_FALSE(h.Get(kAlice, id)->video_content().has_expire_time());
  h.Advance(absl::Hours(24 * 365));
  EXPECT_EQ(h.Get(kAlice, id)->video_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_THAT(Kept(h), Contains(ResultContentKey(id, model::ResultFile::kVideo)));
}

TEST(ResultContentKeyTest, ParsesWhatItMakes) {
  const std::string id = "0b7e3c6a-1f1e-4c1e-9a4e-5d3c2b1a0f9e";
  for (model::ResultFile file : model::kResultFiles) {
    std::optional<ResultContentKeyParts> parts = ParseResultContentKey(ResultContentKey(id, file));
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->task_id, id);
    EXPECT_EQ(parts->file, file);
  }
  for (const char* other : {"video", ".video", "x.mp4", "x.videos", "x-video", ""}) {
    SCOPED_TRACE(other);
    EXPECT_FALSE(ParseResultContentKey(other).has_value());
  }
}

}  // namespace
}  // namespace seedance::server::content
