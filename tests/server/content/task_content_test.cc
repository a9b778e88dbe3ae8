// TaskContent through the whole engine (CoreHarness): a task that succeeds
// has its result files downloaded into the content store and the outcome
// kept with it; a file that cannot be kept fails its copy, never the task;
// a restart fetches again what was still PENDING.
#include "server/content/task_content.h"

#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/callers/keyring.h"
#include "server/store/in_memory_task_store.h"
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
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// The start of an MP4 (an ftyp box) and of a PNG, padded to a few KiB.
const std::string kVideo = std::string("\0\0\0\x18" "ftypisom\0\0\2\0", 16) +
                           std::string(10000, 'v');
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(3000, 'p');

constexpr char kVideoUrl[] = "https://cdn.test/v.mp4?signature=s3cr3t";

CoreHarness KeepingHarness(TaskContentOptions options = {},
                           store::TaskStore* store = nullptr) {
  return CoreHarness({}, CoreHarness::DefaultDriverOptions(), store, std::nullopt, nullptr,
                     options);
}

// Creates a task and has the upstream answer that it succeeded.
std::string Succeed(CoreHarness& h, const std::string& last_frame_url = "") {
  std::string id = h.Create(kAlice, Request())->task_id();
  seedance::upstream::v1::VideosResponse answer = Answer("succeeded", kVideoUrl);
  answer.mutable_data(0)->set_last_frame_url(last_frame_url);
  h.submits.back().done(Final(answer));
  h.Run();
  return id;
}

