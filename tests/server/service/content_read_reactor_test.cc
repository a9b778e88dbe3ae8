// ReadVideoContent through the gRPC service (in process): a kept copy comes
// back whole or by range, in chunks no larger than asked, with its header
// first; another caller, a copy not kept yet, a copy gone from the store
// and a gateway that keeps no content each get their error.
#include "server/service/content_read_reactor.h"

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/thread_scheduler.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/callers/keyring.h"
#include "server/content/filesystem_content_store.h"
#include "server/content/task_content.h"
#include "server/service/grpc_status.h"
#include "tests/server/service/service_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "upstream_api/status_details.h"

namespace seedance::server::service {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

// An MP4's first box, then 10 KB that differ from byte to byte.
std::string VideoBytes() {
  std::string video("\0\0\0\x18" "ftypisom\0\0\2\0", 16);
  for (int i = 0; video.size() < 10000; ++i) video.push_back(static_cast<char>(i * 7 + i / 256));
  return video;
}

class ContentReadTest : public InProcessServiceTest {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<content::FilesystemContentStore>> store =
        content::FilesystemContentStore::Open(dir_.path() + "/content");
    ASSERT_THAT(store, IsOk());
    content_store_ = *std::move(store);
  }

  // Serves with content from content_store_, in chunks of `chunk_bytes`.
  void StartServing(int64_t chunk_bytes = 1000, int max_streams = 1000, bool keep = true) {
    ServiceFixtureOptions options;
    options.manager.mode = gateway::v1::DELIVERY_MODE_HOLD;
    if (keep) {
      options.service.content_store = content_store_.get();
      options.service.content_reads = &reads_;
    }
    options.service.content_chunk_bytes = chunk_bytes;
    options.service.max_content_streams = max_streams;
    Serve(options);
  }

  // A task of `token`'s that SUCCEEDED (its watch stream has ended).
  std::string SucceededTask(const std::string& token = "alice") {
    grpc::ClientContext context;
    Authorize(context, token);
    auto reader = stub_->CreateAndWatchVideoTask(&context, Request());
    v1::WatchVideoTaskResponse first;
    EXPECT_TRUE(reader->Read(&first));
    upstream_.Answer(submits_++, Final("succeeded", "https://cdn.test/v.mp4"));
    EXPECT_THAT(ReadAll(*reader).status, IsOk());
    return first.status().task_id();
  }

  // Records `copy` as the task's video copy, as TaskContent would.
  void SetCopy(const std::string& id, const v1::ContentCopy& copy) {
    absl::Notification done;
    core_->loop().Post([&] {
      core_->registry().UpdateStored(
          id, [&](StoredTask& record) { *record.mutable_task()->mutable_video_content() = copy; },
          [&](absl::Status status) {
            EXPECT_THAT(status, IsOk());
            done.Notify();
          });
    });
    done.WaitForNotification();
  }

  // Keeps `bytes` as the task's video.
  void Keep(const std::string& id, const std::string& bytes) {
    auto writer = content_store_->Create(
        content::ResultContentKey(id, model::ResultFile::kVideo), 1 << 20);
    ASSERT_THAT(writer, IsOk());
    ASSERT_THAT((*writer)->Append(bytes), IsOk());
    ASSERT_THAT((*writer)->Commit(), IsOk());
    v1::ContentCopy copy;
    copy.set_state(v1::CONTENT_STATE_STORED);
    copy.set_content_type("video/mp4");
    copy.set_size_bytes(static_cast<int64_t>(bytes.size()));
    copy.set_sha256(callers::Sha256Hex(bytes));
    SetCopy(id, copy);
  }

  struct Download {
    std::optional<v1::ContentHeader> header;
    std::vector<v1::ContentChunk> chunks;
    std::string bytes;
    absl::Status status;
  };
  Download Read(const std::string& id, int64_t offset = 0, int64_t length = 0,
                const std::string& token = "alice") {
    grpc::ClientContext context;
    Authorize(context, token);
    v1::ReadVideoContentRequest request;
    request.set_task_id(id);
    request.set_offset(offset);
    request.set_length(length);
    auto reader = stub_->ReadVideoContent(&context, request);
    Download out;
    v1::ReadVideoContentResponse message;
    while (reader->Read(&message)) {
      if (message.has_header()) {
        EXPECT_FALSE(out.header.has_value()) << "a second header";
        EXPECT_TRUE(out.chunks.empty()) << "a header after bytes";
        out.header = message.header();
      } else {
        out.chunks.push_back(message.chunk());
        out.bytes += message.chunk().data();
      }
    }
    out.status = FromGrpcStatus(reader->Finish());
    return out;
  }

  static std::string ReasonOf(const absl::Status& status) {
    auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(status);
    return info.has_value() ? info->reason() : "";
  }

  testing::TempDir dir_;
  std::unique_ptr<content::FilesystemContentStore> content_store_;
  ThreadScheduler reads_{SystemClock::Get()};
  size_t submits_ = 0;
};

