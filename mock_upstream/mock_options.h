// The mock upstream's settings: MockOptions for the process (fixed at start)
// and MockConfig for what the admin API can change at run time.
//
//   MockOptions options;                       // 127.0.0.1, port 0
//   options.config.generation_time = absl::Seconds(2);
//   auto mock = MockUpstream::Start(options);
#ifndef SEEDANCE_MOCK_UPSTREAM_MOCK_OPTIONS_H_
#define SEEDANCE_MOCK_UPSTREAM_MOCK_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace seedance::mock_upstream {

// The default token of "another service": requests with it get 400
// token_mismatched.
inline constexpr char kDefaultForeignToken[] = "foreign-service-token";

struct MockConfig {
  // Time in "queued", then in "running", of a task without scenario timing.
  absl::Duration queue_time = absl::Milliseconds(50);
  absl::Duration generation_time = absl::Milliseconds(250);
  // Generation time of the `slow` scenario.
  absl::Duration slow_generation_time = absl::Seconds(5);
  // Token bucket per bearer token over all API calls; 0: no limit.
  double rate_limit_per_second = 0;
  double rate_limit_burst = 10;
  // Tasks not yet ended, per bearer token; 0: no cap.
  int max_tasks_in_flight = 0;
  // The first N videos calls get fail_first_scenario instead.
  int fail_first_n = 0;
  std::string fail_first_scenario = "api_error";
  // Retry-After of 429 answers.
  absl::Duration retry_after = absl::Seconds(1);
  // Callbacks: how long a receiver may take, and the callback_retry
  // scenario's pause and re-sends (Ark: 5 s, 3).
  absl::Duration callback_timeout = absl::Seconds(5);
  absl::Duration callback_retry_interval = absl::Milliseconds(200);
  int callback_retries = 3;
  // Body keys the API does not know (a typo such as "durtion") are reported
  // (X-Mock-Unknown-Fields, the journal); with this they are refused with
  // the documented 400. The guide says fields are strongly validated but not
  // what happens to unknown ones, so the default ignores them.
  bool refuse_unknown_fields = false;
  // slow_drip pacing.
  size_t drip_chunk_bytes = 16;
  absl::Duration drip_interval = absl::Milliseconds(50);
  // The size of the video served at video_url: 0 for the embedded sample
  // (a few KiB); else a valid MP4 of exactly this many bytes (the sample
  // followed by a `free` box of filler, which players skip), at least
  // kMinVideoBytes. For downloads and ranges of realistic size.
  int64_t video_bytes = 0;
  // Result URLs stop serving (403, as an expired signed link does) this
  // long after their task finished; 0: never. The guide says only that the
  // provider's URLs expire (about a day); how they fail after is a guess
  // (a CDN's signed-URL 403). The deadline rides in the URL (?expires=).
  absl::Duration media_ttl = absl::ZeroDuration();
  // Result files are sent media_drip_chunk_bytes at a time, one piece every
  // media_drip_interval (0: at full speed): a download that takes a while,
  // to interrupt on purpose.
  absl::Duration media_drip_interval = absl::ZeroDuration();
  size_t media_drip_chunk_bytes = 64 * 1024;
};

struct MockOptions {
  std::string address = "127.0.0.1";
  int port = 0;                      // 0: pick a free port
  int io_threads = 1;
  // The base of video_url / last_frame_url; empty: http://<address>:<port>.
  std::string public_base_url;
  // Valid bearer tokens; empty: any non-empty token not in foreign_tokens.
  std::vector<std::string> tokens;
  // Tokens of another service: 400 token_mismatched.
  std::vector<std::string> foreign_tokens = {kDefaultForeignToken};
  // Oldest tasks and journal entries are forgotten beyond these.
  size_t max_tasks = 100000;
  size_t journal_limit = 100000;
  size_t max_connections = 20000;
  size_t max_body_bytes = 16 << 20;
  MockConfig config;
};

}  // namespace seedance::mock_upstream

#endif  // SEEDANCE_MOCK_UPSTREAM_MOCK_OPTIONS_H_
