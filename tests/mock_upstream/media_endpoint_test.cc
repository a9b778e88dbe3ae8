// MediaEndpoint: which paths it serves, and that each answer is journaled
// against its request. The byte ranges themselves are media_test.cc's.
#include "mock_upstream/media_endpoint.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "mock_upstream/media.h"
#include "tests/mock_upstream/mock_harness.h"

namespace seedance::mock_upstream {
namespace {

using ::seedance::mock_upstream::fakes::MockHarness;
using ::seedance::mock_upstream::fakes::ExchangeRecord;

class MediaEndpointTest : public ::testing::Test {
 protected:
  MediaEndpointTest() : media_(mock_.state) {}

  std::shared_ptr<ExchangeRecord> Get(const std::string& path,
                                      std::vector<http::Header> headers = {},
                                      std::string method = "GET") {
    http::Request request = MockHarness::Make(method, path, "", std::move(headers));
    return mock_.Send(request, [&](int64_t seq, std::shared_ptr<http::Exchange> exchange) {
      media_.Handle(request, seq, *exchange);
    });
  }

  MockHarness mock_;
  MediaEndpoint media_;
};

TEST_F(MediaEndpointTest, ServesTheResultFilePathsOnly) {
  EXPECT_TRUE(MediaEndpoint::Serves("/seedance/abc.mp4"));
  EXPECT_TRUE(MediaEndpoint::Serves("/seedance/abc.png"));
  EXPECT_FALSE(MediaEndpoint::Serves("/seedance/abc.txt"));
  EXPECT_FALSE(MediaEndpoint::Serves("/v1/seedance/videos"));
}

TEST_F(MediaEndpointTest, AnswersWithoutATokenAndJournalsTheStatus) {
  auto outcome = Get("/seedance/abc.mp4", {{"Range", "bytes=0-9"}});
  ASSERT_EQ(outcome->responses.size(), 1u);
  EXPECT_EQ(outcome->responses[0].status, 206);
  EXPECT_EQ(outcome->responses[0].body, SampleVideo().substr(0, 10));
  std::vector<JournalEntry> request = mock_.state.journal().Query({{"kind", "request"}}, 0);
  std::vector<JournalEntry> answer = mock_.state.journal().Query({{"kind", "response"}}, 0);
  ASSERT_EQ(request.size(), 1u);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].Text("request_seq"), absl::StrCat(request[0].seq));
  EXPECT_EQ(answer[0].Text("path"), "/seedance/abc.mp4");
  EXPECT_EQ(answer[0].Text("status"), "206");
}

TEST_F(MediaEndpointTest, AnotherMethodIsJournaledAs404) {
  auto outcome = Get("/seedance/abc.png", {}, "DELETE");
  ASSERT_EQ(outcome->responses.size(), 1u);
  EXPECT_EQ(outcome->responses[0].status, 404);
  EXPECT_EQ(mock_.state.journal().Query({{"kind", "response"}, {"status", "404"}}, 0).size(),
            1u);
}

TEST_F(MediaEndpointTest, WithAMediaDripTheFileComesSlowlyInPieces) {
  ASSERT_TRUE(mock_.state
                  .UpdateConfig(
                      [](MockConfig& c) {
                        c.media_drip_interval = absl::Milliseconds(20);
                        c.media_drip_chunk_bytes = 1000;
                        return absl::OkStatus();
                      },
                      false)
                  .ok());
  auto outcome = Get("/seedance/abc.mp4");
  ASSERT_EQ(outcome->faults, std::vector<std::string>{"drip"});
  EXPECT_EQ(outcome->drip_chunk_bytes, 1000u);
  EXPECT_EQ(outcome->drip_interval, absl::Milliseconds(20));
  // The whole answer, headers and all, ends with the whole file.
  EXPECT_TRUE(absl::StartsWith(outcome->raw_bytes, "HTTP/1.1 200"));
  EXPECT_TRUE(absl::EndsWith(outcome->raw_bytes, SampleVideo()));
  // A refusal is not dripped.
  auto missing = Get("/seedance/abc.mp4", {}, "DELETE");
  EXPECT_TRUE(missing->faults.empty());
}

}  // namespace
}  // namespace seedance::mock_upstream
