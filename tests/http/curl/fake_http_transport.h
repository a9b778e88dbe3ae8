// FakeHttpTransport: an HttpTransport that records calls and lets the test
// answer them. Single-threaded: callbacks run on the test's thread.
#ifndef SEEDANCE_TESTS_HTTP_CURL_FAKE_HTTP_TRANSPORT_H_
#define SEEDANCE_TESTS_HTTP_CURL_FAKE_HTTP_TRANSPORT_H_

#include <utility>
#include <vector>

#include "http/curl/http_transport.h"

namespace seedance::http::curl {

class FakeHttpTransport : public HttpTransport {
 public:
  struct Call {
    HttpCall call;
    Callback done;
    bool cancelled = false;
  };

  CallId Start(HttpCall call, Callback done) override {
    calls.push_back({std::move(call), std::move(done)});
    return calls.size();
  }
  void Cancel(CallId id) override {
    Call& c = calls.at(id - 1);
    if (c.cancelled || !c.done) return;
    c.cancelled = true;
    Answer(id, absl::CancelledError("cancelled"));
  }

  // Completes call `id` (1-based) with `reply`.
  void Answer(CallId id, absl::StatusOr<HttpReply> reply) {
    Callback done = std::move(calls.at(id - 1).done);
    calls.at(id - 1).done = nullptr;
    done(std::move(reply));
  }
  void Answer(CallId id, int status, std::string body) {
    HttpReply reply;
    reply.status = status;
    reply.body = std::move(body);
    Answer(id, std::move(reply));
  }

  std::vector<Call> calls;
};

}  // namespace seedance::http::curl

#endif  // SEEDANCE_TESTS_HTTP_CURL_FAKE_HTTP_TRANSPORT_H_
