#include "server/webhooks/webhook_forwarder.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/backoff.h"
#include "base/log.h"
#include "base/random_id.h"
#include "base/trace_context.h"
#include "server/callers/keyring.h"
#include "upstream_api/status_details.h"

namespace seedance::server::webhooks {
namespace {

constexpr absl::string_view kSecretPrefix = "whsec_";

// The URL without its query (which may carry the receiver's own secrets).
std::string ForLog(const std::string& url) { return url.substr(0, url.find_first_of("?#")); }

}  // namespace

struct WebhookForwarder::Delivery {
  std::string url;
  std::string message_id;
  std::string payload;
  std::string traceparent;
  int attempts = 0;
  absl::Duration delay;
  Done done;
};

WebhookForwarder::WebhookForwarder(WebhookForwarderOptions options, http::curl::HttpTransport& transport,
                                   Scheduler& scheduler, const Clock& clock)
    : options_(std::move(options)), transport_(transport), scheduler_(scheduler), clock_(clock) {}

std::string WebhookForwarder::NewSecret() {
  std::string key = absl::HexStringToBytes(seedance::NewSecret(24));
  return absl::StrCat(kSecretPrefix, absl::Base64Escape(key));
}

absl::StatusOr<std::string> WebhookForwarder::Sign(absl::string_view secret,
                                                   absl::string_view message_id,
                                                   int64_t timestamp,
                                                   absl::string_view payload) {
  absl::string_view encoded = secret;
  absl::ConsumePrefix(&encoded, kSecretPrefix);
  std::string key;
  if (!absl::Base64Unescape(encoded, &key) || key.empty()) {
    return absl::InvalidArgumentError("the webhook secret is not whsec_<base64>");
  }
  std::string signed_content = absl::StrCat(message_id, ".", timestamp, ".", payload);
  return absl::StrCat("v1,", absl::Base64Escape(callers::HmacSha256(key, signed_content)));
}

void WebhookForwarder::Deliver(std::string url, std::string message_id, std::string payload,
                               std::string traceparent, int attempts_so_far, Done done) {
  auto delivery = std::make_shared<Delivery>();
  delivery->url = std::move(url);
  delivery->message_id = std::move(message_id);
  delivery->payload = std::move(payload);
  delivery->traceparent = std::move(traceparent);
  delivery->attempts = attempts_so_far;
  delivery->delay = options_.initial_delay;
  delivery->done = std::move(done);
  Attempt(std::move(delivery));
}

void WebhookForwarder::Attempt(std::shared_ptr<Delivery> delivery) {
  int64_t timestamp = absl::ToUnixSeconds(clock_.Now());
  absl::StatusOr<std::string> signature =
      Sign(options_.secret, delivery->message_id, timestamp, delivery->payload);
  if (!signature.ok()) {
    options_.stats->WebhookEnded(stats::WebhookResult::kGaveUp);
    delivery->done(signature.status(), delivery->attempts);
    return;
  }
  ++delivery->attempts;
  http::curl::HttpCall call;
  call.url = delivery->url;
  call.headers = {{"content-type", "application/json"},
                  {"webhook-id", delivery->message_id},
                  {"webhook-timestamp", absl::StrCat(timestamp)},
                  {"webhook-signature", *signature}};
  if (!delivery->traceparent.empty()) {
    call.headers.push_back({kTraceparentHeader, delivery->traceparent});
  }
  call.body = delivery->payload;
  call.timeout = options_.timeout;
  if (options_.url_guard != nullptr) call.allow_peer = options_.url_guard->PeerFilter(call.url);
  transport_.Start(std::move(call), [this, delivery](absl::StatusOr<http::curl::HttpReply> reply) {
    absl::Status outcome;
    if (!reply.ok()) {
      outcome = reply.status();
    } else if (reply->status < 200 || reply->status >= 300) {
      outcome = absl::UnavailableError(absl::StrCat("the endpoint answered HTTP ", reply->status));
    }
    // The message id is the task's id (one message per task), logged as
    // such so that a search by task finds its deliveries.
    Log(outcome.ok() ? LogLevel::kInfo : LogLevel::kWarning, "webhook_attempt",
        {{"task_id", delivery->message_id},
         {"trace_id", TraceIdOf(delivery->traceparent)},
         {"url", ForLog(delivery->url)},
         {"attempt", absl::StrCat(delivery->attempts)},
         {"outcome", upstream_api::StatusSummary(outcome)}});
    // The transport is shutting down: leave the delivery unfinished in the
    // store, so that the next process resumes it.
    if (!reply.ok() && reply.status().code() == absl::StatusCode::kFailedPrecondition) return;
    // A 4xx other than 408/429 will not get better by retrying.
    bool permanent = reply.ok() && reply->status >= 400 && reply->status < 500 &&
                     reply->status != 408 && reply->status != 429;
    // Neither will an unusable URL, nor one that leads to a refused address.
    bool refused = permanent || outcome.code() == absl::StatusCode::kInvalidArgument ||
                   outcome.code() == absl::StatusCode::kPermissionDenied;
    if (outcome.ok() || refused || delivery->attempts >= options_.max_attempts) {
      options_.stats->WebhookEnded(outcome.ok() ? stats::WebhookResult::kDelivered
                                   : refused    ? stats::WebhookResult::kRefused
                                                : stats::WebhookResult::kGaveUp);
      delivery->done(outcome, delivery->attempts);
      return;
    }
    options_.stats->WebhookRetried();
    absl::Duration delay = delivery->delay;
    delivery->delay = NextBackoff(delivery->delay, options_.max_delay);
    scheduler_.RunAt(clock_.Now() + delay, [this, delivery] { Attempt(delivery); });
  });
}

}  // namespace seedance::server::webhooks
