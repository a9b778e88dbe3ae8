// MockService in-process with an injected clock and a manual scheduler: the
// task engine's timing, quotas and reset without sockets or sleeping.
#include "mock_upstream/mock_service.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/asio/io_context.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/json_value.h"
#include "tests/testing/status_matchers.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::JsonNumber;
using ::seedance::testing::JsonString;
using ::seedance::testing::ParseJsonValue;
using ::testing::HasSubstr;

// Runs work when told that its time has come.
class ManualScheduler : public Scheduler {
 public:
  void RunAt(absl::Time when, std::function<void()> work) override {
    pending_.push_back({when, next_++, std::move(work)});
  }
  void CancelAll() override { pending_.clear(); }
  // Runs everything due at `now`, including work that running work adds.
  void RunDue(absl::Time now) {
    while (true) {
      auto due = std::min_element(pending_.begin(), pending_.end(),
                                  [](const Item& a, const Item& b) {
                                    return std::tie(a.when, a.order) < std::tie(b.when, b.order);
                                  });
      if (due == pending_.end() || due->when > now) return;
      std::function<void()> work = std::move(due->work);
      pending_.erase(due);
      work();
    }
  }
  size_t size() const { return pending_.size(); }

 private:
  struct Item {
    absl::Time when;
    uint64_t order;
    std::function<void()> work;
  };
  std::vector<Item> pending_;
  uint64_t next_ = 0;
};

// What happened to one exchange.
struct Outcome {
  std::vector<http::Response> responses;
  std::vector<std::string> faults;
  std::function<void()> gone;
};

class FakeExchange : public http::Exchange {
 public:
  explicit FakeExchange(std::shared_ptr<Outcome> outcome) : outcome_(std::move(outcome)) {}
  void Respond(http::Response r) override { outcome_->responses.push_back(std::move(r)); }
  void ResetConnection() override { outcome_->faults.push_back("reset"); }
  void CloseWithoutResponse() override { outcome_->faults.push_back("close"); }
  void WriteRawAndClose(std::string) override { outcome_->faults.push_back("raw"); }
  void Drip(std::string, size_t, absl::Duration) override { outcome_->faults.push_back("drip"); }
  void OnClientGone(std::function<void()> callback) override { outcome_->gone = std::move(callback); }

 private:
  std::shared_ptr<Outcome> outcome_;
};

constexpr char kBody[] =
    R"({"model": "doubao-seedance-1-0-pro-250528",
        "content": [{"type": "text", "text": "a cat --rs 720p --dur 99"}]})";

class MockServiceTest : public ::testing::Test {
 protected:
  MockServiceTest() : client_(io_) {}

  void Start(MockOptions options = {}) {
    options.config.queue_time = absl::Seconds(1);
    options.config.generation_time = absl::Seconds(10);
    service_ = std::make_unique<MockService>(options, clock_, tasks_, admin_, client_);
    service_->SetBaseUrl("http://mock");
  }

  std::shared_ptr<Outcome> Call(std::string method, std::string target, std::string body,
                                std::vector<http::Header> headers = {
                                    {"Authorization", "Bearer t1"}}) {
    http::Request request;
    request.method = std::move(method);
    request.target = target;
    request.path = target.substr(0, target.find('?'));
    if (target.find('?') != std::string::npos) request.query = target.substr(target.find('?') + 1);
    request.body = std::move(body);
    request.headers = std::move(headers);
    auto outcome = std::make_shared<Outcome>();
    service_->Handle(std::move(request), std::make_shared<FakeExchange>(outcome));
    return outcome;
  }

  std::shared_ptr<Outcome> Videos(std::string body = kBody,
                                  std::vector<http::Header> headers = {
                                      {"Authorization", "Bearer t1"}}) {
    return Call("POST", kVideosPath, std::move(body), std::move(headers));
  }

  // The id of an accepted task.
  std::string Accepted(const Outcome& outcome) {
    EXPECT_EQ(outcome.responses.size(), 1u);
    if (outcome.responses.empty()) return "";
    absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(outcome.responses[0].body);
    EXPECT_THAT(json, IsOk());
    return JsonString(*json, "task_id");
  }

