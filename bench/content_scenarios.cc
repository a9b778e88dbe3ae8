// The results scenario: the gateway's kept copy of a video, read through
// ReadVideoContent, against a direct libcurl download of the same file from
// the mock (bytes/s, best of a few runs each; target >= 0.8x); and the
// gateway's memory while 100 downloads run at once, against what holding
// each whole file would take (the streams hold one chunk each).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/bench_stack.h"
#include "bench/gateway_calls.h"
#include "bench/scenarios.h"
#include "seedance/v1/video_gateway.grpc.pb.h"
#include "http/curl/curl_handles.h"
#include "tests/testing/temp_dir.h"

namespace seedance::bench {
namespace {

std::string MibPerSecond(double bytes_per_second) {
  return absl::StrFormat("%.0f MiB/s", bytes_per_second / (1 << 20));
}

// The task once the gateway kept its video (or gave up), or nullopt.
std::optional<v1::VideoTask> AwaitKept(v1::VideoGateway::Stub& stub, const std::string& id) {
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (absl::Now() < deadline) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + kToken);
    v1::GetVideoTaskRequest request;
    request.set_task_id(id);
    v1::VideoTask task;
    if (!stub.GetVideoTask(&context, request, &task).ok()) return std::nullopt;
    if (task.video_content().state() != v1::CONTENT_STATE_PENDING) return task;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return std::nullopt;
}

// Reads the whole video through the gateway, discarding it: the bytes
// received, or -1 on an error.
int64_t ReadThrough(v1::VideoGateway::Stub& stub, const std::string& id) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  v1::ReadVideoContentRequest request;
  request.set_task_id(id);
  auto reader = stub.ReadVideoContent(&context, request);
  v1::ReadVideoContentResponse message;
  int64_t received = 0;
  while (reader->Read(&message)) received += static_cast<int64_t>(message.chunk().data().size());
  return reader->Finish().ok() ? received : -1;
}

// Downloads `url` straight from the mock with libcurl, counting the bytes
// and keeping none (as ReadThrough does): the bytes, or -1 on an error.
int64_t DownloadDirect(const std::string& url) {
  absl::StatusOr<http::curl::EasyHandle> easy = http::curl::NewEasyHandle();
  if (!easy.ok()) return -1;
  int64_t received = 0;
  auto count = +[](char*, size_t size, size_t n, void* user) -> size_t {
    *static_cast<int64_t*>(user) += static_cast<int64_t>(size * n);
    return size * n;
  };
  CURL* h = easy->get();
  for (const absl::Status& s :
       {http::curl::SetEasyOption(h, CURLOPT_URL, url.c_str()),
        http::curl::SetEasyOption(h, CURLOPT_NOSIGNAL, 1L),
        http::curl::SetEasyOption(h, CURLOPT_WRITEFUNCTION, count),
        http::curl::SetEasyOption(h, CURLOPT_WRITEDATA, static_cast<void*>(&received))}) {
    if (!s.ok()) return -1;
  }
  long status = 0;
  if (curl_easy_perform(h) != CURLE_OK) return -1;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status == 200 ? received : -1;
}

}  // namespace

