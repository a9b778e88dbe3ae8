// End-to-end: results kept past the provider's URL expiry. The real gateway
// in front of the real mock, whose video is a valid 3 MiB MP4 and whose
// links stop serving (403) soon after a task ends: the gateway fetches the
// video when the task succeeds, and serves it through ReadVideoContent,
// whole or by range, identical to the mock's file, after the link expired;
// only to the task's own caller. A download cut by SIGKILL is made again
// after the restart, and no half file is kept. A video over
// --max_video_bytes fails the copy, not the task; the fetch goes through
// the address guard.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cpp/gateway_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mock_upstream/media.h"
#include "server/callers/keyring.h"
#include "tests/testing/curl_client.h"
#include "tests/testing/gateway_process.h"
#include "tests/testing/mock_upstream_process.h"
#include "tests/testing/prometheus_text.h"
#include "tests/testing/read_file.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "upstream_api/status_details.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kVideoBytes = int64_t{3} << 20;

class ContentE2eTest : public ::testing::Test {
 protected:
  void StartStack(std::vector<std::string> gateway_flags,
                  const std::string& media_ttl_ms = "0",
                  std::vector<std::string> mock_flags = {}) {
    std::vector<std::string> mflags = {"--generation_ms=150", "--queue_ms=30",
                                       "--log_level=warning",
                                       absl::StrCat("--video_bytes=", kVideoBytes),
                                       "--media_ttl_ms=" + media_ttl_ms};
    mflags.insert(mflags.end(), mock_flags.begin(), mock_flags.end());
    auto mock = testing::MockUpstreamProcess::Start(mflags);
    ASSERT_THAT(mock, IsOk());
    mock_ = *std::move(mock);
    std::vector<std::string> flags = {"--upstream_base_url=" + mock_->base_url(),
                                      "--delivery=hold", "--log_level=warning"};
    flags.insert(flags.end(), gateway_flags.begin(), gateway_flags.end());
    auto gateway = testing::GatewayProcess::Start(flags, dir_.path() + "/data");
    ASSERT_THAT(gateway, IsOk());
    gateway_ = *std::move(gateway);
    channel_ = grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials());
  }

  client::GatewayClient Client(const std::string& token) {
    return client::GatewayClient(channel_, token,
                                 {.reconnect_delay = absl::Milliseconds(100)});
  }

  // A task of `token`'s, watched until it SUCCEEDED.
  v1::VideoTask Succeeded(const std::string& token) {
    v1::CreateVideoTaskRequest request;
    request.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
    request.mutable_spec()->set_prompt("a kitten yawning");
    absl::StatusOr<v1::VideoTask> task =
        Client(token).CreateAndWatch(request, [](const v1::WatchVideoTaskResponse&) {});
    EXPECT_THAT(task, IsOk());
    EXPECT_EQ(task->state(), v1::TASK_STATE_SUCCEEDED);
    return *task;
  }

  // The task once its video copy left PENDING (the fetch runs after the
  // SUCCEEDED event, without one of its own: GetVideoTask shows it).
  v1::VideoTask AwaitCopy(const std::string& token, const std::string& id) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (true) {
      absl::StatusOr<v1::VideoTask> task = Client(token).Get(id);
      EXPECT_THAT(task, IsOk());
      if (!task.ok() || task->video_content().state() != v1::CONTENT_STATE_PENDING ||
          absl::Now() > deadline) {
        return task.value_or(v1::VideoTask());
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  struct Read {
    v1::ContentHeader header;
    std::string bytes;
    absl::Status status;
  };
  Read ReadContent(const std::string& token, const std::string& id, int64_t offset = 0,
                   int64_t length = 0) {
    auto stub = v1::VideoGateway::NewStub(channel_);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    v1::ReadVideoContentRequest request;
    request.set_task_id(id);
    request.set_offset(offset);
    request.set_length(length);
    auto reader = stub->ReadVideoContent(&context, request);
    Read out;
    v1::ReadVideoContentResponse message;
    while (reader->Read(&message)) {
      if (message.has_header()) out.header = message.header();
      if (message.has_chunk()) {
        EXPECT_LE(message.chunk().data().size(), size_t{1} << 20);
        out.bytes += message.chunk().data();
      }
    }
    grpc::Status status = reader->Finish();
    google::rpc::Status rpc;
    out.status = status.ok() ? absl::OkStatus()
                 : rpc.ParseFromString(status.error_details())
                     ? upstream_api::FromRpcStatus(rpc)
                     : absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                                    status.error_message());
    return out;
  }

  static std::string ReasonOf(const absl::Status& status) {
    auto info = upstream_api::GetDetail<google::rpc::ErrorInfo>(status);
    return info.has_value() ? info->reason() : "";
  }

  // The files in the gateway's content directory.
  std::vector<std::string> ContentFiles() {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry :
         std::filesystem::directory_iterator(dir_.path() + "/data/content", error)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::MockUpstreamProcess> mock_;
  std::unique_ptr<testing::GatewayProcess> gateway_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ContentE2eTest, TheKeptVideoIsTheMocksFileWholeAndByRangeAfterTheLinkExpired) {
  StartStack({"--allow_private_content_hosts=127.0.0.1", "--admin_listen=127.0.0.1:0"},
             /*media_ttl_ms=*/"1500");
  const std::string& mock_file = **mock_upstream::VideoOfSize(kVideoBytes);
  const std::string mock_sha256 = server::callers::Sha256Hex(mock_file);
  v1::VideoTask task = Succeeded("alice");
  EXPECT_THAT(task.result().video_url(), HasSubstr("?expires="));

  v1::VideoTask kept = AwaitCopy("alice", task.task_id());
  ASSERT_EQ(kept.video_content().state(), v1::CONTENT_STATE_STORED)
      << kept.video_content().DebugString();
  EXPECT_EQ(kept.video_content().size_bytes(), kVideoBytes);
  EXPECT_EQ(kept.video_content().sha256(), mock_sha256);
  EXPECT_EQ(kept.video_content().content_type(), "video/mp4");

  // The provider's link expires; the gateway's copy does not care.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  long link_status = 0;
  while (absl::Now() < deadline) {
    link_status = testing::PerformHttp({.url = task.result().video_url()}).status;
    if (link_status == 403) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_EQ(link_status, 403);

  Read whole = ReadContent("alice", task.task_id());
  ASSERT_THAT(whole.status, IsOk());
  EXPECT_EQ(whole.header.total_size(), kVideoBytes);
  EXPECT_EQ(whole.header.sha256(), mock_sha256);
  EXPECT_EQ(server::callers::Sha256Hex(whole.bytes), mock_sha256);
  EXPECT_TRUE(whole.bytes == mock_file);

  Read range = ReadContent("alice", task.task_id(), 1000000, 1500000);
  ASSERT_THAT(range.status, IsOk());
  EXPECT_EQ(range.header.offset(), 1000000);
  EXPECT_EQ(range.header.length(), 1500000);
  EXPECT_TRUE(range.bytes == mock_file.substr(1000000, 1500000));

  // The C++ client saves it, checked against the digest.
  absl::StatusOr<client::Downloaded> saved = Client("alice").DownloadContent(
      task.task_id(), v1::RESULT_FILE_VIDEO, dir_.path() + "/saved.mp4");
  ASSERT_THAT(saved, IsOk());
  EXPECT_EQ(saved->sha256, mock_sha256);
  EXPECT_TRUE(testing::ReadFileBytes(dir_.path() + "/saved.mp4") == mock_file);

  // Another caller learns nothing.
  Read other = ReadContent("bob", task.task_id());
  EXPECT_THAT(other.status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(other.bytes.empty());

  // The operator sees it in the metrics.
  testing::HttpResult metrics = testing::PerformHttp(
      {.url = absl::StrCat("http://127.0.0.1:", gateway_->admin_port(), "/metrics")});
  ASSERT_EQ(metrics.status, 200);
  EXPECT_EQ(testing::SampleValue(
                metrics.body, R"(seedance_gateway_content_fetches_total{file="video",outcome="OK"})"),
            1);
  EXPECT_EQ(testing::SampleValue(metrics.body, "seedance_gateway_content_stored_bytes_total"),
            static_cast<double>(kVideoBytes));
}

TEST_F(ContentE2eTest, TheKeptVideoOverHttpHasRangesAnETagAndWorksAsAVideoSrc) {
  StartStack({"--allow_private_content_hosts=127.0.0.1", "--http_listen=127.0.0.1:0"});
  const std::string& mock_file = **mock_upstream::VideoOfSize(kVideoBytes);
  v1::VideoTask task = Succeeded("alice");
  ASSERT_EQ(AwaitCopy("alice", task.task_id()).video_content().state(),
            v1::CONTENT_STATE_STORED);
  const std::string url = absl::StrCat("http://127.0.0.1:", gateway_->http_port(),
                                       "/v1/videoTasks/", task.task_id(), "/content");
  const std::string auth = "Authorization: Bearer alice";

  testing::HttpResult whole = testing::PerformHttp({.url = url, .headers = {auth}});
  ASSERT_EQ(whole.status, 200) << whole.body.substr(0, 300);
  EXPECT_EQ(whole.Header("Content-Type"), "video/mp4");
  EXPECT_EQ(whole.Header("Content-Length"), absl::StrCat(kVideoBytes));
  EXPECT_EQ(whole.Header("Accept-Ranges"), "bytes");
  const std::string etag = whole.Header("ETag");
  EXPECT_EQ(etag, "\"" + server::callers::Sha256Hex(mock_file) + "\"");
  EXPECT_TRUE(whole.body == mock_file);

  testing::HttpResult range = testing::PerformHttp(
      {.url = url, .headers = {auth, "Range: bytes=1000000-2499999"}});
  ASSERT_EQ(range.status, 206);
  EXPECT_EQ(range.Header("Content-Range"), absl::StrCat("bytes 1000000-2499999/", kVideoBytes));
  EXPECT_TRUE(range.body == mock_file.substr(1000000, 1500000));
  testing::HttpResult tail = testing::PerformHttp({.url = url, .headers = {auth, "Range: bytes=3145000-"}});
  ASSERT_EQ(tail.status, 206);
  EXPECT_TRUE(tail.body == mock_file.substr(3145000));

  testing::HttpResult cached =
      testing::PerformHttp({.url = url, .headers = {auth, "If-None-Match: " + etag}});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  testing::HttpResult past = testing::PerformHttp(
      {.url = url, .headers = {auth, absl::StrCat("Range: bytes=", kVideoBytes + 10, "-")}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.Header("Content-Range"), absl::StrCat("bytes */", kVideoBytes));

  // A <video src> cannot send a header: the token as access_token.
  testing::HttpResult src = testing::PerformHttp(
      {.url = url + "?access_token=alice", .headers = {"Range: bytes=0-15"}});
  ASSERT_EQ(src.status, 206);
  EXPECT_EQ(src.body, mock_file.substr(0, 16));
  EXPECT_EQ(testing::PerformHttp({.url = url, .headers = {"Authorization: Bearer bob"}}).status,
            404);
  EXPECT_EQ(testing::PerformHttp({.url = url}).status, 401);
}

TEST_F(ContentE2eTest, AFetchCutBySigkillIsFetchedAgainAfterTheRestartAndNoHalfFileIsKept) {
  // 3 MiB, 32 KiB every 100 ms: about 10 s of download to cut short.
  StartStack({"--allow_private_content_hosts=127.0.0.1"}, "0",
             {"--media_drip_ms=100", "--media_drip_chunk_bytes=32768"});
  const std::string& mock_file = **mock_upstream::VideoOfSize(kVideoBytes);
  v1::VideoTask task = Succeeded("alice");
  ASSERT_THAT(mock_->WaitForJournal({{"kind", "request"}, {"method", "GET"}}, absl::Seconds(30)),
              IsOk());
  EXPECT_EQ(Client("alice").Get(task.task_id())->video_content().state(),
            v1::CONTENT_STATE_PENDING);
  gateway_->Kill();
  // Nothing that reads as the video: at most the partial file of the cut
  // download.
  for (const std::string& name : ContentFiles()) EXPECT_THAT(name, HasSubstr(".partial-"));

  ASSERT_THAT(mock_->SetConfig(R"({"media_drip_ms": 0})"), IsOk());
  ASSERT_THAT(gateway_->Restart(), IsOk());
  channel_ = grpc::CreateChannel(gateway_->address(), grpc::InsecureChannelCredentials());
  v1::VideoTask kept = AwaitCopy("alice", task.task_id());
  ASSERT_EQ(kept.video_content().state(), v1::CONTENT_STATE_STORED)
      << kept.video_content().DebugString();
  EXPECT_EQ(kept.video_content().sha256(), server::callers::Sha256Hex(mock_file));
  // The restart removed the partial file and fetched the whole anew.
  EXPECT_THAT(ContentFiles(), ::testing::ElementsAre(task.task_id() + ".video"));
  EXPECT_EQ(mock_->JournalCount({{"kind", "request"}, {"method", "GET"}}).value_or(-1), 2);
  Read whole = ReadContent("alice", task.task_id());
  ASSERT_THAT(whole.status, IsOk());
  EXPECT_TRUE(whole.bytes == mock_file);
}

TEST_F(ContentE2eTest, AVideoOverTheCapFailsTheCopyNotTheTask) {
  StartStack({"--allow_private_content_hosts=127.0.0.1", "--max_video_bytes=1048576"});
  v1::VideoTask task = Succeeded("alice");
  v1::VideoTask after = AwaitCopy("alice", task.task_id());
  EXPECT_EQ(after.state(), v1::TASK_STATE_SUCCEEDED);
  ASSERT_EQ(after.video_content().state(), v1::CONTENT_STATE_FAILED);
  EXPECT_EQ(after.video_content().error().code(),
            static_cast<int>(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(after.video_content().error().message(), HasSubstr("1048576"));
  Read read = ReadContent("alice", task.task_id());
  EXPECT_THAT(read.status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReasonOf(read.status), "CONTENT_NOT_KEPT");
  EXPECT_THAT(ContentFiles(), ::testing::IsEmpty());  // no partial file left either
}

TEST_F(ContentE2eTest, TheProvidersUrlGoesThroughTheAddressGuard) {
  StartStack({});  // the mock is on loopback, which is not allowed
  v1::VideoTask task = Succeeded("alice");
  v1::VideoTask after = AwaitCopy("alice", task.task_id());
  EXPECT_EQ(after.state(), v1::TASK_STATE_SUCCEEDED);
  ASSERT_EQ(after.video_content().state(), v1::CONTENT_STATE_FAILED);
  EXPECT_THAT(after.video_content().error().message(), HasSubstr("127.0.0.1"));
  EXPECT_EQ(mock_->JournalCount({{"kind", "request"}, {"method", "GET"}}).value_or(-1), 0);
}

}  // namespace
}  // namespace seedance
