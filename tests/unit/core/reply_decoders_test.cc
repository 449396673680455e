// The fast decoders must agree with the general path (nlohmann + parse_page /
// parse_inventory_entry) on every reply they accept, and decline everything
// that needs the general path's diagnostics.
#include "api/reply_decoders.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fct {
namespace {

using nlohmann::json;

json node(const std::string& sku, json quantity, json updated = "2024-01-01T00:00:00.250Z") {
  return {{"ref", "VP-" + sku}, {"productRef", sku}, {"quantity", std::move(quantity)}, {"status", "ACTIVE"},
          {"updatedOn", std::move(updated)}};
}

json page(std::vector<json> nodes, bool has_next) {
  json edges = json::array();
  int i = 0;
  for (auto& n : nodes) edges.push_back({{"cursor", "c" + std::to_string(++i)}, {"node", n}});
  return {{"data", {{"virtualPositions", {{"pageInfo", {{"hasNextPage", has_next}}}, {"edges", edges}}}}}};
}

void expect_same_page(std::string body, int number) {
  auto general = PositionPager::parse_page(json::parse(body)["data"], number);
  ASSERT_TRUE(general.ok()) << general.error().message;
  auto fast = decode::virtual_positions(body, number);
  ASSERT_TRUE(fast.has_value()) << body.substr(0, 200);
  EXPECT_EQ(fast->second, general->second);
  EXPECT_EQ(fast->first.end_cursor, general->first.end_cursor);
  EXPECT_EQ(fast->first.number, number);
  ASSERT_EQ(fast->first.positions.size(), general->first.positions.size());
  for (size_t i = 0; i < fast->first.positions.size(); ++i) {
    const auto& a = fast->first.positions[i];
    const auto& b = general->first.positions[i];
    EXPECT_EQ(a.ref, b.ref);
    EXPECT_EQ(a.product_ref, b.product_ref);
    EXPECT_EQ(a.quantity, b.quantity);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.updated_on, b.updated_on);
  }
}

TEST(ReplyDecoders, PageAgreesWithTheGeneralPath) {
  expect_same_page(page({node("A", 1), node("B", 0), node("C\u00e9\"\\x", 123456789012LL)}, true).dump(), 3);
  expect_same_page(page({node("A", 7)}, false).dump(), 1);
  expect_same_page(page({}, false).dump(), 1);
  // updatedOn null or absent, status absent, unknown fields, other key order.
  json odd = node("D", 5, nullptr);
  odd.erase("status");
  odd["extra"] = {{"nested", json::array({1, 2})}};
  json no_updated = node("E", 6);
  no_updated.erase("updatedOn");
  expect_same_page(page({odd, no_updated}, false).dump(), 2);
}

TEST(ReplyDecoders, PageAcceptsTheSeedsAliases) {
  json data = {{"data",
                {{"virtualPositions",
                  {{"virtualPositionEdge", {{{"virtualPositionNode", node("A", 3)}, {"cursor", "x"}}}},
                   {"pageInfo", {{"hasNextPage", true}}}}}}}};
  expect_same_page(data.dump(), 1);
}

TEST(ReplyDecoders, PageDeclinesWhatNeedsTheGeneralPath) {
  std::vector<std::string> bodies = {
      page({node("A", -1)}, false).dump(),                   // negative: parked with a reason
      page({node("A", 1.5)}, false).dump(),                  // fractional
      page({node("A", 2.0)}, false).dump(),                  // float that the general path accepts
      page({node("A", "7")}, false).dump(),                  // not a number
      page({node("A", nullptr)}, false).dump(),              // null quantity
      page({node("", 1)}, false).dump(),                     // empty productRef
      page({node(std::string(300, 'x'), 1)}, false).dump(),  // over-long productRef
      page({node("A", 1, "yesterday")}, false).dump(),       // bad timestamp
      page({node("A", json(18446744073709551615ULL))}, false).dump(),  // beyond int64
      R"({"data":{"virtualPositions":{"edges":[],"pageInfo":{"hasNextPage":true}}}})",  // no cursor
      R"({"data":{"virtualPositions":{"edges":[]}}})",                                // no pageInfo
      R"({"data":{"virtualPositions":{"pageInfo":{"hasNextPage":false}}}})",          // no edges
      R"({"data":{"virtualPositions":null}})",
      R"({"data":null,"errors":[{"message":"boom"}]})",
      R"({"errors":[{"message":"boom"}],"data":{"virtualPositions":{"edges":[],"pageInfo":{"hasNextPage":false}}}})",
      R"({"data":{"virtualPositions":{"edges":[],"pageInfo":{"hasNextPage":false}}}} trailing)",
      R"({"data":{"virtualPositions":{"edges":[{"node":{"productRef":"A","quantity":1}}],"pageInf)",  // cut short
      "",
      "not json",
  };
  json no_product = node("A", 1);
  no_product.erase("productRef");
  bodies.push_back(page({no_product}, false).dump());
  for (auto& body : bodies) {
    std::string copy = body;
    EXPECT_FALSE(decode::virtual_positions(copy, 1).has_value()) << body;
  }
}