  std::string Retrieve(const std::string& id) {
    auto outcome = Call("POST", kTasksPath,
                        absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"));
    EXPECT_EQ(outcome->responses.size(), 1u);
    if (outcome->responses.empty()) return "";
    absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(outcome->responses[0].body);
    return json.ok() ? JsonString(*json, "response.data.status") : "";
  }

  void Advance(absl::Duration d) {
    clock_.Advance(d);
    tasks_.RunDue(clock_.Now());
    admin_.RunDue(clock_.Now());
  }

  testing::FakeClock clock_;
  ManualScheduler tasks_;
  ManualScheduler admin_;
  boost::asio::io_context io_;  // never run: no callback leaves the test
  http::HttpClient client_;
  std::unique_ptr<MockService> service_;
};

TEST_F(MockServiceTest, BlockingCallIsAnsweredWhenTheGenerationEnds) {
  Start();
  auto call = Videos();
  EXPECT_TRUE(call->responses.empty());
  Advance(absl::Seconds(10));
  EXPECT_TRUE(call->responses.empty());
  Advance(absl::Seconds(1));
  ASSERT_EQ(call->responses.size(), 1u);
  const http::Response& answer = call->responses[0];
  EXPECT_EQ(answer.status, 200);
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(answer.body);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(JsonString(*json, "data.status"), "succeeded");
  EXPECT_THAT(JsonString(*json, "data.video_url"), HasSubstr("http://mock/seedance/"));
  // Weak inline parameters: the bad --dur is ignored, --rs applies.
  EXPECT_EQ(*answer.FindHeader("X-Mock-Effective-Params"), "--rs 720p");
}

TEST_F(MockServiceTest, ExecutionExpiresAfterEndsTheHeldCallAsExpired) {
  Start();
  auto call = Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat [mock:generation_ms=7200000]"}],
      "execution_expires_after": 3600})");
  Advance(absl::Seconds(3599));
  EXPECT_TRUE(call->responses.empty());
  Advance(absl::Seconds(1));
  ASSERT_EQ(call->responses.size(), 1u);
  EXPECT_EQ(call->responses[0].status, 500);
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(call->responses[0].body);
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(JsonString(*json, "data.status"), "expired");
  EXPECT_THAT(JsonString(*json, "error.message"), HasSubstr("execution_expires_after"));
}

TEST_F(MockServiceTest, AsyncTaskMovesThroughItsStatuses) {
  Start();
  std::string id = Accepted(*Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat"}], "async": true})"));
  EXPECT_EQ(Retrieve(id), "queued");
  Advance(absl::Seconds(1));
  EXPECT_EQ(Retrieve(id), "running");
  Advance(absl::Seconds(10));
  EXPECT_EQ(Retrieve(id), "succeeded");
}

TEST_F(MockServiceTest, ClientGoneDropsTheHeldCall) {
  Start();
  auto call = Videos();
  ASSERT_TRUE(call->gone);
  call->gone();
  Advance(absl::Seconds(11));
  EXPECT_TRUE(call->responses.empty());
  auto journal = Call("GET", "/__mock/journal?outcome=client_gone", "");
  EXPECT_THAT(journal->responses.at(0).body, HasSubstr("client_gone"));
}

TEST_F(MockServiceTest, ResetAnswersHeldCallsAndCancelsTimers) {
  Start();
  auto call = Videos();
  EXPECT_GT(tasks_.size(), 0u);
  Call("POST", "/__mock/reset", "");
  EXPECT_EQ(tasks_.size(), 0u);
  ASSERT_EQ(call->responses.size(), 1u);
  EXPECT_EQ(call->responses[0].status, 500);
  EXPECT_THAT(call->responses[0].body, HasSubstr("the mock was reset"));
}

