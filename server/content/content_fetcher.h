// ContentFetcher: downloads one result file from the provider's URL into the
// content store, streamed (the file is never held in memory whole), with
// retries and backoff for what may get better (network failures, timeouts,
// HTTP 5xx, 408, 429) and none for what will not (403/404/410: the link
// expired; over the size cap; not the kind of file promised; an address
// the URL guard refuses). The bytes are checked as they arrive: the first
// ones must be an MP4 (a video) or a PNG/JPEG (a last frame), and the
// store's SHA-256 and size come back with the outcome.
//
//   ContentFetcher fetcher({.url_guard = guard}, store, transport, scheduler, clock);
//   fetcher.Fetch({.url = video_url, .key = "<task_id>.video", .kind = ContentKind::kVideo,
//                  .max_bytes = 512 << 20, .task_id = id, .trace_id = trace},
//                 [](absl::StatusOr<FetchedContent> content, int attempts) { ... });
//
// The provider's URL is fetched with GET, no credentials and no redirects
// followed (a 3xx fails the fetch: the guide documents direct links).
#ifndef SEEDANCE_SERVER_CONTENT_CONTENT_FETCHER_H_
#define SEEDANCE_SERVER_CONTENT_CONTENT_FETCHER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "http/curl/http_transport.h"
#include "server/admission/url_guard.h"
#include "server/content/content_sniff.h"
#include "server/content/content_store.h"

namespace seedance::server::content {

struct ContentFetcherOptions {
  // Attempts in all before giving up on a failure that may pass.
  int max_attempts = 6;
  // First delay between attempts; doubles up to max_delay.
  absl::Duration initial_delay = absl::Seconds(2);
  absl::Duration max_delay = absl::Minutes(2);
  // One attempt's limit, the whole download included: at least this, and
  // long enough for the largest file allowed at min_bytes_per_second.
  absl::Duration timeout = absl::Minutes(10);
  int64_t min_bytes_per_second = 256 * 1024;
  // Checks every address a download connects to (the provider's URL is not
  // trusted more than a caller's: a misconfigured upstream must not make
  // the gateway fetch from its own network). Null: no check (tests of other
  // things). Must outlive the fetcher.
  const admission::UrlGuard* url_guard = nullptr;
};

struct FetchRequest {
  std::string url;
  // The content store key to write (content_store.h).
  std::string key;
  ContentKind kind = ContentKind::kVideo;
  // The size cap: a larger file fails with RESOURCE_EXHAUSTED.
  int64_t max_bytes = 0;
  // For the log lines of each attempt.
  std::string task_id;
  std::string trace_id;
};

struct FetchedContent {
  ContentInfo info;
  // "video/mp4", "image/png" or "image/jpeg" (content_sniff.h).
  std::string content_type;
};

class ContentFetcher {
 public:
  using Done = std::function<void(absl::StatusOr<FetchedContent> content, int attempts)>;

  // All references must outlive the fetcher.
  ContentFetcher(ContentFetcherOptions options, ContentStore& store,
                 http::curl::HttpTransport& transport, Scheduler& scheduler, const Clock& clock);

  // Starts fetching; `done` runs once, on a transport or scheduler thread,
  // with the stored content or the last failure, unless the transport shuts
  // down first (then never: the content stays PENDING in the task and the
  // next process fetches it). Thread-safe.
  void Fetch(FetchRequest request, Done done);

  // No attempt starts and no retry is scheduled after this returns (a
  // fetch cut short stays PENDING in its task: the next process fetches
  // it). Before the transport and the scheduler go. Thread-safe.
  void Shutdown();

  // The Status an HTTP answer other than 200 gives a fetch (pure, for
  // tests): UNAVAILABLE for what may pass (5xx, 408, 429), NOT_FOUND for
  // 404 and 410, PERMISSION_DENIED for 401 and 403 (an expired signed
  // link), FAILED_PRECONDITION for the rest (3xx included).
  static absl::Status StatusOfHttpAnswer(int status);

  // True when a fetch that failed with `status` is worth another attempt.
  static bool IsRetryable(const absl::Status& status);

 private:
  struct Job;
  struct Attempt;
  void Start(std::shared_ptr<Job> job);
  void Finish(std::shared_ptr<Job> job, absl::StatusOr<FetchedContent> outcome);

  const ContentFetcherOptions options_;
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  ContentStore& store_;
  http::curl::HttpTransport& transport_;
  Scheduler& scheduler_;
  const Clock& clock_;
};

}  // namespace seedance::server::content

#endif  // SEEDANCE_SERVER_CONTENT_CONTENT_FETCHER_H_
