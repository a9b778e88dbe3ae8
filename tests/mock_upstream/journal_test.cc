#include "mock_upstream/journal.h"

#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"

namespace seedance::mock_upstream {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::SizeIs;

TEST(JournalTest, QueriesByFieldsKindAndSince) {
  testing::FakeClock clock;
  Journal journal(clock, 100);
  journal.Append("request", {{"path", "/v1/seedance/videos"}});
  journal.Append("callback", {{"task_id", "a"}, {"http_status", int64_t{200}}});
  journal.Append("callback", {{"task_id", "b"}, {"will_retry", true}});
  EXPECT_THAT(journal.Query({{"kind", "callback"}}, 0), SizeIs(2));
  EXPECT_THAT(journal.Query({{"task_id", "a"}, {"http_status", "200"}}, 0),
              ElementsAre(Field(&JournalEntry::seq, 2)));
  EXPECT_THAT(journal.Query({{"will_retry", "true"}}, 0),
              ElementsAre(Field(&JournalEntry::seq, 3)));
  EXPECT_THAT(journal.Query({}, 2), ElementsAre(Field(&JournalEntry::seq, 3)));
  EXPECT_EQ(journal.last_seq(), 3);
}

TEST(JournalTest, EntryJsonHasSeqTimeKindAndFields) {
  testing::FakeClock clock(absl::FromUnixMillis(1766361600250));
  Journal journal(clock, 10);
  journal.Append("callback", {{"task_id", "a\"b"}, {"attempt", int64_t{2}},
                              {"will_retry", false}});
  EXPECT_EQ(EntryToJson(journal.Query({}, 0).at(0)),
            R"({"seq":1,"at":1766361600.25,"kind":"callback","task_id":"a\"b",)"
            R"("attempt":2,"will_retry":false})");
}

TEST(JournalTest, WatchIsCalledWhenEnoughEntriesMatch) {
  testing::FakeClock clock;
  Journal journal(clock, 100);
  std::optional<std::vector<JournalEntry>> found;
  journal.Watch({{"kind", "callback"}, {"task_id", "a"}}, 0, 2,
                [&](std::vector<JournalEntry> entries) { found = std::move(entries); });
  journal.Append("callback", {{"task_id", "a"}});
  journal.Append("callback", {{"task_id", "b"}});
  EXPECT_FALSE(found.has_value());
  journal.Append("callback", {{"task_id", "a"}});
  ASSERT_TRUE(found.has_value());
  EXPECT_THAT(*found, ElementsAre(Field(&JournalEntry::seq, 1), Field(&JournalEntry::seq, 3)));
}

TEST(JournalTest, WatchOfWhatAlreadyHappenedIsCalledAtOnce) {
  testing::FakeClock clock;
  Journal journal(clock, 100);
  journal.Append("task", {{"status", "succeeded"}});
  bool called = false;
  uint64_t id = journal.Watch({{"status", "succeeded"}}, 0, 1,
                              [&](std::vector<JournalEntry>) { called = true; });
  EXPECT_TRUE(called);
  EXPECT_FALSE(journal.Cancel(id).first);
}

TEST(JournalTest, CancelReturnsWhatWasFoundSoFar) {
  testing::FakeClock clock;
  Journal journal(clock, 100);
  bool called = false;
  uint64_t id = journal.Watch({{"kind", "x"}}, 0, 3,
                              [&](std::vector<JournalEntry>) { called = true; });
  journal.Append("x", {});
  auto [waiting, found] = journal.Cancel(id);
  EXPECT_TRUE(waiting);
  EXPECT_THAT(found, SizeIs(1));
  journal.Append("x", {});
  journal.Append("x", {});
  EXPECT_FALSE(called);
}

TEST(JournalTest, KeepsOnlyTheNewestEntriesAndSeqGoesOnAfterClear) {
  testing::FakeClock clock;
  Journal journal(clock, 2);
  for (int i = 0; i < 5; ++i) journal.Append("x", {});
  EXPECT_THAT(journal.Query({}, 0),
              ElementsAre(Field(&JournalEntry::seq, 4), Field(&JournalEntry::seq, 5)));
  journal.Clear();
  EXPECT_THAT(journal.Query({}, 0), IsEmpty());
  EXPECT_EQ(journal.Append("x", {}), 6);
}

}  // namespace
}  // namespace seedance::mock_upstream
