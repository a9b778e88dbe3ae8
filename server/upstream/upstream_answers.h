// How the gateway reads an HTTP answer from the upstream, as plain functions
// of the answer (status, headers, body), so that every way in reads it the
// same way and a table can test it.
//
//   absl::StatusOr<SubmitResult> r = ReadSubmitAnswer(reply, clock.Now());
//   // r->final_answer: a task result, to be read by ReadUpstreamReport
//   // r->accepted:     {"task_id"} at once; the result comes later
//   // !r.ok():         no task result; the HTTP error table's Status
//
// The rule for POST /v1/seedance/videos, in order:
//  1. A body whose `data` (its first task) carries a `status` is a task
//     result, on a 2xx or a 500/502/504: the blocking call's failure is a
//     500 whose body says `"status": "failed"` (or "expired") with the
//     task's ids, and that is a FAILED (or EXPIRED) task, not an API error.
//     429, 503 and 4xx answers are the table's whatever their body adds
//     (a "not processed" must stay retryable).
//  2. Any other answer outside 2xx is an error envelope: the table in
//     upstream_errors.h.
//  3. A 2xx with `success: false` or an `error` is a task result too (a
//     failure with no status word; ReadUpstreamReport makes it FAILED).
//  4. A 2xx with a `task_id` and no task result is an acceptance, with or
//     without `success: true`.
//  5. Anything else is UPSTREAM_MALFORMED_RESPONSE (INTERNAL: the task may
//     exist upstream, so it is never resubmitted).
//
// Pure and thread-safe.
#ifndef SEEDANCE_SERVER_UPSTREAM_UPSTREAM_ANSWERS_H_
#define SEEDANCE_SERVER_UPSTREAM_UPSTREAM_ANSWERS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http/curl/http_transport.h"
#include "seedance/upstream/v1/tasks.pb.h"
#include "server/upstream/upstream_client.h"

namespace seedance::server::upstream {

// The answer to POST /v1/seedance/videos (the rule above). `now` reads an
// HTTP-date Retry-After.
absl::StatusOr<SubmitResult> ReadSubmitAnswer(const http::curl::HttpReply& reply, absl::Time now);

// The answer to POST /v1/seedance/tasks {"action": "retrieve"}: the record
// on a 2xx, else the table's Status for a read (retryable where a submission
// would not be).
absl::StatusOr<seedance::upstream::v1::TaskRecord> ReadRetrieveAnswer(
    const http::curl::HttpReply& reply, absl::Time now);

}  // namespace seedance::server::upstream

#endif  // SEEDANCE_SERVER_UPSTREAM_UPSTREAM_ANSWERS_H_
