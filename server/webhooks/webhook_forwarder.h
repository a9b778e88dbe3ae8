// WebhookForwarder: delivers a finished task to the caller's own
// callback_url, signed the way the Standard Webhooks specification describes
// (https://www.standardwebhooks.com), and retried with exponential backoff
// until the endpoint answers 2xx or the attempts run out. Every attempt is
// logged; the outcome goes to `done`, which the task manager stores so that a
// restarted gateway resumes unfinished deliveries.
//
// Each POST carries:
//   webhook-id:        the message id, the same on every retry (idempotency)
//   webhook-timestamp: Unix seconds of this attempt
//   webhook-signature: "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body))
//   traceparent:       the task's W3C trace context, when it has one
// where key is the base64-decoded part of the "whsec_..." secret.
//
//   WebhookForwarder forwarder({.secret = "whsec_..."}, transport, scheduler, clock);
//   forwarder.Deliver(url, task_id, payload_json, traceparent, /*attempts_so_far=*/0,
//                     [](absl::Status outcome, int attempts) { ... });
#ifndef SEEDANCE_SERVER_WEBHOOKS_WEBHOOK_FORWARDER_H_
#define SEEDANCE_SERVER_WEBHOOKS_WEBHOOK_FORWARDER_H_

#include <functional>
#include <string>

#include "server/stats/gateway_stats.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/scheduler.h"
#include "http/curl/http_transport.h"
#include "server/admission/url_guard.h"

namespace seedance::server::webhooks {

struct WebhookForwarderOptions {
  // "whsec_" + base64 of the signing key; receivers verify with it.
  std::string secret;
  // Attempts in all before giving up.
  int max_attempts = 8;
  // First delay between attempts; doubles up to max_delay.
  absl::Duration initial_delay = absl::Seconds(1);
  absl::Duration max_delay = absl::Minutes(5);
  // One attempt's limit.
  absl::Duration timeout = absl::Seconds(10);
  // Checks every address an attempt connects to (DNS rebinding defence:
  // the URL was checked when the task was created, its name may resolve
  // elsewhere now); a refused address ends the delivery at once. Null: no
  // check (tests of other things). Must outlive the forwarder.
  const admission::UrlGuard* url_guard = nullptr;
  // Where deliveries and retries are counted. Must outlive the forwarder.
  stats::GatewayStats* stats = &stats::NoStats();
};

class WebhookForwarder {
 public:
  using Done = std::function<void(absl::Status outcome, int attempts)>;

  // `transport`, `scheduler` and `clock` must outlive the forwarder.
  WebhookForwarder(WebhookForwarderOptions options, http::curl::HttpTransport& transport,
                   Scheduler& scheduler, const Clock& clock);

  // Starts delivering `payload` to `url`; `done` runs once, on a transport or
  // scheduler thread, with OK or the last failure, unless the process stops
  // first (then never: the delivery stays unfinished and is resumed).
  // `attempts_so_far` counts earlier attempts; `traceparent` ("" for none)
  // goes on every attempt. Thread-safe.
  void Deliver(std::string url, std::string message_id, std::string payload,
               std::string traceparent, int attempts_so_far, Done done);

  // The webhook-signature value for one message (exposed for tests and for
  // receivers written in C++).
  static absl::StatusOr<std::string> Sign(absl::string_view secret,
                                          absl::string_view message_id,
                                          int64_t timestamp, absl::string_view payload);

  // A fresh "whsec_..." secret.
  static std::string NewSecret();

 private:
  struct Delivery;
  void Attempt(std::shared_ptr<Delivery> delivery);

  const WebhookForwarderOptions options_;
  http::curl::HttpTransport& transport_;
  Scheduler& scheduler_;
  const Clock& clock_;
};

}  // namespace seedance::server::webhooks

#endif  // SEEDANCE_SERVER_WEBHOOKS_WEBHOOK_FORWARDER_H_
