// GoogleMock matchers for absl::Status and absl::StatusOr (Abseil 20220623
// ships none):
//
//   EXPECT_THAT(ParseVideosRequest(json), IsOk());
//   EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
//                                HasSubstr("duration")));
//   EXPECT_THAT(ParseInt("7"), IsOkAndHolds(7));
#ifndef SEEDANCE_TESTS_TESTING_STATUS_MATCHERS_H_
#define SEEDANCE_TESTS_TESTING_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace seedance::testing {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "which is " << status;
  return status.ok();
}

MATCHER_P(StatusIs, code,
          "has code " + absl::StatusCodeToString(static_cast<absl::StatusCode>(code))) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "which is " << status;
  return status.code() == code;
}

MATCHER_P2(StatusIs, code, message_matcher,
           "has code " +
               absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) +
               " and a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "which is " << status;
  return status.code() == code &&
         ::testing::Matches(message_matcher)(std::string(status.message()));
}

MATCHER_P(IsOkAndHolds, value_matcher, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "which is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value_matcher, *arg, result_listener);
}

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_STATUS_MATCHERS_H_
