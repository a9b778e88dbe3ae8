// RAII owners for libcurl's C handles (easy, multi, header lists) and option
// setters that turn a failed curl_*_setopt into an absl::Status instead of a
// silently ignored return code. The process-wide curl_global_init runs once,
// on first use, from whichever thread gets there first.
//
//   absl::StatusOr<EasyHandle> easy = NewEasyHandle();
//   if (!easy.ok()) return easy.status();
//   absl::Status status = SetEasyOption(easy->get(), CURLOPT_NOSIGNAL, 1L);
//   HeaderList headers;
//   status.Update(AppendHeader(headers, "accept: application/json"));
#ifndef SEEDANCE_HTTP_CURL_CURL_HANDLES_H_
#define SEEDANCE_HTTP_CURL_CURL_HANDLES_H_

#include <curl/curl.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace seedance::http::curl {

struct EasyHandleDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiHandleDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct HeaderListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// An easy handle must be removed from its multi handle before it is reset.
using EasyHandle = std::unique_ptr<CURL, EasyHandleDeleter>;
// Reset a multi handle only after removing its easy handles; its socket
// callback may still run during curl_multi_cleanup.
using MultiHandle = std::unique_ptr<CURLM, MultiHandleDeleter>;
// A request's header lines; must outlive the transfer that uses it.
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// Runs curl_global_init once per process; later calls return the first
// result. Thread-safe.
absl::Status InitCurlOnce();

// A new easy handle (after InitCurlOnce), or kInternal. Thread-safe.
absl::StatusOr<EasyHandle> NewEasyHandle();

// A new multi handle (after InitCurlOnce), or kInternal. Thread-safe.
absl::StatusOr<MultiHandle> NewMultiHandle();

// Appends `line` ("name: value") to `list`; kInternal when out of memory,
// leaving `list` unchanged. Never puts `line` into a message (it may carry a
// token).
absl::Status AppendHeader(HeaderList& list, const char* line);

// The Status for a failed curl_easy_setopt of `option` (named when libcurl
// knows its name); OK for CURLE_OK.
absl::Status EasyOptionStatus(CURLoption option, CURLcode code);

// The Status for a failed curl_multi_setopt of `option`; OK for CURLM_OK.
absl::Status MultiOptionStatus(CURLMoption option, CURLMcode code);

// curl_easy_setopt(easy, option, value) as a Status. `value` must have the
// type libcurl expects for `option` (long, curl_off_t, a pointer, ...).
template <typename T>
absl::Status SetEasyOption(CURL* easy, CURLoption option, T value) {
  return EasyOptionStatus(option, curl_easy_setopt(easy, option, value));
}

// curl_multi_setopt(multi, option, value) as a Status.
template <typename T>
absl::Status SetMultiOption(CURLM* multi, CURLMoption option, T value) {
  return MultiOptionStatus(option, curl_multi_setopt(multi, option, value));
}

}  // namespace seedance::http::curl

#endif  // SEEDANCE_HTTP_CURL_CURL_HANDLES_H_