TEST_F(ContentReadTest, AKeptVideoComesBackWholeInChunksAfterItsHeader) {
  StartServing(/*chunk_bytes=*/1000);
  std::string id = SucceededTask();
  const std::string video = VideoBytes();
  Keep(id, video);

  Download got = Read(id);
  ASSERT_THAT(got.status, IsOk());
  ASSERT_TRUE(got.header.has_value());
  EXPECT_EQ(got.header->content_type(), "video/mp4");
  EXPECT_EQ(got.header->total_size(), 10000);
  EXPECT_EQ(got.header->sha256(), callers::Sha256Hex(video));
  EXPECT_EQ(got.header->offset(), 0);
  EXPECT_EQ(got.header->length(), 10000);
  EXPECT_EQ(got.bytes, video);
  ASSERT_EQ(got.chunks.size(), 10u);
  int64_t at = 0;
  for (const v1::ContentChunk& chunk : got.chunks) {
    EXPECT_EQ(chunk.offset(), at);
    EXPECT_LE(chunk.data().size(), 1000u);
    at += static_cast<int64_t>(chunk.data().size());
  }
}

TEST_F(ContentReadTest, ARangeComesBackExactly) {
  StartServing(/*chunk_bytes=*/1000);
  std::string id = SucceededTask();
  const std::string video = VideoBytes();
  Keep(id, video);

  Download range = Read(id, 2500, 3001);
  ASSERT_THAT(range.status, IsOk());
  EXPECT_EQ(range.header->offset(), 2500);
  EXPECT_EQ(range.header->length(), 3001);
  EXPECT_EQ(range.header->total_size(), 10000);
  EXPECT_EQ(range.bytes, video.substr(2500, 3001));
  EXPECT_EQ(range.chunks.front().offset(), 2500);

  Download tail = Read(id, 9999);
  EXPECT_EQ(tail.bytes, video.substr(9999));
  Download at_end = Read(id, 10000);
  ASSERT_THAT(at_end.status, IsOk());
  EXPECT_EQ(at_end.header->length(), 0);
  EXPECT_TRUE(at_end.chunks.empty());
  EXPECT_THAT(Read(id, 10001).status, StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Read(id, -1).status, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ContentReadTest, AnotherCallersTaskIsNotFound) {
  StartServing();
  std::string id = SucceededTask("alice");
  Keep(id, VideoBytes());
  Download got = Read(id, 0, 0, "bob");
  EXPECT_THAT(got.status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_FALSE(got.header.has_value());
  EXPECT_THAT(Read("no-such-task").status, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ContentReadTest, ACopyStillBeingFetchedIsUnavailableWithARetryDelay) {
  StartServing();
  std::string id = SucceededTask();
  v1::ContentCopy pending;
  pending.set_state(v1::CONTENT_STATE_PENDING);
  SetCopy(id, pending);
  Download got = Read(id);
  EXPECT_THAT(got.status, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("still fetching")));
  EXPECT_EQ(ReasonOf(got.status), "CONTENT_PENDING");
  EXPECT_EQ(upstream_api::RetryDelayOf(got.status), content::kContentPendingRetryDelay);
}

TEST_F(ContentReadTest, ACopyGoneFromTheStoreIsUnreadableNotServedShort) {
  StartServing();
  std::string id = SucceededTask();
  Keep(id, VideoBytes());
  ASSERT_THAT(content_store_->Remove(content::ResultContentKey(id, model::ResultFile::kVideo)),
              IsOk());
  Download got = Read(id);
  EXPECT_THAT(got.status, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("could not be read")));
  EXPECT_EQ(ReasonOf(got.status), "CONTENT_UNREADABLE");
  EXPECT_TRUE(got.bytes.empty());
}

TEST_F(ContentReadTest, AGatewayThatServesNoContentSaysSo) {
  StartServing(1000, 1000, /*keep=*/false);
  std::string id = SucceededTask();
  v1::ContentCopy stored;
  stored.set_state(v1::CONTENT_STATE_STORED);
  stored.set_size_bytes(10);
  SetCopy(id, stored);
  Download got = Read(id);
  EXPECT_THAT(got.status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(got.status), "CONTENT_NOT_AVAILABLE");
}

TEST_F(ContentReadTest, StreamsPastTheCapAreRefusedWithARetryDelay) {
  StartServing(1000, /*max_streams=*/0);
  Download got = Read("any");
  EXPECT_THAT(got.status, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(ReasonOf(got.status), "CONTENT_STREAMS_EXHAUSTED");
  EXPECT_TRUE(upstream_api::RetryDelayOf(got.status).has_value());
}

TEST_F(ContentReadTest, WithoutCredentialsNothingIsSent) {
  StartServing();
  grpc::ClientContext context;
  v1::ReadVideoContentRequest request;
  request.set_task_id("x");
  auto reader = stub_->ReadVideoContent(&context, request);
  v1::ReadVideoContentResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_THAT(FromGrpcStatus(reader->Finish()), StatusIs(absl::StatusCode::kUnauthenticated));
}

}  // namespace
}  // namespace seedance::server::service
