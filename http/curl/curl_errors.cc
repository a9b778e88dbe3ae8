#include "http/curl/curl_errors.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "http/curl/url_redaction.h"

namespace seedance::http::curl {

absl::Status FailureStatus(const Transfer& transfer, CURLcode code) {
  // The body sink's own refusal is the call's outcome, as the sink said it.
  if (code == CURLE_WRITE_ERROR && !transfer.sink_status.ok()) return transfer.sink_status;
  long request_bytes = 0;
  curl_easy_getinfo(transfer.easy.get(), CURLINFO_REQUEST_SIZE, &request_bytes);
  // libcurl counts request bytes as it writes them: zero means not a byte
  // of this call reached a socket. Reused keep-alive connections that turn
  // out dead are retried by libcurl itself before it gives up.
  const bool sent = request_bytes > 0;
  const std::string detail = Redact(
      transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(code), transfer.secrets);
  auto make = [&](absl::StatusCode status_code, absl::string_view what, bool never_sent) {
    absl::Status status(
        status_code,
        absl::StrCat(transfer.call.method, " ", transfer.safe_url, ": ", what,
                     never_sent ? "; the request was not sent" : "", " (curl: ", detail, ")"));
    return never_sent ? MarkRequestNeverSent(std::move(status)) : status;
  };
  auto unavailable = [&](absl::string_view what) {
    return make(absl::StatusCode::kUnavailable,
                absl::StrCat(what, sent ? "; the request may have reached the server" : ""), !sent);
  };
  if (transfer.reply_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return make(absl::StatusCode::kResourceExhausted,
                absl::StrCat("the reply is larger than ", transfer.max_reply_bytes, " bytes"),
                false);
  }
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
      return make(absl::StatusCode::kInvalidArgument, "unusable URL", true);
    case CURLE_COULDNT_RESOLVE_HOST:
      return make(absl::StatusCode::kUnavailable, "could not resolve the host", true);
    case CURLE_COULDNT_CONNECT:
      if (!transfer.refused_peer.empty() && transfer.allowed_peers == 0) {
        return make(absl::StatusCode::kPermissionDenied,
                    absl::StrCat("connecting to ", transfer.refused_peer,
                                 " is not allowed for this call"),
                    true);
      }
      return make(absl::StatusCode::kUnavailable, "could not connect", true);
    case CURLE_OPERATION_TIMEDOUT:
      // Unsent with the shorter connect timeout: still connecting (DNS, TCP
      // or TLS), so it was the connect timeout that fired.
      if (!sent && transfer.call.connect_timeout < transfer.call.timeout) {
        return make(absl::StatusCode::kUnavailable,
                    absl::StrCat("could not connect within ",
                                 absl::FormatDuration(transfer.call.connect_timeout)),
                    true);
      }
      return make(
          absl::StatusCode::kDeadlineExceeded,
          absl::StrCat("no complete reply within ", absl::FormatDuration(transfer.call.timeout)),
          !sent);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CERTPROBLEM:
      return make(absl::StatusCode::kUnavailable,
                  "TLS verification failed: the server's certificate or host name is not trusted",
                  true);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
    case CURLE_USE_SSL_FAILED:
      return make(absl::StatusCode::kUnavailable, "the TLS handshake failed", true);
    case CURLE_GOT_NOTHING:
      return unavailable("the server closed the connection without a reply");
    case CURLE_PARTIAL_FILE:
      return unavailable("the reply was cut short");
    case CURLE_RECV_ERROR:
      return unavailable("the connection failed while waiting for the reply");
    case CURLE_SEND_ERROR:
      return unavailable("the connection failed while sending the request");
    case CURLE_WEIRD_SERVER_REPLY:
      return unavailable("the server's reply is not HTTP");
    default:
      return unavailable("the transfer failed");
  }
}

absl::StatusOr<HttpReply> TransferOutcome(Transfer& transfer, CURLcode code) {
  if (code != CURLE_OK) return FailureStatus(transfer, code);
  long status = 0;
  curl_easy_getinfo(transfer.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  transfer.reply.status = static_cast<int>(status);
  return std::move(transfer.reply);
}

absl::Status ShutdownStatus(const Transfer& transfer) {
  return absl::FailedPreconditionError(absl::StrCat(transfer.call.method, " ", transfer.safe_url,
                                                    ": the HTTP transport is shutting down"));
}

}  // namespace seedance::http::curl
