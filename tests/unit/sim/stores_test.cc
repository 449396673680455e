#include <set>

#include <gtest/gtest.h>

#include "sim/ct_store.h"
#include "sim/fluent_store.h"

namespace fct::sim {
namespace {

PositionRecord position(const std::string& ref, const std::string& product, int64_t qty, Millis updated,
                        const std::string& catalogue = "ATS:1", const std::string& status = "ACTIVE") {
  PositionRecord p;
  p.ref = ref;
  p.product_ref = product;
  p.catalogue_ref = catalogue;
  p.quantity = qty;
  p.status = status;
  p.updated_on = updated;
  p.created_on = updated;
  return p;
}

class PositionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<PositionRecord> all;
    for (int i = 1; i <= 10; ++i) {
      all.push_back(position("VP-" + std::to_string(i), "SKU-" + std::to_string(i), i, 1000 * i, "ATS:1",
                             i % 5 == 0 ? "INACTIVE" : "ACTIVE"));
    }
    all.push_back(position("VP-X", "SKU-1", 99, 5000, "OTHER:1"));
    ASSERT_TRUE(store.replace_all(all).ok());
  }
  PositionStore store;
};

TEST_F(PositionStoreTest, PagesForwardWithCursors) {
  PositionFilter f;
  f.catalogue_ref = "ATS:1";
  PageRequest page;
  page.count = 4;
  std::vector<std::string> seen;
  bool more = true;
  int pages = 0;
  while (more) {
    auto result = store.find(f, page);
    for (const auto& p : result.items) seen.push_back(p.ref);
    more = result.has_next_page;
    if (!result.items.empty()) page.after = result.items.back().seq;
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 10u);
  EXPECT_EQ(seen.front(), "VP-1");
  EXPECT_EQ(seen.back(), "VP-10");
}

TEST_F(PositionStoreTest, FiltersByWindowStatusAndProduct) {
  PositionFilter f;
  f.catalogue_ref = "ATS:1";
  f.updated_from = 3000;
  f.updated_to = 6000;  // inclusive on both ends
  PageRequest page;
  auto r = store.find(f, page);
  ASSERT_EQ(r.items.size(), 4u);
  EXPECT_EQ(r.items.front().ref, "VP-3");
  EXPECT_EQ(r.items.back().ref, "VP-6");
  EXPECT_FALSE(r.has_next_page);

  f.statuses = {"ACTIVE"};
  EXPECT_EQ(store.find(f, page).items.size(), 3u);  // VP-5 is INACTIVE

  PositionFilter by_product;
  by_product.catalogue_ref = "ATS:1";
  by_product.product_refs = {"SKU-7", "SKU-2", "SKU-404"};
  r = store.find(by_product, page);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].ref, "VP-2");  // sequence order, not request order
  EXPECT_EQ(r.items[1].ref, "VP-7");

  PositionFilter other;
  other.catalogue_ref = "OTHER:1";
  EXPECT_EQ(store.find(other, page).items.size(), 1u);
  other.catalogue_ref = "NOPE";
  EXPECT_TRUE(store.find(other, page).items.empty());
}

TEST_F(PositionStoreTest, PagesBackward) {
  PositionFilter f;
  f.catalogue_ref = "ATS:1";
  PageRequest page;
  page.backward = true;
  page.count = 3;
  auto r = store.find(f, page);
  ASSERT_EQ(r.items.size(), 3u);
  EXPECT_EQ(r.items[0].ref, "VP-8");
  EXPECT_EQ(r.items[2].ref, "VP-10");
  EXPECT_TRUE(r.has_previous_page);
  page.before = r.items[0].seq;
  r = store.find(f, page);
  EXPECT_EQ(r.items[0].ref, "VP-5");
}

