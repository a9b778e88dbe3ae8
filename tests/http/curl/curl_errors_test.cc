// The CURLcode -> Status edge, table-driven: each failure's code by retry
// meaning, whether it counts as never sent, and that messages name the safe
// URL and never a secret. (The same mapping over real sockets is in
// curl_multi_transport_test.cc.)
#include "http/curl/curl_errors.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace seedance::http::curl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A transfer set up but never performed: libcurl reports 0 bytes sent.
std::unique_ptr<Transfer> UnsentTransfer() {
  HttpCall call;
  call.method = "POST";
  call.url = "https://user:pw@api.test/v1/seedance/videos?key=secret-key";
  call.headers = {{"authorization", "Bearer secret-token"}};
  call.timeout = absl::Seconds(30);
  call.connect_timeout = absl::Seconds(10);
  return NewTransfer(CurlMultiTransport::Options{}, 1, std::move(call), nullptr);
}

TEST(CurlErrorsTest, EachFailureMapsToItsCodeAndSentness) {
  struct Case {
    CURLcode code;
    absl::StatusCode status;
    bool never_sent;
  };
  const Case cases[] = {
      {CURLE_URL_MALFORMAT, absl::StatusCode::kInvalidArgument, true},
      {CURLE_COULDNT_RESOLVE_HOST, absl::StatusCode::kUnavailable, true},
      {CURLE_COULDNT_CONNECT, absl::StatusCode::kUnavailable, true},
      // Unsent, with the connect timeout shorter: it was the connect timeout.
      {CURLE_OPERATION_TIMEDOUT, absl::StatusCode::kUnavailable, true},
      {CURLE_PEER_FAILED_VERIFICATION, absl::StatusCode::kUnavailable, true},
      {CURLE_SSL_CONNECT_ERROR, absl::StatusCode::kUnavailable, true},
      {CURLE_GOT_NOTHING, absl::StatusCode::kUnavailable, true},
      {CURLE_RECV_ERROR, absl::StatusCode::kUnavailable, true},
      {CURLE_FILESIZE_EXCEEDED, absl::StatusCode::kResourceExhausted, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(curl_easy_strerror(c.code));
    std::unique_ptr<Transfer> transfer = UnsentTransfer();
    ASSERT_TRUE(transfer->setup_status.ok()) << transfer->setup_status;
    absl::Status status = FailureStatus(*transfer, c.code);
    EXPECT_EQ(status.code(), c.status) << status;
    EXPECT_EQ(RequestNeverSent(status), c.never_sent) << status;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr("POST https://api.test/v1/seedance/videos: "));
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret")));
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("user:pw")));
  }
}

TEST(CurlErrorsTest, ARefusedPeerIsPermissionDenied) {
  std::unique_ptr<Transfer> transfer = UnsentTransfer();
  transfer->refused_peer = "10.0.0.1";
  absl::Status status = FailureStatus(*transfer, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(status.message()), HasSubstr("10.0.0.1"));
  // Once some address was allowed, the failure is an ordinary connect failure.
  transfer->allowed_peers = 1;
  EXPECT_EQ(FailureStatus(*transfer, CURLE_COULDNT_CONNECT).code(),
            absl::StatusCode::kUnavailable);
}

TEST(CurlErrorsTest, ShutdownIsFailedPrecondition) {
  std::unique_ptr<Transfer> transfer = UnsentTransfer();
  absl::Status status = ShutdownStatus(*transfer);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace seedance::http::curl