json entry(const std::string& sku, int64_t q) {
  return {{"id", "id-" + sku}, {"version", 3}, {"sku", sku}, {"quantityOnStock", q}};
}

TEST(ReplyDecoders, EntriesAgreeWithTheGeneralPath) {
  json results = json::array({entry("A", 1), entry("B\u00e9", 0)});
  results[1]["supplyChannel"] = {{"id", "ch"}};  // extra fields are ignored
  std::string body = json{{"data", {{"inventoryEntries", {{"results", results}}}}}}.dump();
  std::vector<InventoryEntry> fast;
  ASSERT_TRUE(decode::inventory_entries(body, [&](const InventoryEntryRef& e) {
    fast.push_back(InventoryEntry{std::string(e.id), e.version, std::string(e.sku), e.quantity_on_stock});
  }));
  ASSERT_EQ(fast.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    auto general = parse_inventory_entry(results[i]);
    ASSERT_TRUE(general.ok());
    EXPECT_EQ(fast[i].id, general->id);
    EXPECT_EQ(fast[i].version, general->version);
    EXPECT_EQ(fast[i].sku, general->sku);
    EXPECT_EQ(fast[i].quantity_on_stock, general->quantity_on_stock);
  }
  std::string empty = R"({"data":{"inventoryEntries":{"results":[]}}})";
  int calls = 0;
  EXPECT_TRUE(decode::inventory_entries(empty, [&](const InventoryEntryRef&) { ++calls; }));
  EXPECT_EQ(calls, 0);
}

TEST(ReplyDecoders, EntriesDeclineWhatNeedsTheGeneralPath) {
  json missing = entry("A", 1);
  missing.erase("version");
  json wrong = entry("A", 1);
  wrong["quantityOnStock"] = "1";
  for (std::string body : {
           json{{"data", {{"inventoryEntries", {{"results", {entry("B", 1), missing}}}}}}}.dump(),
           json{{"data", {{"inventoryEntries", {{"results", {wrong}}}}}}}.dump(),
           std::string(R"({"data":{"inventoryEntries":null}})"),
           std::string(R"({"data":{"inventoryEntries":{"total":0}}})"),
           std::string(R"({"data":null,"errors":[{"message":"x","extensions":{"code":"InvalidInput"}}]})"),
           std::string(R"({"data":{"inventoryEntries":{"results":[]}},"errors":[{"message":"x"}]})"),
           std::string(R"({"data":{"inventoryEntries":{"results":[)"),
       }) {
    int calls = 0;
    EXPECT_FALSE(decode::inventory_entries(body, [&](const InventoryEntryRef&) { ++calls; })) << body;
    EXPECT_EQ(calls, 0) << "a declined reply must not have routed anything: " << body;
  }
}

TEST(ReplyDecoders, WritesSucceedOnlyWhenEveryAliasHasAnObject) {
  std::string all = R"({"data":{"u0":{"id":"a","version":1},"u1":{"id":"b","version":1}}})";
  EXPECT_TRUE(decode::all_writes_succeeded(all, 2));
  std::string fewer = all;
  EXPECT_FALSE(decode::all_writes_succeeded(fewer, 3));
  for (std::string body : {
           std::string(R"({"data":{"u0":{"id":"a"},"u1":null},"errors":[{"message":"x","path":["u1"]}]})"),
           std::string(R"({"data":{"u0":{"id":"a"},"u1":null}})"),
           std::string(R"({"data":{"u0":{"id":"a"},"u0":{"id":"a"}}})"),
           std::string(R"({"data":{"u0":{"id":"a"},"x1":{"id":"b"}}})"),
           std::string(R"({"data":{"u0":{"id":"a"},"u7":{"id":"b"}}})"),
           std::string(R"({"data":{"u0":{"id":"a"},"u1":{"id":"b"}}}garbage)"),
           std::string(R"({"data":{"u0":{"id":"a"},"u1":{"id":)"),
       }) {
    EXPECT_FALSE(decode::all_writes_succeeded(body, 2)) << body;
  }
}

}  // namespace
}  // namespace fct