TEST_F(PositionStoreTest, TouchIsDeterministicAndKeepsOrder) {
  auto before = store.all();
  auto touched = store.touch_random(3, 7, std::string("ATS:1"), std::nullopt, 99999);
  ASSERT_EQ(touched.size(), 3u);
  std::set<std::string> refs;
  for (const auto& t : touched) refs.insert(t.ref);
  EXPECT_EQ(refs.size(), 3u);  // distinct
  for (const auto& t : touched) {
    auto p = store.get("ATS:1", t.ref);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->updated_on, 99999);
    EXPECT_EQ(p->quantity, t.quantity);
    for (const auto& b : before) {
      if (b.ref == t.ref && b.catalogue_ref == "ATS:1") {
        EXPECT_NE(b.quantity, t.quantity);
        EXPECT_EQ(b.seq, p->seq);  // position keeps its place in the paging order
      }
    }
  }
  PositionStore again;
  std::vector<PositionRecord> copy;
  for (auto b : before) {
    b.seq = 0;
    copy.push_back(b);
  }
  ASSERT_TRUE(again.replace_all(copy).ok());
  auto touched2 = again.touch_random(3, 7, std::string("ATS:1"), std::nullopt, 99999);
  ASSERT_EQ(touched2.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(touched2[i].ref, touched[i].ref);

  auto by_product = store.touch_products({"SKU-1"}, std::nullopt, 0, std::string("INACTIVE"), 123);
  EXPECT_EQ(by_product.size(), 2u);  // one per catalogue
  EXPECT_EQ(store.get("OTHER:1", "VP-X")->status, "INACTIVE");
}

TEST(PositionStore, RejectsDuplicatesAndUpdatesInPlace) {
  PositionStore store;
  EXPECT_FALSE(store.replace_all({position("A", "S", 1, 0), position("A", "S2", 2, 0)}).ok());
  ASSERT_TRUE(store.put(position("A", "S", 1, 0)).ok());
  ASSERT_TRUE(store.put(position("B", "T", 1, 0)).ok());
  ASSERT_TRUE(store.put(position("A", "S9", 5, 10)).ok());
  EXPECT_EQ(store.size(), 2u);
  auto a = store.get("ATS:1", "A");
  EXPECT_EQ(a->product_ref, "S9");
  EXPECT_EQ(a->seq, 1u);
  PositionFilter f;
  f.catalogue_ref = "ATS:1";
  f.product_refs = {"S9"};
  EXPECT_EQ(store.find(f, PageRequest{}).items.size(), 1u);
  f.product_refs = {"S"};
  EXPECT_EQ(store.find(f, PageRequest{}).items.size(), 0u);
}

TEST(SettingStore, CreateUpdateFind) {
  SettingStore store;
  SettingRecord s;
  s.name = "fc.x";
  s.context = "RETAILER";
  s.context_id = 1;
  s.value_type = "JSON";
  s.lob_value = {{"a", 1}};
  auto created = store.create(s);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created.value().id, 1);
  EXPECT_EQ(store.create(s).error().code, ErrorCode::kDuplicate);
  SettingPatch patch;
  patch.lob_value = nlohmann::json{{"b", 2}};
  auto updated = store.update(1, patch);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated.value().lob_value, (nlohmann::json{{"b", 2}}));
  EXPECT_EQ(updated.value().name, "fc.x");
  EXPECT_EQ(store.update(9, patch).error().code, ErrorCode::kNotFound);
  SettingFilter f;
  f.names = {"fc.x"};
  f.context_ids = {1};
  EXPECT_EQ(store.find(f).size(), 1u);
  f.context_ids = {2};
  EXPECT_EQ(store.find(f).size(), 0u);
}

class CtStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChannelRecord a, b;
    a.id = "chan-a";
    a.key = "ct-fluent-channel";
    b.id = "chan-b";
    b.key = "other-channel";
    ASSERT_TRUE(store.replace_channels({a, b}).ok());
    for (int i = 1; i <= 5; ++i) {
      EntryDraft d;
      d.sku = "SKU-" + std::to_string(i);
      d.quantity_on_stock = i;
      d.supply_channel = ResourceRef{std::string("chan-a"), std::nullopt};
      ASSERT_TRUE(store.create(d, 1000).ok());
    }
    EntryDraft other;
    other.sku = "SKU-1";
    other.supply_channel = ResourceRef{std::nullopt, std::string("other-channel")};
    ASSERT_TRUE(store.create(other, 1000).ok());
    EntryDraft none;
    none.sku = "SKU-1";
    ASSERT_TRUE(store.create(none, 1000).ok());
  }
  CtResult<EntryPage> query(const std::string& where, int64_t limit = 20) {
    EntryQuery q;
    q.where = where;
    q.limit = limit;
    return store.query(q);
  }
  CtStore store{42};
};

