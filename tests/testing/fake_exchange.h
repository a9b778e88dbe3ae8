// FakeExchange: an http::Exchange that records what a handler did with it
// (responses, faults, the client-gone callback) into an ExchangeRecord the
// test keeps, for tests of HTTP handlers without sockets (the mock's
// endpoints, its fuzz target).
//
//   auto record = std::make_shared<ExchangeRecord>();
//   handler(request, std::make_shared<FakeExchange>(record));
//   ASSERT_EQ(record->terminals(), 1u);
//   EXPECT_EQ(record->responses[0].status, 200);
#ifndef SEEDANCE_TESTS_TESTING_FAKE_EXCHANGE_H_
#define SEEDANCE_TESTS_TESTING_FAKE_EXCHANGE_H_

#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "http/exchange.h"
#include "http/http_message.h"

namespace seedance::testing {

// What happened to one exchange.
struct ExchangeRecord {
  std::vector<http::Response> responses;
  std::vector<std::string> faults;  // "reset", "close", "raw", "drip", in order
  // What WriteRawAndClose or Drip was given, and Drip's pacing.
  std::string raw_bytes;
  size_t drip_chunk_bytes = 0;
  absl::Duration drip_interval;
  std::function<void()> gone;  // what OnClientGone registered
  // A streamed answer: its head, what was written, and whether it ended.
  std::optional<http::Response> stream_head;
  std::string streamed;
  bool stream_ended = false;

  // Terminal actions so far: an exchange is ended exactly once.
  size_t terminals() const {
    return responses.size() + faults.size() + (stream_head.has_value() ? 1 : 0);
  }
};

class FakeExchange : public http::Exchange {
 public:
  explicit FakeExchange(std::shared_ptr<ExchangeRecord> record) : record_(std::move(record)) {}

  // http::Exchange:
  void Respond(http::Response r) override { record_->responses.push_back(std::move(r)); }
  void ResetConnection() override { record_->faults.push_back("reset"); }
  void CloseWithoutResponse() override { record_->faults.push_back("close"); }
  void WriteRawAndClose(std::string bytes) override {
    record_->faults.push_back("raw");
    record_->raw_bytes = std::move(bytes);
  }
  void Drip(std::string bytes, size_t chunk_bytes, absl::Duration interval) override {
    record_->faults.push_back("drip");
    record_->raw_bytes = std::move(bytes);
    record_->drip_chunk_bytes = chunk_bytes;
    record_->drip_interval = interval;
  }
  void OnClientGone(std::function<void()> callback) override {
    record_->gone = std::move(callback);
  }
  // Every write "leaves" at once.
  std::shared_ptr<http::ResponseStream> StartStream(http::Response head) override {
    record_->stream_head = std::move(head);
    return std::make_shared<Stream>(record_);
  }

  class Stream : public http::ResponseStream {
   public:
    explicit Stream(std::shared_ptr<ExchangeRecord> record) : record_(std::move(record)) {}
    void Write(std::string bytes, std::function<void(bool ok)> written) override {
      record_->streamed += bytes;
      written(!record_->stream_ended);
    }
    void End() override { record_->stream_ended = true; }

   private:
    std::shared_ptr<ExchangeRecord> record_;
  };

 private:
  std::shared_ptr<ExchangeRecord> record_;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_FAKE_EXCHANGE_H_