TEST(TaskContentTest, ASucceededTasksVideoIsKeptWithItsTypeSizeAndDigest) {
  CoreHarness h = KeepingHarness();
  std::string id = Succeed(h);

  absl::StatusOr<v1::VideoTask> pending = h.Get(kAlice, id);
  ASSERT_THAT(pending, IsOk());
  EXPECT_EQ(pending->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(pending->video_content().state(), v1::CONTENT_STATE_PENDING);
  EXPECT_EQ(pending->last_frame_content().state(), v1::CONTENT_STATE_UNSPECIFIED);
  // The SUCCEEDED event itself says the copy is coming.
  EXPECT_EQ(h.store().Events(id, 0)->back().task().video_content().state(),
            v1::CONTENT_STATE_PENDING);
  EXPECT_THAT(*h.store().ListUnfinished(), SizeIs(1));
  ASSERT_THAT(h.content_transport.calls, SizeIs(1));
  EXPECT_EQ(h.content_transport.calls[0].call.method, "GET");
  EXPECT_EQ(h.content_transport.calls[0].call.url, kVideoUrl);

  h.content_transport.AnswerStreamed(1, 200, kVideo, 1000);
  h.Run();

  absl::StatusOr<v1::VideoTask> kept = h.Get(kAlice, id);
  ASSERT_THAT(kept, IsOk());
  const v1::ContentCopy& copy = kept->video_content();
  EXPECT_EQ(copy.state(), v1::CONTENT_STATE_STORED);
  EXPECT_EQ(copy.content_type(), "video/mp4");
  EXPECT_EQ(copy.size_bytes(), static_cast<int64_t>(kVideo.size()));
  EXPECT_EQ(copy.sha256(), callers::Sha256Hex(kVideo));
  EXPECT_TRUE(copy.has_store_time());
  EXPECT_EQ(*h.content_store->Read(ResultContentKey(id, model::ResultFile::kVideo), 0,
                                   1 << 20),
            kVideo);
  EXPECT_THAT(*h.store().ListUnfinished(), IsEmpty());  // settled
  ASSERT_EQ(h.stats.content_fetches.size(), 1u);
  EXPECT_EQ(h.stats.content_fetches[0].file, v1::RESULT_FILE_VIDEO);
  EXPECT_EQ(h.stats.content_fetches[0].outcome, absl::StatusCode::kOk);
  EXPECT_EQ(h.stats.content_fetches[0].bytes, static_cast<int64_t>(kVideo.size()));
}

TEST(TaskContentTest, TheLastFrameIsKeptToo) {
  CoreHarness h = KeepingHarness();
  std::string id = Succeed(h, "https://cdn.test/f.png");
  ASSERT_THAT(h.content_transport.calls, SizeIs(2));
  EXPECT_EQ(h.content_transport.calls[1].call.url, "https://cdn.test/f.png");
  h.content_transport.AnswerStreamed(2, 200, kPng);
  h.Run();
  EXPECT_THAT(*h.store().ListUnfinished(), SizeIs(1));  // the video is still coming
  h.content_transport.AnswerStreamed(1, 200, kVideo);
  h.Run();

  absl::StatusOr<v1::VideoTask> kept = h.Get(kAlice, id);
  EXPECT_EQ(kept->video_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_EQ(kept->last_frame_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_EQ(kept->last_frame_content().content_type(), "image/png");
  EXPECT_EQ(kept->last_frame_content().sha256(), callers::Sha256Hex(kPng));
  EXPECT_THAT(*h.store().ListUnfinished(), IsEmpty());
}

TEST(TaskContentTest, TwoOutcomesOfOneTaskInOneBatchAreBothRecorded) {
  CoreHarness h = KeepingHarness();
  std::string id = Succeed(h, "https://cdn.test/f.png");
  ASSERT_THAT(h.content_transport.calls, SizeIs(2));
  // Both answers arrive before the loop runs: their writes meet in one
  // batch, and the second finds the record changed under it.
  h.content_transport.AnswerStreamed(1, 200, kVideo);
  h.content_transport.AnswerStreamed(2, 200, kPng);
  h.Run();
  absl::StatusOr<v1::VideoTask> kept = h.Get(kAlice, id);
  EXPECT_EQ(kept->video_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_EQ(kept->last_frame_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_THAT(*h.store().ListUnfinished(), IsEmpty());
}

TEST(TaskContentTest, ALateOutcomeNeverReplacesARecordedOne) {
  store::InMemoryTaskStore store;
  CoreHarness first = KeepingHarness({}, &store);
  std::string id = Succeed(first);
  // Another process (a replica that took the task over) fetches it too.
  CoreHarness second = KeepingHarness({}, &store);
  ASSERT_THAT(second.Recover(), IsOk());
  ASSERT_THAT(second.content_transport.calls, SizeIs(1));
  first.content_transport.AnswerStreamed(1, 200, kVideo);
  first.Run();
  ASSERT_EQ(first.Get(kAlice, id)->video_content().state(), v1::CONTENT_STATE_STORED);
  // The second one's link has expired by now: its FAILED comes too late.
  second.content_transport.AnswerStreamed(1, 403, "expired");
  second.Run();
  EXPECT_EQ(second.Get(kAlice, id)->video_content().state(), v1::CONTENT_STATE_STORED);
  EXPECT_EQ(second.Get(kAlice, id)->video_content().sha256(), callers::Sha256Hex(kVideo));
}

TEST(TaskContentTest, AVideoOverTheCapFailsItsCopyNotTheTaskAndLeavesNoFile) {
  CoreHarness h = KeepingHarness({.max_video_bytes = 4096});
  std::string id = Succeed(h);
  h.content_transport.AnswerStreamed(1, 200, kVideo);
  h.Run();

  absl::StatusOr<v1::VideoTask> task = h.Get(kAlice, id);
  EXPECT_EQ(task->state(), v1::TASK_STATE_SUCCEEDED);
  EXPECT_EQ(task->video_content().state(), v1::CONTENT_STATE_FAILED);
  EXPECT_EQ(task->video_content().error().code(), static_cast<int>(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(task->video_content().error().message(),
              HasSubstr("the video could not be kept"));
  EXPECT_THAT(h.content_store->Size(ResultContentKey(id, model::ResultFile::kVideo)),
              testing::StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(h.content_transport.calls, SizeIs(1));  // not retried
  EXPECT_THAT(*h.store().ListUnfinished(), IsEmpty());
  ASSERT_EQ(h.stats.content_fetches.size(), 1u);
  EXPECT_EQ(h.stats.content_fetches[0].outcome, absl::StatusCode::kResourceExhausted);
}

// (Copies of the copy below: Get returns a temporary.)
TEST(TaskContentTest, AnExpiredLinkFailsTheCopyAtOnce) {
  CoreHarness h = KeepingHarness();
  std::string id = Succeed(h);
  h.content_transport.AnswerStreamed(1, 403, "<Error>AccessDenied</Error>");
  h.Run();
  h.Advance(absl::Minutes(10));

  const v1::ContentCopy copy = h.Get(kAlice, id)->video_content();
  EXPECT_EQ(copy.state(), v1::CONTENT_STATE_FAILED);
  EXPECT_EQ(copy.error().code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(copy.error().message(), HasSubstr("HTTP 403"));
  EXPECT_THAT(h.content_transport.calls, SizeIs(1));
}

TEST(TaskContentTest, AnHtmlPageServedAsTheVideoIsNotKept) {
  CoreHarness h = KeepingHarness();
  std::string id = Succeed(h);
  h.content_transport.AnswerStreamed(1, 200, "<!DOCTYPE html><html>Sorry</html>");
  h.Run();
  const v1::ContentCopy copy = h.Get(kAlice, id)->video_content();
  EXPECT_EQ(copy.state(), v1::CONTENT_STATE_FAILED);
  EXPECT_EQ(copy.error().code(), static_cast<int>(absl::StatusCode::kInvalidArgument));
}

TEST(TaskContentTest, AFailureThatMayPassIsRetriedAfterABackoff) {
  CoreHarness h = KeepingHarness();
  std::string id = Succeed(h);
  h.content_transport.AnswerStreamed(1, 503, "busy");
  h.Run();
  EXPECT_THAT(h.content_transport.calls, SizeIs(1));
  EXPECT_EQ(h.Get(kAlice, id)->video_content().state(), v1::CONTENT_STATE_PENDING);
  h.Advance(absl::Seconds(2));  // the first backoff
  ASSERT_THAT(h.content_transport.calls, SizeIs(2));
  h.content_transport.AnswerStreamed(2, 200, kVideo);
  h.Run();
  EXPECT_EQ(h.Get(kAlice, id)->video_content().state(), v1::CONTENT_STATE_STORED);
}

TEST(TaskContentTest, ARestartFetchesAgainWhatWasPending) {
  store::InMemoryTaskStore store;
  std::string id;
  {
    CoreHarness first = KeepingHarness({}, &store);
    id = Succeed(first);
    // Half the video arrives, then the process dies (the call never ends).
    ASSERT_TRUE(first.content_transport.calls[0].call.body_sink);
    http::curl::HttpReply head;
    head.status = 200;
    ASSERT_THAT(first.content_transport.calls[0].call.body_sink(head, kVideo.substr(0, 5000)),
                IsOk());
    first.content_transport.calls[0].done = nullptr;
  }
  CoreHarness second = KeepingHarness({}, &store);
  EXPECT_THAT(second.Recover(), IsOk());
  ASSERT_THAT(second.content_transport.calls, SizeIs(1));
  EXPECT_EQ(second.content_transport.calls[0].call.url, kVideoUrl);
  second.content_transport.AnswerStreamed(1, 200, kVideo);
  second.Run();
  const v1::ContentCopy copy = second.Get(kAlice, id)->video_content();
  EXPECT_EQ(copy.state(), v1::CONTENT_STATE_STORED);
  EXPECT_EQ(copy.size_bytes(), static_cast<int64_t>(kVideo.size()));
}

TEST(TaskContentTest, AGatewayThatKeepsNoContentSaysSoOfACopyLeftPending) {
  store::InMemoryTaskStore store;
  std::string id;
  {
    CoreHarness keeping = KeepingHarness({}, &store);
    id = Succeed(keeping);
  }
  CoreHarness plain({}, CoreHarness::DefaultDriverOptions(), &store);
  EXPECT_THAT(plain.Recover(), IsOk());
  const v1::ContentCopy copy = plain.Get(kAlice, id)->video_content();
  EXPECT_EQ(copy.state(), v1::CONTENT_STATE_FAILED);
  EXPECT_THAT(copy.error().message(), HasSubstr("--keep_content=false"));
  EXPECT_THAT(*store.ListUnfinished(), IsEmpty());
}

TEST(TaskContentTest, WithoutAFetcherNothingIsExpected) {
  CoreHarness h;
  std::string id = Succeed(h);
  EXPECT_EQ(h.Get(kAlice, id)->video_content().state(), v1::CONTENT_STATE_UNSPECIFIED);
  EXPECT_THAT(h.content_transport.calls, IsEmpty());
}

TEST(ResultContentKeyTest, IsASafeKey) {
  std::string key = ResultContentKey("0b7e3c6a-1f1e-4c1e-9a4e-5d3c2b1a0f9e",
                                     model::ResultFile::kLastFrame);
  EXPECT_EQ(key, "0b7e3c6a-1f1e-4c1e-9a4e-5d3c2b1a0f9e.last_frame");
  EXPECT_THAT(CheckContentKey(key), IsOk());
}

}  // namespace
}  // namespace seedance::server::content