TEST_F(CtStoreTest, QueriesWithPredicates) {
  auto r = query("sku in (\"SKU-1\", \"SKU-3\") and supplyChannel(id=\"chan-a\")");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r.value().total, 2);
  EXPECT_EQ(r.value().results[0].sku, "SKU-1");
  EXPECT_EQ(r.value().results[1].sku, "SKU-3");
  EXPECT_EQ(query("sku = \"SKU-1\"").value().total, 3);
  EXPECT_EQ(query("sku = \"SKU-1\" and supplyChannel is not defined").value().total, 1);
  EXPECT_EQ(query("supplyChannel(id = \"chan-a\") and quantityOnStock >= 4").value().total, 2);
  EXPECT_EQ(query("").value().total, 7);
  auto limited = query("supplyChannel is defined", 2);
  EXPECT_EQ(limited.value().total, 6);
  EXPECT_EQ(limited.value().results.size(), 2u);
}

// reserve() only sizes the indexes: entries, lookups and the one-entry-per-
// (sku, channel) rule are unchanged, before and after it.
TEST_F(CtStoreTest, ReserveKeepsEntriesAndRules) {
  store.reserve(100000);
  EXPECT_EQ(store.entry_count(), 7u);
  EXPECT_EQ(query("sku = \"SKU-1\"").value().total, 3);
  EntryDraft dup;
  dup.sku = "SKU-2";
  dup.supply_channel = ResourceRef{std::string("chan-a"), std::nullopt};
  auto again = store.create(dup, 2000);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "DuplicateField");
  dup.sku = "SKU-NEW";
  auto created = store.create(dup, 2000);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created.value().sku, "SKU-NEW");
  EXPECT_EQ(created.value().supply_channel_id, "chan-a");
  EXPECT_EQ(store.entry(ResourceRef{created.value().id, std::nullopt})->sku, "SKU-NEW");
  EXPECT_EQ(store.entry_count(), 8u);
}

TEST_F(CtStoreTest, RejectsBadQueries) {
  auto r = query("sku = ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidInput");
  EXPECT_EQ(r.error().message.rfind("Malformed parameter: where: ", 0), 0u) << r.error().message;
  EXPECT_EQ(query("colour = \"red\"").error().code, "InvalidInput");
  EXPECT_EQ(query("quantityOnStock = \"5\"").error().code, "InvalidInput");
  EXPECT_EQ(query("", 501).error().code, "InvalidInput");
  EntryQuery q;
  q.offset = 10001;
  EXPECT_EQ(store.query(q).error().code, "InvalidInput");
  q.offset = 0;
  q.sort = {"colour asc"};
  EXPECT_EQ(store.query(q).error().code, "InvalidInput");
}

TEST_F(CtStoreTest, SortsResults) {
  EntryQuery q;
  q.where = "supplyChannel(id = \"chan-a\")";
  q.sort = {"quantityOnStock desc"};
  auto r = store.query(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().results.front().sku, "SKU-5");
}

TEST_F(CtStoreTest, DuplicateAndUnknownChannel) {
  EntryDraft d;
  d.sku = "SKU-2";
  d.supply_channel = ResourceRef{std::nullopt, std::string("ct-fluent-channel")};
  auto dup = store.create(d, 2000);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "DuplicateField");
  EXPECT_EQ(dup.error().extra["field"], "sku");
  EXPECT_TRUE(dup.error().extra.contains("conflictingResource"));
  d.supply_channel = ResourceRef{std::string("nope"), std::nullopt};
  EXPECT_EQ(store.create(d, 2000).error().code, "ReferencedResourceNotFound");
}

