#include "server/content/content_fetcher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/backoff.h"
#include "base/log.h"
#include "http/curl/url_redaction.h"
#include "upstream_api/status_details.h"

namespace seedance::server::content {
namespace {

const char* KindName(ContentKind kind) { return kind == ContentKind::kVideo ? "video" : "image"; }

}  // namespace

// One fetch, across its attempts.
struct ContentFetcher::Job {
  FetchRequest request;
  Done done;
  int attempts = 0;
  absl::Duration delay;
};

// One attempt: the writer it streams into and what it has seen so far.
// Touched only on the transport's thread, one callback at a time.
struct ContentFetcher::Attempt {
  std::unique_ptr<ContentWriter> writer;
  // The first kSniffBytes bytes, to check the kind of file.
  std::string head;
  bool kind_checked = false;
  absl::Status refused;  // why the body sink stopped, if it did
};

ContentFetcher::ContentFetcher(ContentFetcherOptions options, ContentStore& store,
                               http::curl::HttpTransport& transport, Scheduler& scheduler,
                               const Clock& clock)
    : options_(std::move(options)),
      store_(store),
      transport_(transport),
      scheduler_(scheduler),
      clock_(clock) {}

absl::Status ContentFetcher::StatusOfHttpAnswer(int status) {
  std::string what = absl::StrCat("the provider's URL answered HTTP ", status);
  if (status >= 500 || status == 408 || status == 429) return absl::UnavailableError(what);
  if (status == 404 || status == 410) {
    return absl::NotFoundError(absl::StrCat(what, ": the link expired or never served a file"));
  }
  if (status == 401 || status == 403) {
    return absl::PermissionDeniedError(absl::StrCat(what, ": the link expired or is not valid"));
  }
  if (status >= 300 && status < 400) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, ": a redirect, which the gateway does not follow"));
  }
  return absl::FailedPreconditionError(what);
}

bool ContentFetcher::IsRetryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status);
}

void ContentFetcher::Fetch(FetchRequest request, Done done) {
  auto job = std::make_shared<Job>();
  job->request = std::move(request);
  job->done = std::move(done);
  job->delay = options_.initial_delay;
  Start(std::move(job));
}

void ContentFetcher::Shutdown() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

void ContentFetcher::Start(std::shared_ptr<Job> job) {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
  }
  ++job->attempts;
  const FetchRequest& request = job->request;
  absl::StatusOr<std::unique_ptr<ContentWriter>> writer =
      store_.Create(request.key, request.max_bytes);
  if (!writer.ok()) return Finish(std::move(job), writer.status());
  auto attempt = std::make_shared<Attempt>();
  attempt->writer = *std::move(writer);

  http::curl::HttpCall call;
  call.method = "GET";
  call.url = request.url;
  call.timeout = std::max(options_.timeout,
                          absl::Seconds(request.max_bytes / std::max<int64_t>(
                                                               options_.min_bytes_per_second, 1)));
  if (options_.url_guard != nullptr) call.allow_peer = options_.url_guard->PeerFilter(call.url);
  const int64_t max_bytes = request.max_bytes;
  const ContentKind kind = request.kind;
  call.body_sink = [attempt, max_bytes, kind](const http::curl::HttpReply& head,
                                              absl::string_view chunk) -> absl::Status {
    if (head.status != 200) return attempt->refused = StatusOfHttpAnswer(head.status);
    if (!attempt->kind_checked) {
      if (attempt->head.empty()) {
        // A declared length over the cap fails before a byte is written.
        int64_t declared = 0;
        const std::string* length = head.FindHeader("content-length");
        if (length != nullptr && absl::SimpleAtoi(*length, &declared) && declared > max_bytes) {
          return attempt->refused = absl::ResourceExhaustedError(absl::StrCat(
                     "the provider's file is ", declared, " bytes, over the gateway's cap of ",
                     max_bytes));
        }
      }
      absl::StrAppend(&attempt->head, chunk.substr(0, kSniffBytes - attempt->head.size()));
      if (attempt->head.size() >= kSniffBytes) {
        attempt->kind_checked = true;
        if (absl::Status s = CheckContentKind(attempt->head, kind); !s.ok()) {
          return attempt->refused = s;
        }
      }
    }
    if (absl::Status s = attempt->writer->Append(chunk); !s.ok()) return attempt->refused = s;
    return absl::OkStatus();
  };
  transport_.Start(std::move(call), [this, job, attempt](
                                        absl::StatusOr<http::curl::HttpReply> reply) mutable {
    // The transport is shutting down: the content stays PENDING in the
    // task, and the next process fetches it.
    if (!reply.ok() && absl::IsFailedPrecondition(reply.status()) && attempt->refused.ok()) {
      return;
    }
    absl::StatusOr<FetchedContent> outcome = [&]() -> absl::StatusOr<FetchedContent> {
      if (!reply.ok()) return reply.status();
      if (reply->status != 200) return StatusOfHttpAnswer(reply->status);
      // A whole file shorter than what a kind check reads is no video or
      // image (an MP4's ftyp box alone holds 16 bytes), whatever it starts with.
      if (!attempt->kind_checked) {
        if (absl::Status s = CheckContentKind(attempt->head, job->request.kind); !s.ok()) {
          return s;
        }
        return absl::InvalidArgumentError(absl::StrCat(
            "the provider's file is ", attempt->head.size(), " bytes, too short to be ",
            job->request.kind == ContentKind::kVideo ? "a video" : "an image"));
      }
      absl::StatusOr<std::string> type = SniffContentType(attempt->head);
      if (!type.ok()) return type.status();
      absl::StatusOr<ContentInfo> info = attempt->writer->Commit();
      if (!info.ok()) return info.status();
      return FetchedContent{*std::move(info), *std::move(type)};
    }();
    attempt->writer.reset();  // an uncommitted file goes now, not at the retry
    Finish(std::move(job), std::move(outcome));
  });
}

void ContentFetcher::Finish(std::shared_ptr<Job> job,
                            absl::StatusOr<FetchedContent> outcome) {
  const FetchRequest& request = job->request;
  const bool retry = !outcome.ok() && IsRetryable(outcome.status()) &&
                     job->attempts < options_.max_attempts;
  Log(outcome.ok() ? LogLevel::kInfo : LogLevel::kWarning, "content_fetch_attempt",
      {{"task_id", request.task_id},
       {"trace_id", request.trace_id},
       {"kind", KindName(request.kind)},
       {"url", http::curl::SafeUrl(request.url)},
       {"attempt", absl::StrCat(job->attempts)},
       {"outcome", upstream_api::StatusSummary(outcome.status())},
       {"size", outcome.ok() ? absl::StrCat(outcome->info.size) : ""},
       {"will_retry", retry ? "true" : "false"}});
  if (!retry) {
    Done done = std::move(job->done);
    return done(std::move(outcome), job->attempts);
  }
  absl::Duration delay = job->delay;
  job->delay = NextBackoff(job->delay, options_.max_delay);
  absl::MutexLock lock(&mu_);
  if (stopped_) return;  // the scheduler may be going: the next process fetches it
  scheduler_.RunAt(clock_.Now() + delay, [this, job] { Start(job); });
}

}  // namespace seedance::server::content
