#include "sync/synced_tail.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace fct {
namespace {

using namespace std::chrono;

Timestamp at(int64_t seconds) { return Timestamp(duration_cast<nanoseconds>(std::chrono::seconds(seconds))); }

TEST(SyncedTail, RemembersOnlyPositionsInTheTail) {
  SyncedTail tail(at(1000), 10);
  tail.remember("OLD", at(999), 1);
  tail.remember("EDGE", at(1000), 2);
  tail.remember("NEW", at(1200), 3);
  ASSERT_TRUE(tail.complete());
  auto kept = tail.take();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].sku, "EDGE");
  EXPECT_EQ(kept[1].sku, "NEW");
  EXPECT_EQ(kept[1].updated_on, at(1200));
  EXPECT_EQ(kept[1].quantity, 3);
}

TEST(SyncedTail, ConfirmsOnlyTheSameUpdateAndQuantity) {
  SyncedTail tail(at(0), 10);
  tail.use_previous({{"A", at(50), 5}, {"B", at(60), 0}});
  EXPECT_EQ(tail.previous_size(), 2u);
  EXPECT_TRUE(tail.confirmed("A", at(50), 5));
  EXPECT_FALSE(tail.confirmed("A", at(51), 5)) << "updated again since";
  EXPECT_FALSE(tail.confirmed("A", at(50), 6)) << "same update, other quantity (e.g. status mapping changed)";
  EXPECT_TRUE(tail.confirmed("B", at(60), 0));
  EXPECT_FALSE(tail.confirmed("C", at(50), 5)) << "not in the previous tail";
}

TEST(SyncedTail, ARepeatedProductRefMatchesOnlyItsNewestPosition) {
  SyncedTail tail(at(0), 10);
  // The previous run wrote B's newest position last, whatever the order it remembered them in.
  tail.use_previous({{"B", at(70), 9}, {"B", at(60), 4}, {"A", at(10), 1}, {"A", at(20), 2}});
  EXPECT_TRUE(tail.confirmed("B", at(70), 9));
  EXPECT_FALSE(tail.confirmed("B", at(60), 4));
  EXPECT_TRUE(tail.confirmed("A", at(20), 2));
  EXPECT_FALSE(tail.confirmed("A", at(10), 1));
}

TEST(SyncedTail, OutgrowingTheLimitDropsTheWholeTail) {
  SyncedTail tail(at(0), 2);
  tail.remember("A", at(1), 1);
  tail.remember("B", at(2), 2);
  EXPECT_TRUE(tail.complete());
  tail.remember("C", at(3), 3);
  EXPECT_FALSE(tail.complete());
  tail.remember("D", at(4), 4);
  EXPECT_FALSE(tail.complete());
  EXPECT_TRUE(tail.take().empty());
}

TEST(SyncedTail, LimitZeroTurnsItOff) {
  SyncedTail tail(at(0), 0);
  tail.use_previous({{"A", at(50), 5}});
  EXPECT_FALSE(tail.confirmed("A", at(50), 5));
  tail.remember("A", at(50), 5);
  EXPECT_FALSE(tail.complete());
}

TEST(SyncedTail, EmptyPreviousConfirmsNothing) {
  SyncedTail tail(at(0), 10);
  EXPECT_FALSE(tail.confirmed("A", at(50), 5));
}

class SqliteSyncedTail : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fct-tail-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(SqliteSyncedTail, SavesReplacesAndSurvivesReopening) {
  {
    auto store = open_sqlite_store(dir_.string());
    ASSERT_TRUE(store.ok()) << store.error().message;
    auto none = (*store)->load_synced_tail("job", "ACME", "1");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
    Timestamp t = at(1700000000) + nanoseconds(123456789);
    ASSERT_TRUE((*store)->save_synced_tail("job", "ACME", "1", {"2024-01-01T00:00:00Z", {{"A", t, 5}, {"B\"\\é", t, 0}}}).ok());
    ASSERT_TRUE((*store)->save_synced_tail("job", "ACME", "2", {"2024-01-02T00:00:00Z", {{"X", t, 1}}}).ok());
    // Replaced as a whole.
    ASSERT_TRUE((*store)->save_synced_tail("job", "ACME", "1", {"2024-01-03T00:00:00Z", {{"B\"\\é", t, 7}, {"C", at(5), 1}}}).ok());
  }
  auto store = open_sqlite_store(dir_.string());
  ASSERT_TRUE(store.ok());
  auto tail = (*store)->load_synced_tail("job", "ACME", "1");
  ASSERT_TRUE(tail.ok()) << tail.error().message;
  ASSERT_TRUE(tail->has_value());
  EXPECT_EQ((*tail)->window_to, "2024-01-03T00:00:00Z");
  ASSERT_EQ((*tail)->positions.size(), 2u);
  std::map<std::string, SyncedPosition> by_sku;
  for (auto& p : (*tail)->positions) by_sku[p.sku] = p;
  ASSERT_EQ(by_sku.count("B\"\\é"), 1u);
  EXPECT_EQ(by_sku["B\"\\é"].quantity, 7);
  EXPECT_EQ(by_sku["B\"\\é"].updated_on, at(1700000000) + nanoseconds(123456789));
  EXPECT_EQ(by_sku["C"].updated_on, at(5));
  auto other = (*store)->load_synced_tail("job", "ACME", "2");
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_EQ((*other)->positions.size(), 1u);
  // An empty tail is a tail: the window is recorded, nothing to skip.
  ASSERT_TRUE((*store)->save_synced_tail("job", "ACME", "2", {"2024-01-04T00:00:00Z", {}}).ok());
  other = (*store)->load_synced_tail("job", "ACME", "2");
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_EQ((*other)->window_to, "2024-01-04T00:00:00Z");
  EXPECT_TRUE((*other)->positions.empty());
}

}  // namespace
}  // namespace fct
