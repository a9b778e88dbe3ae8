// Assumption: a block of checks that rests on a guess about the upstream
// (the provider family's behaviour, a reasonable default), not on what its
// guide documents. Where the guesses are the point (the mock, which
// implements them), a failed check fails the test as any other. Pointed at
// the real provider, the contract suite instead reports a failed assumption
// as a finding about the provider and the test goes on, so that its verdict
// is the documented checks alone:
//
//   {
//     Assumption a("429 carries Retry-After", "sibling API", findings_only);
//     EXPECT_EQ(r.Header("Retry-After"), "7");
//   }  // findings_only: printed "assumption NOT HELD: ..." and counted
//
// Failures are intercepted on the current thread only (gtest-spi). Put the
// documented checks before the block: everything after it in its scope is
// an assumption. An ASSERT_* inside ends the test there, and a GTEST_SKIP
// inside would count as not held, so use EXPECT_* and skip outside.
#ifndef SEEDANCE_TESTS_TESTING_ASSUMPTION_H_
#define SEEDANCE_TESTS_TESTING_ASSUMPTION_H_

#include <atomic>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"

namespace seedance::testing {

class Assumption {
 public:
  Assumption(std::string what, std::string source, bool findings_only)
      : what_(std::move(what)), source_(std::move(source)) {
    ++Checked();
    if (findings_only) {
      intercept_ = std::make_unique<::testing::ScopedFakeTestPartResultReporter>(
          ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD,
          &failures_);
    }
  }
  ~Assumption() {
    if (intercept_ == nullptr) return;
    intercept_.reset();  // report to gtest again
    if (failures_.size() == 0) return;
    ++NotHeld();
    std::cout << "assumption NOT HELD (a finding about the provider, not a failure): "
              << what_ << " [source: " << source_ << "]\n";
    for (int i = 0; i < failures_.size(); ++i) {
      std::cout << "  " << failures_.GetTestPartResult(i).message() << "\n";
    }
    ::testing::Test::RecordProperty("assumption_not_held", what_);
  }
  Assumption(const Assumption&) = delete;
  Assumption& operator=(const Assumption&) = delete;

  // How many assumption blocks ran, and how many did not hold (findings).
  static std::atomic<int>& Checked() {
    static std::atomic<int> n{0};
    return n;
  }
  static std::atomic<int>& NotHeld() {
    static std::atomic<int> n{0};
    return n;
  }

 private:
  std::string what_;
  std::string source_;
  ::testing::TestPartResultArray failures_;
  std::unique_ptr<::testing::ScopedFakeTestPartResultReporter> intercept_;
};

}  // namespace seedance::testing

#endif  // SEEDANCE_TESTS_TESTING_ASSUMPTION_H_
