#include "bench/curl_load.h"

#include <curl/curl.h>

#include <memory>

#include "absl/time/clock.h"
#include "http/curl/curl_handles.h"

namespace seedance::bench {
namespace {

using ::seedance::http::curl::EasyHandle;
using ::seedance::http::curl::HeaderList;
using ::seedance::http::curl::MultiHandle;

// The load's own header lines cannot fail but for lack of memory.
void AddHeader(HeaderList& list, const std::string& line) {
  http::curl::AppendHeader(list, line.c_str()).IgnoreError();
}

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// One call slot: its handle (and connection) reused call after call.
struct Slot {
  EasyHandle easy;
  HeaderList headers;
  absl::Time started;
};

std::unique_ptr<Slot> MakeSlot(const CurlLoad& load, long index) {
  auto slot = std::make_unique<Slot>();
  // (A handle libcurl could not make stays null and fails every call.)
  if (absl::StatusOr<EasyHandle> easy = http::curl::NewEasyHandle(); easy.ok()) {
    slot->easy = *std::move(easy);
  }
  AddHeader(slot->headers, "Content-Type: application/json");
  AddHeader(slot->headers,
               "Authorization: Bearer " + (load.token_for ? load.token_for(index) : load.token));
  AddHeader(slot->headers, "Expect:");
  CURL* e = slot->easy.get();
  curl_easy_setopt(e, CURLOPT_URL, load.url.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, slot->headers.get());
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, load.body.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(load.timeout)));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 60000L);
  curl_easy_setopt(e, CURLOPT_PRIVATE, slot.get());
  return slot;
}

}  // namespace

CurlLoadResult RunCurlLoad(const CurlLoad& load) {
  CurlLoadResult result;
  MultiHandle multi(http::curl::NewMultiHandle().value_or(nullptr));
  curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS,
                    static_cast<long>(load.connections));
  std::vector<std::unique_ptr<Slot>> slots;
  absl::Time start = absl::Now();
  absl::Time end = start + load.duration;
  long started = 0;
  auto more = [&]() {
    return load.duration > absl::ZeroDuration() ? absl::Now() < end : started < load.calls;
  };
  int running = 0;
  for (int i = 0; i < load.connections && more(); ++i) {
    slots.push_back(MakeSlot(load, started));
    slots.back()->started = absl::Now();
    curl_multi_add_handle(multi.get(), slots.back()->easy.get());
    ++started;
    ++running;
  }
  while (running > 0) {
    int still = 0;
    curl_multi_perform(multi.get(), &still);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* easy = message->easy_handle;
      Slot* slot = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&slot));
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      absl::Time now = absl::Now();
      if (message->data.result == CURLE_OK && status == 200) {
        double at = absl::ToDoubleSeconds(now - start);
        if (result.ok == 0) result.first_done_s = at;
        result.last_done_s = at;
        ++result.ok;
        result.latencies_ms.push_back(absl::ToDoubleMilliseconds(now - slot->started));
      } else {
        ++result.errors;
      }
      curl_multi_remove_handle(multi.get(), easy);
      if (more()) {
        slot->started = now;
        curl_multi_add_handle(multi.get(), easy);
        ++started;
      } else {
        --running;
      }
    }
    if (load.on_poll) load.on_poll();
    if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
  }
  result.seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return result;
}

}  // namespace seedance::bench
