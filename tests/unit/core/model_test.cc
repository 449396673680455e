#include "sync/model.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "sync/seen_products.h"
#include "sync/view_index.h"

namespace fct {
namespace {

nlohmann::json node(nlohmann::json quantity, nlohmann::json product_ref = "SKU-1") {
  return {{"ref", "VP-1"}, {"productRef", product_ref}, {"quantity", quantity}, {"status", "ACTIVE"},
          {"updatedOn", "2024-01-01T00:00:00Z"}};
}

TEST(VirtualPosition, ParsesAValidNode) {
  auto p = parse_virtual_position(node(17));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->product_ref, "SKU-1");
  EXPECT_EQ(p->quantity, 17);
  EXPECT_EQ(p->status, "ACTIVE");
  EXPECT_EQ(format_timestamp_utc(p->updated_on), "2024-01-01T00:00:00.000000000Z");
}

TEST(VirtualPosition, WholeFloatQuantityIsAccepted) {
  auto p = parse_virtual_position(node(5.0));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->quantity, 5);
}

TEST(VirtualPosition, BadInputIsNamed) {
  struct Case {
    nlohmann::json node;
    std::string expected;
  };
  std::vector<Case> cases = {
      {node(1, nullptr), "productRef is null"},
      {node(1, ""), "productRef is empty"},
      {node(1, std::string(300, 'x')), "300 characters long"},
      {node(1, 42), "productRef is not a string"},
      {node(-3), "quantity -3 is negative"},
      {node(nullptr), "quantity is null"},
      {node(2.5), "quantity 2.5 is fractional"},
      {node(nlohmann::json::parse("18446744073709551615")), "beyond int64"},
      {node(1e30), "beyond int64"},
      {node("12"), "is not a number"},
  };
  for (const auto& c : cases) {
    auto p = parse_virtual_position(c.node);
    ASSERT_FALSE(p.ok()) << c.node.dump();
    EXPECT_NE(p.error().message.find(c.expected), std::string::npos) << p.error().message;
    EXPECT_NE(p.error().message.find("virtual position VP-1"), std::string::npos) << p.error().message;
  }
}

TEST(VirtualPosition, InactivePublishesConfiguredQuantity) {
  VirtualPosition p{"VP", "SKU", 40, "INACTIVE", {}};
  EXPECT_EQ(desired_quantity(p, 0), 0);
  EXPECT_EQ(desired_quantity(p, 3), 3);
  p.status = "ACTIVE";
  EXPECT_EQ(desired_quantity(p, 0), 40);
}

TEST(VirtualPosition, NewestUpdatePerProductWins) {
  auto t = [](const char* s) { return *parse_timestamp(s); };
  std::vector<VirtualPosition> in = {
      {"a", "SKU-1", 1, "ACTIVE", t("2024-01-02T00:00:00Z")},
      {"b", "SKU-2", 2, "ACTIVE", t("2024-01-01T00:00:00Z")},
      {"c", "SKU-1", 3, "ACTIVE", t("2024-01-01T00:00:00Z")},  // older: loses
      {"d", "SKU-2", 4, "ACTIVE", t("2024-01-03T00:00:00Z")},  // newer: wins
  };
  auto out = newest_per_product(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].product_ref, "SKU-1");
  EXPECT_EQ(out[0].quantity, 1);
  EXPECT_EQ(out[1].product_ref, "SKU-2");
  EXPECT_EQ(out[1].quantity, 4);
}

TEST(SeenProducts, RepeatsAreReportedAndFalsePositivesAreRare) {
  SeenProducts seen;
  EXPECT_FALSE(seen.add("SKU-1"));
  EXPECT_TRUE(seen.add("SKU-1"));
  EXPECT_FALSE(seen.add("SKU-2"));
  // 200,000 distinct products: every one is new, up to a handful of false positives.
  int false_positives = 0;
  for (int i = 0; i < 200000; ++i) false_positives += seen.add("P-" + std::to_string(i)) ? 1 : 0;
  EXPECT_LT(false_positives, 10);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.add("P-" + std::to_string(i)));  // no false negatives
}

TEST(SeenProducts, FalsePositivesStayRareAtOneMillionProducts) {
  SeenProducts seen;
  int false_positives = 0;
  for (int i = 0; i < 1000000; ++i) false_positives += seen.add("SKU-" + std::to_string(i)) ? 1 : 0;
  // Each false positive costs one extra Fluent read (51 when this was written).
  EXPECT_LT(false_positives, 200) << false_positives;
  std::printf("false positives at 1M: %d\n", false_positives);
}

TEST(SeenProducts, PrefetchedKeysAnswerLikeProductRefs) {
  // The batch handler hashes a page once, prefetches, then adds by key.
  SeenProducts seen;
  std::vector<uint64_t> keys;
  for (int i = 0; i < 1000; ++i) {
    keys.push_back(SeenProducts::key("SKU-" + std::to_string(i)));
    seen.prefetch(keys.back());
  }
  for (uint64_t k : keys) EXPECT_FALSE(seen.add_key(k));
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.add("SKU-" + std::to_string(i)));
  EXPECT_EQ(SeenProducts::key("SKU-7"), SeenProducts::key(std::string("SKU-") + "7"));
}

TEST(PlanWrite, CreatesUpdatesOrSkips) {
  InventoryEntry e{"id-1", 3, "SKU-1", 10};
  auto create = plan_write("SKU-1", 5, nullptr);
  EXPECT_EQ(create.kind, WriteKind::kCreate);
  auto update = plan_write("SKU-1", 5, &e);
  EXPECT_EQ(update.kind, WriteKind::kUpdate);
  EXPECT_EQ(update.entry_id, "id-1");
  EXPECT_EQ(update.version, 3);
  EXPECT_EQ(update.quantity, 5);
  EXPECT_EQ(plan_write("SKU-1", 10, &e).kind, WriteKind::kUnchanged);
}

TEST(InventoryEntryParse, RejectsUnexpectedShape) {
  auto ok = parse_inventory_entry({{"id", "x"}, {"version", 2}, {"sku", "S"}, {"quantityOnStock", 4}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->quantity_on_stock, 4);
  auto bad = parse_inventory_entry({{"id", "x"}, {"sku", "S"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kProtocol);
}

}  // namespace
}  // namespace fct

namespace fct {
namespace {

TEST(ViewIndex, FindsInsertsAndGrowsPastItsFirstSize) {
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("SKU-" + std::to_string(i));
  ViewIndex index(4);  // far too small: it has to grow
  for (size_t i = 0; i < keys.size(); ++i) {
    auto [at, inserted] = index.try_emplace(keys[i], static_cast<uint32_t>(i));
    EXPECT_TRUE(inserted);
    EXPECT_EQ(*at, i);
  }
  EXPECT_EQ(index.size(), keys.size());
  auto [again, inserted] = index.try_emplace(std::string("SKU-7"), 99);
  EXPECT_FALSE(inserted);
  EXPECT_EQ(*again, 7u);
  for (size_t i = 0; i < keys.size(); ++i) ASSERT_NE(index.find(keys[i]), nullptr) << keys[i];
  EXPECT_EQ(*index.find("SKU-999"), 999u);
  EXPECT_EQ(index.find("SKU-1000"), nullptr);
  EXPECT_EQ(index.find(""), nullptr);
}

}  // namespace
}  // namespace fct
