// Direct HTTP load on the mock upstream with libcurl's multi interface on one
// thread (so the client is never the limit): the baseline of the gateway
// benchmarks and the mock's own throughput figure.
//
//   CurlLoadResult r = RunCurlLoad({.url = base + "/v1/seedance/videos",
//                                   .body = json, .connections = 64,
//                                   .duration = absl::Seconds(10)});
#ifndef SEEDANCE_BENCH_CURL_LOAD_H_
#define SEEDANCE_BENCH_CURL_LOAD_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace seedance::bench {

// A request body of the guide's shape, used by every benchmark.
inline constexpr char kVideosBody[] =
    R"({"model":"doubao-seedance-1-0-pro-250528",)"
    R"("content":[{"type":"text","text":"A kitten yawning at the camera. --rs 720p --dur 5"}]})";

struct CurlLoad {
  std::string url;
  std::string body = kVideosBody;
  std::string token = "bench-token";
  // When set, the token of call number i (e.g. to spread calls over quota
  // buckets); else `token`.
  std::function<std::string(long i)> token_for;
  // Calls in flight at once, each on its own keep-alive connection.
  int connections = 1;
  // Keep starting calls until then; or, when zero, make `calls` calls.
  absl::Duration duration = absl::ZeroDuration();
  long calls = 0;
  absl::Duration timeout = absl::Seconds(60);
  // Called on every turn of the event loop (e.g. to sample a process); it
  // must be quick.
  std::function<void()> on_poll;
};

struct CurlLoadResult {
  long ok = 0;       // HTTP 200
  long errors = 0;   // anything else
  double seconds = 0;
  std::vector<double> latencies_ms;  // of the successful calls
  // When the first and the last successful call ended, from the start.
  double first_done_s = 0;
  double last_done_s = 0;
  double per_second() const { return seconds > 0 ? ok / seconds : 0; }
};

CurlLoadResult RunCurlLoad(const CurlLoad& load);

}  // namespace seedance::bench

#endif  // SEEDANCE_BENCH_CURL_LOAD_H_