TEST_F(CtStoreTest, UpdatesWithVersions) {
  auto e = query("sku = \"SKU-2\" and supplyChannel(id = \"chan-a\")").value().results.at(0);
  EntryAction change;
  change.kind = EntryAction::Kind::kChangeQuantity;
  change.quantity = 40;
  auto updated = store.update(ResourceRef{e.id, std::nullopt}, 1, {change}, 3000);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated.value().version, 2);
  EXPECT_EQ(updated.value().quantity_on_stock, 40);
  EXPECT_EQ(updated.value().available_quantity, 40);
  EXPECT_EQ(updated.value().last_modified_at, 3000);
  auto stale = store.update(ResourceRef{e.id, std::nullopt}, 1, {change}, 3000);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, "ConcurrentModification");
  EXPECT_EQ(stale.error().extra["currentVersion"], 2);
  EXPECT_EQ(stale.error().message, "Object " + e.id + " has a different version than expected. Expected: 1 - Actual: 2.");
  EntryAction add;
  add.kind = EntryAction::Kind::kAddQuantity;
  add.quantity = 2;
  EntryAction remove = add;
  remove.kind = EntryAction::Kind::kRemoveQuantity;
  remove.quantity = 5;
  auto r = store.update(ResourceRef{e.id, std::nullopt}, 2, {add, remove}, 3001);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().quantity_on_stock, 37);
  EXPECT_EQ(r.value().version, 3);
  auto missing = store.update(ResourceRef{std::string("nope"), std::nullopt}, 1, {change}, 0);
  EXPECT_EQ(missing.error().code, "ResourceNotFound");
  EXPECT_EQ(missing.error().message, "The InventoryEntry with ID 'nope' was not found.");
  std::vector<EntryAction> many(501, change);
  EXPECT_EQ(store.update(ResourceRef{e.id, std::nullopt}, 3, many, 0).error().code, "InvalidInput");
  auto deleted = store.remove(ResourceRef{e.id, std::nullopt}, 3);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(query("sku = \"SKU-2\"").value().total, 0);
}

TEST_F(CtStoreTest, FaultHelpers) {
  auto e = query("sku = \"SKU-3\" and supplyChannel(id = \"chan-a\")").value().results.at(0);
  ASSERT_TRUE(store.concurrent_write(ResourceRef{e.id, std::nullopt}, 5));
  EXPECT_EQ(store.entry(ResourceRef{e.id, std::nullopt})->version, 2);
  EntryDraft d;
  d.sku = "NEW";
  d.quantity_on_stock = 3;
  d.supply_channel = ResourceRef{std::string("chan-a"), std::nullopt};
  ASSERT_TRUE(store.create_racing_duplicate(d, 5));
  EXPECT_FALSE(store.create_racing_duplicate(d, 5));
  auto dup = store.create(d, 6);
  EXPECT_EQ(dup.error().code, "DuplicateField");
}

TEST(CtStore, ReplaceEntriesResolvesChannelKeys) {
  CtStore store(1);
  ChannelRecord c;
  c.key = "k";
  ASSERT_TRUE(store.replace_channels({c}).ok());
  const std::string id = store.channels().at(0).id;
  InventoryEntryRecord e;
  e.sku = "A";
  e.supply_channel_id = "k";
  ASSERT_TRUE(store.replace_entries({e}).ok());
  EXPECT_EQ(store.entries().at(0).supply_channel_id, id);
  EXPECT_FALSE(store.entries().at(0).id.empty());
  InventoryEntryRecord bad = e;
  bad.supply_channel_id = "missing";
  EXPECT_FALSE(store.replace_entries({bad}).ok());
  EXPECT_FALSE(store.replace_entries({e, e}).ok());
  EXPECT_EQ(store.entry_count(), 1u);  // a failed replace changes nothing
}

}  // namespace
}  // namespace fct::sim
