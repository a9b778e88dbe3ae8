// The CURLcode -> Status edge of CurlMultiTransport: how a finished transfer
// becomes the reply or the Status its caller sees, by retry meaning (see
// http_transport.h: never-sent failures are marked so, a timeout after the
// request went out is DEADLINE_EXCEEDED, a refused peer PERMISSION_DENIED).
// Messages name the method and safe URL and never a secret.
//
//   absl::StatusOr<HttpReply> outcome = TransferOutcome(transfer, CURLE_OK);
#ifndef SEEDANCE_HTTP_CURL_CURL_ERRORS_H_
#define SEEDANCE_HTTP_CURL_CURL_ERRORS_H_

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "http/curl/curl_transfer.h"
#include "http/curl/http_transport.h"

namespace seedance::http::curl {

// A failed transfer's Status.
absl::Status FailureStatus(const Transfer& transfer, CURLcode code);

// The reply (moved out of `transfer`) for CURLE_OK, else FailureStatus.
absl::StatusOr<HttpReply> TransferOutcome(Transfer& transfer, CURLcode code);

// The Status of a call ended because the transport is shutting down
// (kFailedPrecondition).
absl::Status ShutdownStatus(const Transfer& transfer);

}  // namespace seedance::http::curl

#endif  // SEEDANCE_HTTP_CURL_CURL_ERRORS_H_