TEST_F(MockServiceTest, TasksInFlightAreCappedPerToken) {
  MockOptions options;
  options.config.max_tasks_in_flight = 1;
  Start(options);
  Videos();
  auto second = Videos();
  ASSERT_EQ(second->responses.size(), 1u);
  EXPECT_EQ(second->responses[0].status, 429);
  EXPECT_NE(second->responses[0].FindHeader("Retry-After"), nullptr);
  auto other_token = Videos(kBody, {{"Authorization", "Bearer t2"}});
  EXPECT_TRUE(other_token->responses.empty());  // held: not capped
  Advance(absl::Seconds(11));
  auto after = Videos();
  EXPECT_TRUE(after->responses.empty());  // the first one ended
}

TEST_F(MockServiceTest, RateLimitRefillsWithTheClock) {
  MockOptions options;
  options.config.rate_limit_per_second = 1;
  options.config.rate_limit_burst = 1;
  Start(options);
  auto async = std::string(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat"}], "async": true})");
  EXPECT_EQ(Videos(async)->responses.at(0).status, 200);
  http::Response limited = Videos(async)->responses.at(0);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(*limited.FindHeader("Retry-After"), "1");
  Advance(absl::Seconds(1));
  EXPECT_EQ(Videos(async)->responses.at(0).status, 200);
}

TEST_F(MockServiceTest, FailFirstNFailsExactlyTheFirstCalls) {
  Start();
  Call("POST", "/__mock/config", R"({"fail_first_n": 2, "fail_first_scenario": "api_error"})");
  std::string async = R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat"}], "async": true})";
  EXPECT_EQ(Videos(async)->responses.at(0).status, 500);
  EXPECT_EQ(Videos(async)->responses.at(0).status, 500);
  EXPECT_EQ(Videos(async)->responses.at(0).status, 200);
}

TEST_F(MockServiceTest, JournalWaitAnswersOnTheEventOrTheTimeout) {
  Start();
  std::string id = Accepted(*Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat"}], "async": true})"));
  auto done = Call("GET", absl::StrCat("/__mock/journal/wait?kind=task&task_id=", id,
                                       "&status=succeeded&timeout_ms=60000"), "");
  auto never = Call("GET", "/__mock/journal/wait?kind=nothing&timeout_ms=30000", "");
  EXPECT_TRUE(done->responses.empty());
  Advance(absl::Seconds(11));
  ASSERT_EQ(done->responses.size(), 1u);
  EXPECT_THAT(done->responses[0].body, HasSubstr(R"("found":true)"));
  EXPECT_TRUE(never->responses.empty());
  Advance(absl::Seconds(20));
  ASSERT_EQ(never->responses.size(), 1u);
  EXPECT_THAT(never->responses[0].body, HasSubstr(R"("found":false)"));
}

TEST_F(MockServiceTest, TokenRulesChooseScenariosWithoutHeaders) {
  Start();
  Call("POST", "/__mock/rules", R"({"token": "t1", "scenario": "reset", "times": 1})");
  auto first = Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat"}], "async": true})");
  EXPECT_EQ(first->faults, std::vector<std::string>{"reset"});
  auto second = Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat"}], "async": true})");
  EXPECT_TRUE(second->faults.empty());
  EXPECT_EQ(second->responses.size(), 1u);
}

TEST_F(MockServiceTest, RecordsReportElapsedFromTheInjectedClock) {
  Start();
  std::string id = Accepted(*Videos(R"({"model": "doubao-seedance-1-0-pro-250528",
      "content": [{"type": "text", "text": "a cat"}], "async": true})"));
  Advance(absl::Milliseconds(2500));
  auto outcome = Call("POST", kTasksPath,
                      absl::StrCat(R"({"action":"retrieve","id":")", id, R"("})"));
  absl::StatusOr<google::protobuf::Value> json = ParseJsonValue(outcome->responses.at(0).body);
  ASSERT_THAT(json, IsOk());
  EXPECT_DOUBLE_EQ(JsonNumber(*json, "elapsed"), 2.5);
  EXPECT_DOUBLE_EQ(JsonNumber(*json, "started_at") - JsonNumber(*json, "created_at"), 1);
}

}  // namespace
}  // namespace seedance::mock_upstream
