#include "sync/inventory_writer.h"

#include <gtest/gtest.h>

#include "fake_ct.h"
#include "graphql/graphql.h"
#include "runtime/config.h"

namespace fct {
namespace {

class WriterTest : public ::testing::Test {
 protected:
  WriterTest()
      : transport_([this](const net::HttpRequest& r) { return ct_.answer(r); }),
        client_(transport_, tokens_, "http://ct/graphql", "commercetools", counts_) {}

  InventoryDocuments documents() {
    auto config = load_config("");
    const Route& route = *config->route("batch-inventory-sync");
    InventoryDocuments d;
    d.lookup = *config->document(route, "query-inventories");
    d.create = *graphql::parse(*config->document(route, "mutation-create-inventory"));
    d.update = *graphql::parse(*config->document(route, "mutation-update-inventory"));
    return d;
  }

  std::unique_ptr<InventoryWriter> writer(WriterOptions options = {}) {
    return std::make_unique<InventoryWriter>(client_, documents(), "channel-1", options);
  }

  static std::vector<DesiredQuantity> items(int n, int64_t quantity, int first = 0) {
    std::vector<DesiredQuantity> out;
    for (int i = first; i < first + n; ++i) out.push_back({"SKU-" + std::to_string(i), quantity});
    return out;
  }

  testing::FakeCt ct_;
  testing::StaticTokens tokens_;
  net::ScriptedTransport transport_;
  RequestCounts counts_;
  GraphQLClient client_;
};

TEST_F(WriterTest, CreatesUpdatesAndSkipsInBatches) {
  ct_.entries["SKU-0"] = {"id-a", 4, 10};  // equal: unchanged
  ct_.entries["SKU-1"] = {"id-b", 2, 99};  // different: update
  WriterOptions o;
  o.lookup_batch = 100;
  o.write_batch = 50;
  auto w = writer(o);
  w->add(items(120, 10));
  w->finish();
  EXPECT_EQ(w->stats().unchanged, 1u);
  EXPECT_EQ(w->stats().updated, 1u);
  EXPECT_EQ(w->stats().created, 118u);
  EXPECT_EQ(w->stats().failed, 0u);
  EXPECT_EQ(ct_.entries.size(), 120u);
  EXPECT_EQ(ct_.entries["SKU-1"].quantity, 10);
  EXPECT_EQ(ct_.entries["SKU-1"].version, 3);
  auto counts = counts_.snapshot();
  EXPECT_EQ(counts["ct.inventoryEntries"], 2u);        // 120 SKUs / 100 per lookup
  EXPECT_EQ(counts["ct.createInventoryEntry"], 3u);    // 118 creates / 50 per request
  EXPECT_EQ(counts["ct.updateInventoryEntry"], 1u);
  // Never one lookup per SKU.
  EXPECT_LE(transport_.request_count(), 6u);
}

TEST_F(WriterTest, LookupPredicateNamesSkusAndChannel) {
  auto w = writer();
  w->add({{"A\"quote", 1}});
  w->finish();
  auto first = nlohmann::json::parse(transport_.requests().front().body);
  EXPECT_EQ(first["variables"]["where"], "sku in (\"A\\\"quote\") and supplyChannel(id=\"channel-1\")");
  EXPECT_EQ(first["variables"]["limit"], 1);
}

TEST_F(WriterTest, ConcurrentModificationReappliesAtCurrentVersion) {
  ct_.entries["SKU-0"] = {"id-a", 1, 5};
  ct_.race_update.insert("SKU-0");
  auto w = writer();
  w->add(items(1, 7));
  w->finish();
  EXPECT_EQ(w->stats().updated, 1u);
  EXPECT_EQ(w->stats().conflicts_resolved, 1u);
  EXPECT_EQ(ct_.entries["SKU-0"].quantity, 7);  // Fluent wins over the concurrent writer
  EXPECT_EQ(ct_.entries["SKU-0"].version, 3);
}

TEST_F(WriterTest, DuplicateOnCreateRereadsAndUpdates) {
  ct_.race_create.insert("SKU-0");
  auto w = writer();
  w->add(items(1, 7));
  w->finish();
  EXPECT_EQ(w->stats().created, 0u);
  EXPECT_EQ(w->stats().updated, 1u);
  EXPECT_EQ(ct_.entries.size(), 1u);  // never a duplicate
  EXPECT_EQ(ct_.entries["SKU-0"].quantity, 7);
  EXPECT_EQ(ct_.lookups_of["SKU-0"], 2);
}

TEST_F(WriterTest, RejectedItemIsReportedWithSkuAndReasonOthersProceed) {
  ct_.reject.insert("SKU-3");
  auto w = writer();
  w->add(items(5, 2));
  w->finish();
  EXPECT_EQ(w->stats().created, 4u);
  EXPECT_EQ(w->stats().failed, 1u);
  ASSERT_EQ(w->failures().size(), 1u);
  EXPECT_EQ(w->failures()[0].sku, "SKU-3");
  EXPECT_NE(w->failures()[0].reason.find("InvalidInput"), std::string::npos) << w->failures()[0].reason;
}

TEST_F(WriterTest, DryRunWritesNothing) {
  ct_.entries["SKU-1"] = {"id-b", 2, 99};
  WriterOptions o;
  o.dry_run = true;
  auto w = writer(o);
  w->add(items(3, 1));
  w->finish();
  EXPECT_EQ(w->stats().created, 2u);
  EXPECT_EQ(w->stats().updated, 1u);
  EXPECT_EQ(ct_.entries.size(), 1u);
  EXPECT_EQ(ct_.entries["SKU-1"].quantity, 99);
  EXPECT_EQ(w->planned().size(), 3u);
  EXPECT_EQ(counts_.snapshot().count("ct.createInventoryEntry"), 0u);
}

TEST_F(WriterTest, ServerErrorFailsItemsAfterRetriesWithoutLosingThem) {
  transport_.set_handler([](const net::HttpRequest&) { return net::make_response(503, "{}"); });
  WriterOptions o;
  o.max_item_attempts = 3;
  auto w = writer(o);
  w->add(items(4, 1));
  w->finish();
  EXPECT_EQ(w->stats().failed, 4u);
  ASSERT_EQ(w->failures().size(), 4u);
  EXPECT_NE(w->failures()[0].reason.find("HTTP 503"), std::string::npos) << w->failures()[0].reason;
}

TEST_F(WriterTest, KeepsManyRequestsInFlight) {
  transport_.hold(true);
  WriterOptions o;
  o.lookup_batch = 10;
  o.concurrency = 4;
  auto w = writer(o);
  // add() returns once the backlog is bounded, with `concurrency` lookups parked in flight.
  w->add(items(50, 1));
  EXPECT_EQ(transport_.held(), 4u);
  transport_.hold(false);
  transport_.release_all();
  w->finish();
  EXPECT_EQ(w->stats().created, 50u);
}

}  // namespace
}  // namespace fct

