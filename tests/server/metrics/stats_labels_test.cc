#include "server/metrics/stats_labels.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace seedance::server::metrics {
namespace {

TEST(StatsLabelsTest, TaskStatesAreLowerCaseWithoutThePrefix) {
  struct Case {
    int state;
    std::string label;
  };
  const std::vector<Case> cases = {
      {v1::TASK_STATE_UNSPECIFIED, "unspecified"}, {v1::TASK_STATE_PENDING, "pending"},
      {v1::TASK_STATE_QUEUED, "queued"},           {v1::TASK_STATE_RUNNING, "running"},
      {v1::TASK_STATE_SUCCEEDED, "succeeded"},     {v1::TASK_STATE_FAILED, "failed"},
      {v1::TASK_STATE_CANCELLED, "cancelled"},     {v1::TASK_STATE_EXPIRED, "expired"},
      {99, "unspecified"},                         {-1, "unspecified"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.state);
    EXPECT_EQ(TaskStateLabel(static_cast<v1::TaskState>(c.state)), c.label);
  }
}

TEST(StatsLabelsTest, HttpStatusesAreTheirDigitsOrNoneOrOther) {
  struct Case {
    int status;
    std::string label;
  };
  const std::vector<Case> cases = {{0, "none"},     {200, "200"},   {429, "429"},
                                   {503, "503"},    {100, "100"},   {599, "599"},
                                   {99, "other"},   {600, "other"}, {-5, "other"},
                                   {123456, "other"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.status);
    EXPECT_EQ(HttpStatusLabel(c.status), c.label);
  }
}

TEST(StatsLabelsTest, OutcomesAreGrpcCodeNames) {
  EXPECT_EQ(OutcomeLabel(absl::OkStatus()), "OK");
  EXPECT_EQ(OutcomeLabel(absl::UnavailableError("x")), "Unavailable");
  EXPECT_EQ(OutcomeLabel(absl::ResourceExhaustedError("x")), "ResourceExhausted");
  EXPECT_EQ(OutcomeLabel(absl::DeadlineExceededError("x")), "DeadlineExceeded");
  EXPECT_EQ(OutcomeLabel(absl::CancelledError("x")), "Canceled");
}

TEST(StatsLabelsTest, EveryEnumValueHasItsOwnLabel) {
  EXPECT_EQ(UpstreamCallLabel(stats::UpstreamCall::kSubmit), "submit");
  EXPECT_EQ(UpstreamCallLabel(stats::UpstreamCall::kRetrieve), "retrieve");
  EXPECT_EQ(CallbackResultLabel(stats::CallbackResult::kApplied), "applied");
  EXPECT_EQ(CallbackResultLabel(stats::CallbackResult::kDuplicate), "duplicate");
  EXPECT_EQ(CallbackResultLabel(stats::CallbackResult::kRefused), "refused");
  EXPECT_EQ(CallbackResultLabel(stats::CallbackResult::kRetryLater), "retry_later");
  EXPECT_EQ(WebhookResultLabel(stats::WebhookResult::kDelivered), "delivered");
  EXPECT_EQ(WebhookResultLabel(stats::WebhookResult::kRefused), "refused");
  EXPECT_EQ(WebhookResultLabel(stats::WebhookResult::kGaveUp), "gave_up");
}

}  // namespace
}  // namespace seedance::server::metrics
