#include "base/directory_lock.h"

#include <unistd.h>

#include <optional>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::StatusIs;
using ::testing::HasSubstr;

// flock locks belong to an open file, so a second Acquire in this process
// meets the first one as another process would.
TEST(DirectoryLockTest, OneHolderAtATimeAndFreeAgainWhenReleased) {
  testing::TempDir dir;
  std::optional<absl::StatusOr<DirectoryLock>> first = DirectoryLock::Acquire(dir.path());
  ASSERT_THAT(first->status(), IsOk());
  EXPECT_THAT(DirectoryLock::Acquire(dir.path()).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr(absl::StrCat("in use by another process (pid ", getpid(), ")"))));
  first.reset();
  EXPECT_THAT(DirectoryLock::Acquire(dir.path()).status(), IsOk());
}

TEST(DirectoryLockTest, AMissingDirectoryIsUnavailable) {
  EXPECT_THAT(DirectoryLock::Acquire("/nonexistent/seedance").status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot open")));
}

}  // namespace
}  // namespace seedance
