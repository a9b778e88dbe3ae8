#include "http/curl/curl_handles.h"

#include "absl/strings/str_cat.h"

namespace seedance::http::curl {

absl::Status InitCurlOnce() {
  // A function-local static is initialised exactly once, thread-safely, and
  // curl_global_cleanup is never called: handles may live until exit.
  static const CURLcode kInitResult = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (kInitResult == CURLE_OK) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("curl_global_init failed: ", curl_easy_strerror(kInitResult)));
}

absl::StatusOr<EasyHandle> NewEasyHandle() {
  if (absl::Status status = InitCurlOnce(); !status.ok()) return status;
  EasyHandle easy(curl_easy_init());
  if (easy == nullptr) return absl::InternalError("curl_easy_init failed");
  return easy;
}

absl::StatusOr<MultiHandle> NewMultiHandle() {
  if (absl::Status status = InitCurlOnce(); !status.ok()) return status;
  MultiHandle multi(curl_multi_init());
  if (multi == nullptr) return absl::InternalError("curl_multi_init failed");
  return multi;
}

absl::Status AppendHeader(HeaderList& list, const char* line) {
  curl_slist* head = curl_slist_append(list.get(), line);
  if (head == nullptr) return absl::InternalError("curl_slist_append failed");
  // On success the old head stays the head (or, for an empty list, the new
  // node becomes it); release() keeps ownership with `list`.
  (void)list.release();
  list.reset(head);
  return absl::OkStatus();
}

absl::Status EasyOptionStatus(CURLoption option, CURLcode code) {
  if (code == CURLE_OK) return absl::OkStatus();
  const curl_easyoption* info = curl_easy_option_by_id(option);
  return absl::InternalError(absl::StrCat(
      "curl_easy_setopt(", info != nullptr ? info->name : absl::StrCat(static_cast<int>(option)),
      ") failed: ", curl_easy_strerror(code)));
}

absl::Status MultiOptionStatus(CURLMoption option, CURLMcode code) {
  if (code == CURLM_OK) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("curl_multi_setopt(", static_cast<int>(option),
                                          ") failed: ", curl_multi_strerror(code)));
}

}  // namespace seedance::http::curl
