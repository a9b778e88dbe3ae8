// FakeHttpTransport: an HttpTransport that records calls and lets the test
// answer them. Single-threaded: callbacks run on the test's thread.
#ifndef SEEDANCE_TESTS_HTTP_CURL_FAKE_HTTP_TRANSPORT_H_
#define SEEDANCE_TESTS_HTTP_CURL_FAKE_HTTP_TRANSPORT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
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

  // Completes call `id` as a transport would: a call with a body_sink gets
  // `body` there in pieces of at most `piece` bytes first, and fails with
  // the sink's status if it refuses one.
  void AnswerStreamed(CallId id, int status, absl::string_view body, size_t piece = 4096) {
    HttpReply reply;
    reply.status = status;
    const HttpCall& call = calls.at(id - 1).call;
    if (!call.body_sink) {
      reply.body = std::string(body);
      return Answer(id, std::move(reply));
    }
    for (size_t at = 0; at < body.size(); at += piece) {
      absl::Status taken = call.body_sink(reply, body.substr(at, piece));
      if (!taken.ok()) return Answer(id, taken);
    }
    Answer(id, std::move(reply));
  }

  std::vector<Call> calls;
};

}  // namespace seedance::http::curl

#endif  // SEEDANCE_TESTS_HTTP_CURL_FAKE_HTTP_TRANSPORT_H_