namespace fct {
namespace {

TEST_F(WriterTest, CompletedThroughTracksTheOldestUnfinishedPage) {
  transport_.hold(true);
  WriterOptions o;
  o.lookup_batch = 10;
  auto w = writer(o);
  w->add(items(10, 1, 0), 1);
  w->add(items(10, 1, 10), 2);
  EXPECT_EQ(w->completed_through(2), 0);  // page 1's lookup is still in flight
  transport_.release_one();                // page 1's lookup answers; its creates get queued
  transport_.hold(false);
  transport_.release_all();
  w->finish();
  EXPECT_EQ(w->completed_through(2), 2);
  EXPECT_EQ(w->stats().created, 20u);
}

TEST_F(WriterTest, NewerQuantityForABusySkuWaitsItsTurn) {
  transport_.hold(true);
  auto w = writer();
  w->add({{"SKU-1", 5}}, 1);
  w->add({{"SKU-1", 9}}, 2);  // arrives while the first is in flight
  transport_.hold(false);
  transport_.release_all();
  w->finish();
  EXPECT_EQ(ct_.entries["SKU-1"].quantity, 9);
  EXPECT_EQ(ct_.entries.size(), 1u);
  EXPECT_EQ(w->completed_through(2), 2);
}

}  // namespace
}  // namespace fct
