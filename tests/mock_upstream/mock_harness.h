// What the mock's in-process tests share: a Scheduler run by hand, an
// http::Exchange that records what it was told, and MockHarness, the
// MockState and TaskRunner of one test over an injected clock, with
// request builders. Nothing here opens a socket or sleeps.
//
//   MockHarness mock;
//   VideosEndpoint videos(mock.state, mock.runner);
//   http::Request request = MockHarness::Post(kVideosPath, body);
//   auto outcome = mock.Send(request, [&](int64_t seq, auto exchange) {
//     videos.Handle(request, seq, exchange);
//   });
//   mock.Advance(absl::Seconds(11));  // runs the timers that fell due
#ifndef SEEDANCE_TESTS_MOCK_UPSTREAM_MOCK_HARNESS_H_
#define SEEDANCE_TESTS_MOCK_UPSTREAM_MOCK_HARNESS_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "boost/asio/io_context.hpp"
#include "http/exchange.h"
#include "http/http_client.h"
#include "http/http_message.h"
#include "mock_upstream/api_call.h"
#include "mock_upstream/mock_options.h"
#include "mock_upstream/mock_state.h"
#include "base/scheduler.h"
#include "mock_upstream/task_runner.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_exchange.h"
#include "tests/testing/fake_scheduler.h"

namespace seedance::mock_upstream::fakes {

// The recording exchange every handler test uses (tests/testing).
using ::seedance::testing::ExchangeRecord;
using ::seedance::testing::FakeExchange;

// A valid blocking videos request; the inline --dur 99 is out of range and
// ignored, --rs 720p applies.
inline constexpr char kBlockingBody[] =
    R"({"model": "doubao-seedance-1-0-pro-250528",
        "content": [{"type": "text", "text": "a cat --rs 720p --dur 99"}]})";
// A valid async videos request.
inline constexpr char kAsyncBody[] =
    R"({"model": "doubao-seedance-1-0-pro-250528",
        "content": [{"type": "text", "text": "a cat"}], "async": true})";

// Tasks queue for 1 s and generate for 10 s unless a test says otherwise.
inline MockOptions TestOptions() {
  MockOptions options;
  options.config.queue_time = absl::Seconds(1);
  options.config.generation_time = absl::Seconds(10);
  return options;
}

struct MockHarness {
  explicit MockHarness(MockOptions options = TestOptions())
      : client(io), state(std::move(options), clock, tasks, admin), runner(state, client) {
    state.SetBaseUrl("http://mock");
  }

  // A request for `target` ("/path?query") with the token "t1" unless
  // `headers` say otherwise.
  static http::Request Make(std::string method, const std::string& target,
                            std::string body = "",
                            std::vector<http::Header> headers = {
                                {"Authorization", "Bearer t1"}}) {
    http::Request request;
    request.method = std::move(method);
    request.target = target;
    size_t query = target.find('?');
    request.path = target.substr(0, query);
    if (query != std::string::npos) request.query = target.substr(query + 1);
    request.body = std::move(body);
    request.headers = std::move(headers);
    return request;
  }
  static http::Request Post(const std::string& target, std::string body,
                            std::vector<http::Header> headers = {
                                {"Authorization", "Bearer t1"}}) {
    return Make("POST", target, std::move(body), std::move(headers));
  }

  // Journals `request` as the router does and hands it to `handle` with a
  // fresh recording exchange; returns what the exchange was told.
  std::shared_ptr<ExchangeRecord> Send(
      const http::Request& request,
      const std::function<void(int64_t seq, std::shared_ptr<http::Exchange>)>& handle) {
    auto outcome = std::make_shared<ExchangeRecord>();
    handle(JournalRequest(state, request), std::make_shared<FakeExchange>(outcome));
    return outcome;
  }

  // Moves the clock and runs the timers that fell due.
  void Advance(absl::Duration d) {
    clock.Advance(d);
    tasks.RunDue();
    admin.RunDue();
  }

  ::seedance::testing::FakeClock clock;
  ::seedance::testing::FakeScheduler tasks{clock};
  ::seedance::testing::FakeScheduler admin{clock};
  boost::asio::io_context io;  // never run: no callback leaves the test
  http::HttpClient client;
  MockState state;
  TaskRunner runner;
};

}  // namespace seedance::mock_upstream::fakes

#endif  // SEEDANCE_TESTS_MOCK_UPSTREAM_MOCK_HARNESS_H_