void RunContent(const BenchConfig& config, Report& report) {
  const std::string name = "content";
  const int64_t size = config.content_video_bytes;
  absl::StatusOr<Server> mock = StartMock(
      config.mock_cpus, {"--generation_ms=0", "--queue_ms=0", absl::StrCat("--video_bytes=", size)});
  if (!mock.ok()) return report.Error(name, std::string(mock.status().message()));
  testing::TempDir dir;
  absl::StatusOr<Server> gateway = StartGateway(
      config.server_cpus, mock->port,
      {"--delivery=hold", absl::StrCat("--data_dir=", dir.path()),
       "--allow_private_content_hosts=127.0.0.1", absl::StrCat("--max_video_bytes=", size)},
      config.gateway_flags);
  if (!gateway.ok()) return report.Error(name, std::string(gateway.status().message()));
  auto stub = v1::VideoGateway::NewStub(NewChannel(gateway->address(), 0));

  // One task, its video kept.
  grpc::ClientContext create_context;
  create_context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  v1::VideoTask created;
  if (!stub->CreateVideoTask(&create_context, CreateRequest(), &created).ok()) {
    return report.Error(name, "create failed");
  }
  // The held call ends when the mock answers (generation 0): wait for the
  // copy through GetVideoTask.
  std::optional<v1::VideoTask> kept;
  for (int i = 0; i < 600 && !(kept.has_value() && kept->state() == v1::TASK_STATE_SUCCEEDED);
       ++i) {
    kept = AwaitKept(*stub, created.task_id());
    if (!kept.has_value()) return report.Error(name, "GetVideoTask failed");
    if (kept->state() != v1::TASK_STATE_SUCCEEDED) absl::SleepFor(absl::Milliseconds(20));
  }
  if (!kept.has_value() || kept->video_content().state() != v1::CONTENT_STATE_STORED) {
    return report.Error(name, "the video was not kept");
  }
  const std::string url = kept->result().video_url();

  // Throughput, best of `runs` each, interleaved.
  const int runs = config.quick ? 2 : 5;
  double direct_best = 0;
  double gateway_best = 0;
  for (int run = 0; run < runs; ++run) {
    absl::Time start = absl::Now();
    int64_t direct = DownloadDirect(url);
    double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    if (direct != size) return report.Error(name, "the direct download failed");
    direct_best = std::max(direct_best, static_cast<double>(size) / seconds);
    start = absl::Now();
    int64_t through = ReadThrough(*stub, created.task_id());
    seconds = absl::ToDoubleSeconds(absl::Now() - start);
    if (through != size) return report.Error(name, "a ReadVideoContent failed");
    gateway_best = std::max(gateway_best, static_cast<double>(size) / seconds);
  }
  report.AddRow({name, absl::StrFormat("download of %d MiB", size >> 20),
                 MibPerSecond(gateway_best), MibPerSecond(direct_best),
                 gateway_best / direct_best, ">= 0.8x", true, gateway_best / direct_best >= 0.8});

  // Memory: 100 downloads at once, each on a channel (connection) of its
  // own, the gateway's RSS sampled while they run.
  const pid_t pid = gateway->process->pid();
  const int parallel = 100;
  ProcessSample before = SampleProcess(pid);
  std::atomic<int> failed{0};
  std::atomic<bool> done{false};
  long peak_kb = before.rss_kb;
  std::thread sampler([&] {
    while (!done.load()) {
      peak_kb = std::max(peak_kb, SampleProcess(pid).rss_kb);
      absl::SleepFor(absl::Milliseconds(10));
    }
  });
  std::vector<std::thread> readers;
  for (int i = 0; i < parallel; ++i) {
    readers.emplace_back([&, i] {
      auto own = v1::VideoGateway::NewStub(NewChannel(gateway->address(), i + 1));
      if (ReadThrough(*own, created.task_id()) != size) ++failed;
    });
  }
  for (std::thread& t : readers) t.join();
  done = true;
  sampler.join();
  if (failed > 0) report.Error(name, absl::StrCat(failed.load(), " parallel downloads failed"));
  const double growth = static_cast<double>(peak_kb - before.rss_kb) * 1024;
  const double whole_files = static_cast<double>(parallel) * static_cast<double>(size);
  report.AddRow({name, absl::StrFormat("RSS growth, %d downloads at once", parallel),
                 absl::StrFormat("%.1f MiB", growth / (1 << 20)),
                 absl::StrFormat("%.0f MiB (whole files)", whole_files / (1 << 20)),
                 growth / whole_files, "<= 0.25x", true, growth / whole_files <= 0.25});
  report.AddDetails(name, JsonObject()
                              .Add("video_bytes", size)
                              .Add("gateway_bytes_per_second", gateway_best)
                              .Add("direct_bytes_per_second", direct_best)
                              .Add("rss_before_kb", before.rss_kb)
                              .Add("rss_peak_kb", peak_kb)
                              .Add("parallel_downloads", parallel));
}

}  // namespace seedance::bench
