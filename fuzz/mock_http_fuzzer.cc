// Fuzzes the mock upstream's HTTP request handling with raw bytes from a
// client: the bytes are read as http/connection.cc reads a connection
// (Beast's request parser, the same limits, pipelined requests while
// keep-alive holds), and each request goes to MockService::Handle, the
// mock's whole request handling (REST API, scenarios and directives, media,
// admin API), with a fake clock, manual schedulers and recording exchanges.
// Then time runs until every task and timer is done. A request with the
// header "X-Fuzz-Client-Gone: 1" is left by its client right after the
// handler returns (the held-call bookkeeping). Invariants:
//
//  * never crashes, leaks or trips a sanitizer;
//  * every request is answered once (an answer or a fault) once the timers
//    are done, unless its client left first;
//  * answers have a valid status, and JSON answers are JSON (but for the
//    200 cut in half on purpose by the malformed_json fault).
//
// Callbacks are sent to an HttpClient whose io_context never runs: no
// socket is opened, so the callback plan is fuzzed but not its delivery.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "base/log.h"
#include "boost/asio/buffer.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/beast/http/error.hpp"
#include "boost/beast/http/parser.hpp"
#include "boost/beast/http/string_body.hpp"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/json_util.h"
#include "http/beast_request.h"
#include "http/exchange.h"
#include "http/http_client.h"
#include "mock_upstream/mock_options.h"
#include "mock_upstream/mock_service.h"
#include "base/scheduler.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_exchange.h"
#include "tests/testing/fake_scheduler.h"

namespace seedance::mock_upstream {
namespace {

namespace bhttp = boost::beast::http;

// Bounds the timer loop; far more than any input reaches.
constexpr int kMaxTimerSteps = 100000;

// What happened to one request.
struct RequestOutcome {
  std::string method;
  std::string target;
  // What the mock did with its exchange.
  std::shared_ptr<seedance::testing::ExchangeRecord> exchange =
      std::make_shared<seedance::testing::ExchangeRecord>();
  bool client_left = false;
};

// The requests a client sending `bytes` on one connection gets handled, in
// order: as Connection::ReadNext/OnRead/Dispatch do, it stops at a
// malformed or incomplete request (answered 400/413/431 or dropped by the
// connection, never seen by the handler) and after a request without
// keep-alive.
std::vector<http::Request> ReadRequests(absl::string_view bytes, size_t max_body_bytes) {
  std::vector<http::Request> requests;
  while (!bytes.empty()) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.eager(true);
    parser.header_limit(http::kRequestHeaderLimit);
    parser.body_limit(max_body_bytes);
    boost::beast::error_code ec;
    while (!parser.is_done() && !ec) {
      size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
      bytes.remove_prefix(used);
      if (used == 0) break;
    }
    if (ec || !parser.is_done()) break;
    bhttp::request<bhttp::string_body> message = parser.release();
    bool keep_alive = message.keep_alive();
    requests.push_back(http::ToRequest(std::move(message), "127.0.0.1:40000"));
    if (!keep_alive) break;
  }
  return requests;
}

bool IsJson(absl::string_view body) {
  google::protobuf::Value value;
  return google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(body.data(), body.size()), &value)
      .ok();
}

void CheckOutcome(const RequestOutcome& o) {
  const size_t terminals = o.exchange->terminals();
  FUZZ_CHECK(terminals <= 1, o.method << " " << o.target << " answered " << terminals
                                      << " times");
  FUZZ_CHECK(terminals == 1 || o.client_left,
             o.method << " " << o.target << " never answered");
  if (o.exchange->responses.empty()) return;
  const http::Response& r = o.exchange->responses.back();
  FUZZ_CHECK(r.status >= 100 && r.status <= 599, o.method << " " << o.target << ": "
                                                          << r.status);
  const std::string* type = r.FindHeader("Content-Type");
  // The malformed_json fault answers 200 with the first half of the JSON on
  // purpose; every other JSON answer must be whole.
  bool malformed_fault = r.status == 200 && absl::StartsWith(r.body, "{");
  if (type != nullptr && absl::StartsWith(*type, "application/json") && !malformed_fault) {
    FUZZ_CHECK(IsJson(r.body), o.method << " " << o.target << " -> " << r.status
                                        << " with a body that is not JSON: " << r.body);
  }
}

}  // namespace
}  // namespace seedance::mock_upstream

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  // Every log line is formatted (fuzz input goes into fields) and dropped.
  seedance::SetMinLogLevel(seedance::LogLevel::kDebug);
  seedance::SetLogSink([](absl::string_view) {});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace seedance::mock_upstream;  // NOLINT: a fuzz entry point
  namespace http = seedance::http;
  MockOptions options;  // the binary's defaults: any token but the foreign one
  std::vector<http::Request> requests = ReadRequests(
      absl::string_view(reinterpret_cast<const char*>(data), size), options.max_body_bytes);
  if (requests.empty()) return 0;

  // A fresh mock per input, so that every input replays the same way.
  seedance::testing::FakeClock clock;
  boost::asio::io_context io;  // never run: callbacks go nowhere
  http::HttpClient client(io);
  seedance::testing::FakeScheduler tasks{clock};
  seedance::testing::FakeScheduler admin{clock};
  std::vector<std::shared_ptr<RequestOutcome>> outcomes;
  {
    MockService service(options, clock, tasks, admin, client);
    service.SetBaseUrl("http://127.0.0.1:8080");
    for (http::Request& request : requests) {
      auto outcome = std::make_shared<RequestOutcome>();
      outcome->method = request.method;
      outcome->target = request.target;
      bool leaves = request.FindHeader("X-Fuzz-Client-Gone") != nullptr;
      outcomes.push_back(outcome);
      service.Handle(std::move(request),
                     std::make_shared<seedance::testing::FakeExchange>(outcome->exchange));
      if (leaves && outcome->exchange->terminals() == 0 && outcome->exchange->gone) {
        outcome->client_left = true;
        std::function<void()> gone = std::move(outcome->exchange->gone);
        gone();
      }
      while (tasks.RunOneDue() || admin.RunOneDue()) {
      }
    }
    // Let time run to the end of every task, retry and journal wait.
    for (int step = 0; step < kMaxTimerSteps; ++step) {
      std::optional<absl::Time> a = tasks.NextTime();
      std::optional<absl::Time> b = admin.NextTime();
      if (!a && !b) break;
      absl::Time next = !a ? *b : !b ? *a : std::min(*a, *b);
      if (next > clock.Now()) clock.Set(next);
      if (!tasks.RunOneDue()) admin.RunOneDue();
    }
    FUZZ_CHECK(!tasks.NextTime() && !admin.NextTime(), "timers never end");
    for (const auto& outcome : outcomes) CheckOutcome(*outcome);
  }
  return 0;
}
