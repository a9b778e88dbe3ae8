#include "server/model/result_content.h"

#include <gtest/gtest.h>

namespace seedance::server::model {
namespace {

struct Case {
  const char* name;
  const char* video_url;
  const char* last_frame_url;
  v1::ContentState video;
  v1::ContentState last_frame;
};

class ExpectResultContentTest : public ::testing::TestWithParam<Case> {};

TEST_P(ExpectResultContentTest, MarksWhatTheResultHasAUrlFor) {
  const Case& c = GetParam();
  v1::VideoTask task;
  task.mutable_result()->set_video_url(c.video_url);
  task.mutable_result()->set_last_frame_url(c.last_frame_url);
  // A stale copy from an earlier record is replaced, not kept.
  task.mutable_video_content()->set_sha256("stale");

  ExpectResultContent(task);

  EXPECT_EQ(task.video_content().state(), c.video);
  EXPECT_EQ(task.last_frame_content().state(), c.last_frame);
  if (c.video == v1::CONTENT_STATE_PENDING) {
    EXPECT_EQ(task.video_content().sha256(), "");
  }
  EXPECT_EQ(HasContentPending(task), c.video == v1::CONTENT_STATE_PENDING ||
                                         c.last_frame == v1::CONTENT_STATE_PENDING);
}

INSTANTIATE_TEST_SUITE_P(
    Results, ExpectResultContentTest,
    ::testing::Values(
        Case{"VideoOnly", "https://cdn/v.mp4", "", v1::CONTENT_STATE_PENDING,
             v1::CONTENT_STATE_UNSPECIFIED},
        Case{"VideoAndFrame", "https://cdn/v.mp4", "https://cdn/f.png",
             v1::CONTENT_STATE_PENDING, v1::CONTENT_STATE_PENDING},
        Case{"FrameOnly", "", "https://cdn/f.png", v1::CONTENT_STATE_UNSPECIFIED,
             v1::CONTENT_STATE_PENDING},
        Case{"Nothing", "", "", v1::CONTENT_STATE_UNSPECIFIED, v1::CONTENT_STATE_UNSPECIFIED}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(HasContentPendingTest, OnlyAPendingCopyCounts) {
  for (v1::ContentState state : {v1::CONTENT_STATE_UNSPECIFIED, v1::CONTENT_STATE_STORED,
                                 v1::CONTENT_STATE_FAILED, v1::CONTENT_STATE_EXPIRED}) {
    v1::VideoTask task;
    task.mutable_video_content()->set_state(state);
    task.mutable_last_frame_content()->set_state(state);
    EXPECT_FALSE(HasContentPending(task)) << v1::ContentState_Name(state);
  }
  v1::VideoTask task;
  task.mutable_last_frame_content()->set_state(v1::CONTENT_STATE_PENDING);
  EXPECT_TRUE(HasContentPending(task));
}

TEST(ResultFileTest, NamesAndUrls) {
  v1::VideoTask task;
  task.mutable_result()->set_video_url("v");
  task.mutable_result()->set_last_frame_url("f");
  EXPECT_EQ(SourceUrlOf(task, ResultFile::kVideo), "v");
  EXPECT_EQ(SourceUrlOf(task, ResultFile::kLastFrame), "f");
  EXPECT_STREQ(ResultFileName(ResultFile::kVideo), "video");
  EXPECT_STREQ(ResultFileName(ResultFile::kLastFrame), "last_frame");
  MutableCopyOf(task, ResultFile::kLastFrame).set_size_bytes(7);
  EXPECT_EQ(task.last_frame_content().size_bytes(), 7);
  EXPECT_EQ(&CopyOf(task, ResultFile::kVideo), &task.video_content());
}

}  // namespace
}  // namespace seedance::server::model
