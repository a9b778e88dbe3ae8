#include "server/callers/keyring.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace seedance::server::callers {
namespace {

using ::seedance::testing::IsOk;
using ::seedance::testing::IsOkAndHolds;
using ::seedance::testing::StatusIs;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::HasSubstr;

TEST(KeyringTest, OwnerIdsAreStableKeyedAndOpaque) {
  Keyring a = Keyring::FromMasterKey("master-a");
  Keyring b = Keyring::FromMasterKey("master-b");
  EXPECT_EQ(a.OwnerId("token-1"), a.OwnerId("token-1"));
  EXPECT_NE(a.OwnerId("token-1"), a.OwnerId("token-2"));
  EXPECT_NE(a.OwnerId("token-1"), b.OwnerId("token-1"));
  EXPECT_THAT(a.OwnerId("token-1"), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(a.OwnerId("token-1"), Not(HasSubstr("token")));
}

TEST(KeyringTest, SealedCredentialsOpenOnlyWithTheSameKey) {
  Keyring a = Keyring::FromMasterKey("master-a");
  absl::StatusOr<std::string> sealed = a.Seal("sk-secret-token");
  ASSERT_THAT(sealed, IsOk());
  EXPECT_THAT(*sealed, Not(HasSubstr("sk-secret-token")));
  EXPECT_NE(*a.Seal("sk-secret-token"), *sealed);  // fresh nonce each time
  EXPECT_THAT(a.Open(*sealed), IsOkAndHolds(std::string("sk-secret-token")));
  EXPECT_THAT(Keyring::FromMasterKey("master-b").Open(*sealed),
              StatusIs(absl::StatusCode::kDataLoss));
  std::string tampered = *sealed;
  tampered[tampered.size() / 2] ^= 1;
  EXPECT_THAT(a.Open(tampered), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(a.Open("short"), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(a.Open(*a.Seal("")), IsOkAndHolds(std::string("")));
}

TEST(KeyringTest, MasterKeyFileIsCreatedPrivateAndReused) {
  testing::TempDir dir;
  std::string path = dir.path() + "/master.key";
  absl::StatusOr<Keyring> first = Keyring::LoadOrCreate(path);
  ASSERT_THAT(first, IsOk());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  absl::StatusOr<Keyring> second = Keyring::LoadOrCreate(path);
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(first->OwnerId("t"), second->OwnerId("t"));
  EXPECT_THAT(second->Open(*first->Seal("x")), IsOkAndHolds(std::string("x")));
}

TEST(KeyringTest, GatewaysCreatingOneKeyFileAtOnceAllGetTheSameKey) {
  constexpr int kGateways = 8;
  for (int round = 0; round < 20; ++round) {
    testing::TempDir dir;
    std::string path = dir.path() + "/master.key";
    std::vector<absl::StatusOr<Keyring>> keys(kGateways, absl::UnknownError("not run"));
    absl::Notification go;
    std::vector<std::thread> threads;
    for (int i = 0; i < kGateways; ++i) {
      threads.emplace_back([&, i] {
        go.WaitForNotification();
        keys[i] = Keyring::LoadOrCreate(path);
      });
    }
    go.Notify();
    for (std::thread& t : threads) t.join();
    for (int i = 0; i < kGateways; ++i) {
      ASSERT_THAT(keys[i], IsOk()) << "round " << round;
      EXPECT_EQ(keys[i]->OwnerId("token"), keys[0]->OwnerId("token"));
    }
    // No temporary file is left behind.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                            std::filesystem::directory_iterator()),
              1);
  }
}

TEST(KeyringTest, DamagedMasterKeyIsRefused) {
  testing::TempDir dir;
  std::string path = dir.path() + "/master.key";
  std::ofstream(path) << "too short";
  EXPECT_THAT(Keyring::LoadOrCreate(path), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(Keyring::LoadOrCreate(dir.path() + "/no/such/dir/master.key"),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST(KeyringTest, ConstantTimeEqualsComparesContent) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

// FIPS 180-2's test vectors, as lowercase hex.
TEST(KeyringTest, Sha256HexMatchesTheStandardsVectors) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

}  // namespace
}  // namespace seedance::server::callers
