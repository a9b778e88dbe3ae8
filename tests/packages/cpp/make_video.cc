// A user's own program, outside the repository, on the installed C++ client
// (find_package(seedance_client)): create a video task, watch it to its
// end, download the video. What tests/packages/package_test.cc builds and
// runs.
//
//   make_video --gateway=HOST:PORT --token=TOKEN --output=video.mp4
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <iostream>
#include <string>

#include "clients/cpp/gateway_client.h"
#include "clients/cpp/status_text.h"
#include "clients/cpp/video_download.h"

namespace {

std::string Flag(int argc, char** argv, const std::string& name) {
  std::string prefix = "--" + name + "=";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  seedance::client::GatewayClient client(
      grpc::CreateChannel(Flag(argc, argv, "gateway"), grpc::InsecureChannelCredentials()),
      Flag(argc, argv, "token"));
  seedance::v1::CreateVideoTaskRequest request;
  request.set_request_id("6f1f7d7e-3c1a-4d2b-9a8e-0a1b2c3d4e5f");
  request.mutable_spec()->set_model("doubao-seedance-1-0-pro-250528");
  request.mutable_spec()->set_prompt("a kitten yawning");
  request.mutable_spec()->set_duration_seconds(5);
  absl::StatusOr<seedance::v1::VideoTask> task = client.Create(request);
  if (!task.ok()) {
    std::cerr << "error " << seedance::client::DescribeStatus(task.status());
    return 1;
  }
  std::cout << "created " << task->task_id() << std::endl;
  // after_sequence 0: the whole history, from the state it was created in.
  absl::StatusOr<seedance::v1::VideoTask> done = client.WatchToEnd(
      task->task_id(), 0, [](const seedance::v1::WatchVideoTaskResponse& m) {
        if (m.has_status()) {
          std::cout << "state " << seedance::v1::TaskState_Name(m.status().state())
                    << " seq=" << m.status().sequence() << std::endl;
        }
      });
  if (!done.ok()) {
    std::cerr << "error " << seedance::client::DescribeStatus(done.status());
    return 1;
  }
  if (done->state() != seedance::v1::TASK_STATE_SUCCEEDED) {
    std::cout << "ended " << seedance::v1::TaskState_Name(done->state()) << ": "
              << seedance::client::DescribeRpcStatus(done->error());
    return 1;
  }
  int64_t shown = -1;
  // The gateway's own copy, checked against its digest.
  absl::StatusOr<seedance::client::Downloaded> saved = client.DownloadContent(
      done->task_id(), seedance::v1::RESULT_FILE_VIDEO, Flag(argc, argv, "output"),
      [&shown](int64_t received, int64_t total) {
        if (received == total || received - shown >= (1 << 20)) {
          std::cout << "downloaded " << received << " of " << total << " bytes" << std::endl;
          shown = received;
        }
      });
  if (!saved.ok()) {
    std::cerr << "error " << seedance::client::DescribeStatus(saved.status());
    return 1;
  }
  std::cout << "saved " << saved->path << " bytes=" << saved->size << " sha256=" << saved->sha256
            << std::endl;
  return 0;
}
