#include "server/content/content_fetcher.h"

#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/content/filesystem_content_store.h"
#include "tests/http/curl/fake_http_transport.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_scheduler.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::server::content {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

const std::string kVideo = std::string("\0\0\0\x18" "ftypmp42\0\0\0\0", 16) + "moov...";

class ContentFetcherTest : public ::testing::Test {
 protected:
  ContentFetcherTest()
      : store_(*FilesystemContentStore::Open(dir_.path() + "/content")),
        fetcher_({.max_attempts = 3}, *store_, transport_, scheduler_, clock_) {}

  void Fetch(int64_t max_bytes = 1 << 20) {
    fetcher_.Fetch({.url = "https://cdn.test/v.mp4",
                    .key = "t.video",
                    .kind = ContentKind::kVideo,
                    .max_bytes = max_bytes,
                    .task_id = "t"},
                   [this](absl::StatusOr<FetchedContent> content, int attempts) {
                     outcome_ = std::move(content);
                     attempts_ = attempts;
                   });
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  testing::FakeScheduler scheduler_{clock_};
  http::curl::FakeHttpTransport transport_;
  std::unique_ptr<FilesystemContentStore> store_;
  ContentFetcher fetcher_;
  std::optional<absl::StatusOr<FetchedContent>> outcome_;
  int attempts_ = 0;
};

TEST_F(ContentFetcherTest, AShortFileIsCheckedWhole) {
  Fetch();
  transport_.AnswerStreamed(1, 200, std::string("\0\0\0\x08" "ftyp", 8));
  ASSERT_TRUE(outcome_.has_value());
  EXPECT_THAT(*outcome_, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Size("t.video"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ContentFetcherTest, AnEmptyBodyIsNotAVideo) {
  Fetch();
  transport_.AnswerStreamed(1, 200, "");
  ASSERT_TRUE(outcome_.has_value());
  EXPECT_THAT(*outcome_, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ContentFetcherTest, ADeclaredLengthOverTheCapFailsBeforeAByteIsWritten) {
  Fetch(/*max_bytes=*/10);
  http::curl::HttpReply head;
  head.status = 200;
  head.headers = {{"content-length", "999999"}};
  EXPECT_THAT(transport_.calls[0].call.body_sink(head, kVideo),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("999999 bytes")));
}

TEST_F(ContentFetcherTest, GivesUpAfterTheLastAttemptWithTheLastFailure) {
  Fetch();
  transport_.Answer(1, absl::UnavailableError("connection reset"));
  scheduler_.AdvanceAndRunDue(absl::Seconds(2));
  transport_.AnswerStreamed(2, 502, "bad gateway");
  EXPECT_FALSE(outcome_.has_value());
  scheduler_.AdvanceAndRunDue(absl::Seconds(4));  // doubled
  ASSERT_THAT(transport_.calls, SizeIs(3));
  transport_.Answer(3, absl::DeadlineExceededError("slow"));
  ASSERT_TRUE(outcome_.has_value());
  EXPECT_THAT(*outcome_, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(attempts_, 3);
}

TEST_F(ContentFetcherTest, AShutdownLeavesTheFetchUnfinished) {
  Fetch();
  transport_.Answer(1, absl::FailedPreconditionError("the HTTP transport is shutting down"));
  scheduler_.AdvanceAndRunDue(absl::Minutes(5));
  EXPECT_FALSE(outcome_.has_value());
  EXPECT_THAT(transport_.calls, SizeIs(1));
}

TEST_F(ContentFetcherTest, StoresWhatArrivesAndSaysWhatItIs) {
  Fetch();
  transport_.AnswerStreamed(1, 200, kVideo, 3);
  ASSERT_TRUE(outcome_.has_value());
  ASSERT_THAT(*outcome_, IsOk());
  EXPECT_EQ((*outcome_)->content_type, "video/mp4");
  EXPECT_EQ((*outcome_)->info.size, static_cast<int64_t>(kVideo.size()));
  EXPECT_EQ(*store_->Read("t.video", 0, 1000), kVideo);
  EXPECT_EQ(attempts_, 1);
}

struct HttpCase {
  int status;
  absl::StatusCode code;
  bool retryable;
};

class StatusOfHttpAnswerTest : public ::testing::TestWithParam<HttpCase> {};

TEST_P(StatusOfHttpAnswerTest, MapsByWhetherItMayPass) {
  absl::Status s = ContentFetcher::StatusOfHttpAnswer(GetParam().status);
  EXPECT_EQ(s.code(), GetParam().code) << s;
  EXPECT_THAT(s.message(), HasSubstr(absl::StrCat("HTTP ", GetParam().status)));
  EXPECT_EQ(ContentFetcher::IsRetryable(s), GetParam().retryable);
}

INSTANTIATE_TEST_SUITE_P(
    Answers, StatusOfHttpAnswerTest,
    ::testing::Values(HttpCase{500, absl::StatusCode::kUnavailable, true},
                      HttpCase{503, absl::StatusCode::kUnavailable, true},
                      HttpCase{408, absl::StatusCode::kUnavailable, true},
                      HttpCase{429, absl::StatusCode::kUnavailable, true},
                      HttpCase{404, absl::StatusCode::kNotFound, false},
                      HttpCase{410, absl::StatusCode::kNotFound, false},
                      HttpCase{403, absl::StatusCode::kPermissionDenied, false},
                      HttpCase{401, absl::StatusCode::kPermissionDenied, false},
                      HttpCase{302, absl::StatusCode::kFailedPrecondition, false},
                      HttpCase{206, absl::StatusCode::kFailedPrecondition, false},
                      HttpCase{400, absl::StatusCode::kFailedPrecondition, false}));

}  // namespace
}  // namespace seedance::server::content
