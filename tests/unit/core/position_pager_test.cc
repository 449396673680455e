#include "fluent/position_pager.h"

#include <gtest/gtest.h>

#include "fake_ct.h"

namespace fct {
namespace {

nlohmann::json page(std::vector<nlohmann::json> nodes, bool has_next) {
  nlohmann::json edges = nlohmann::json::array();
  int i = 0;
  for (auto& n : nodes) edges.push_back({{"node", n}, {"cursor", "c" + std::to_string(++i)}});
  return {{"virtualPositions", {{"edges", edges}, {"pageInfo", {{"hasNextPage", has_next}}}}}};
}

nlohmann::json position(const std::string& sku, int q) {
  return {{"ref", "VP-" + sku}, {"productRef", sku}, {"quantity", q}, {"status", "ACTIVE"},
          {"updatedOn", "2024-01-01T00:00:00Z"}};
}

TEST(PositionPager, ParsesPageAndCursor) {
  auto parsed = PositionPager::parse_page(page({position("A", 1), position("B", 2)}, true), 1);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->first.positions.size(), 2u);
  EXPECT_EQ(parsed->second, "c2");
  auto last = PositionPager::parse_page(page({position("C", 1)}, false), 2);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->second, "");
}

TEST(PositionPager, AcceptsTheSeedsAliases) {
  nlohmann::json data = {{"virtualPositions",
                          {{"virtualPositionEdge", {{{"virtualPositionNode", position("A", 3)}, {"cursor", "x"}}}},
                           {"pageInfo", {{"hasNextPage", false}}}}}};
  auto parsed = PositionPager::parse_page(data, 1);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->first.positions.at(0).quantity, 3);
}

TEST(PositionPager, InvalidNodesAreSetAsideNotDropped) {
  auto bad = position("B", 1);
  bad["quantity"] = -1;
  auto parsed = PositionPager::parse_page(page({position("A", 1), bad}, false), 1);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->first.positions.size(), 1u);
  ASSERT_EQ(parsed->first.invalid.size(), 1u);
  EXPECT_EQ(parsed->first.invalid[0].ref, "VP-B");
  EXPECT_NE(parsed->first.invalid[0].reason.find("negative"), std::string::npos);
}

TEST(PositionPager, UnexpectedShapeIsAnErrorNamingThePage) {
  for (const auto& data : {nlohmann::json::object(), nlohmann::json{{"virtualPositions", {{"edges", 5}}}},
                           nlohmann::json{{"virtualPositions", {{"edges", nlohmann::json::array()}}}},
                           page({position("A", 1)}, true).patch(nlohmann::json::parse(
                               R"([{"op":"remove","path":"/virtualPositions/edges/0/cursor"}])"))}) {
    auto parsed = PositionPager::parse_page(data, 7);
    ASSERT_FALSE(parsed.ok()) << data.dump();
    EXPECT_NE(parsed.error().message.find("page 7"), std::string::npos) << parsed.error().message;
  }
}

TEST(PositionPager, FollowsCursorsAndSendsTheWindow) {
  std::vector<nlohmann::json> replies = {page({position("A", 1), position("B", 2)}, true),
                                         page({position("C", 3)}, false)};
  size_t call = 0;
  net::ScriptedTransport transport([&](const net::HttpRequest&) {
    return net::make_response(200, nlohmann::json{{"data", replies.at(call++)}}.dump());
  });
  testing::StaticTokens tokens;
  RequestCounts counts;
  GraphQLClient client(transport, tokens, "http://fluent/graphql", "Fluent", counts);
  PositionQuery q{"ATS:1", *parse_timestamp("2024-01-01T00:00:00Z"), *parse_timestamp("2024-01-02T00:00:00Z"), {}, {}, 2, ""};
  PositionPager pager(client, "query Q { x }", q);
  std::vector<std::string> skus;
  for (;;) {
    auto p = pager.next();
    ASSERT_TRUE(p.ok()) << p.error().message;
    if (!p->has_value()) break;
    for (auto& pos : (*p)->positions) skus.push_back(pos.product_ref);
  }
  EXPECT_EQ(skus, (std::vector<std::string>{"A", "B", "C"}));
  auto requests = transport.requests();
  ASSERT_EQ(requests.size(), 2u);
  auto first = nlohmann::json::parse(requests[0].body)["variables"];
  auto second = nlohmann::json::parse(requests[1].body)["variables"];
  EXPECT_EQ(first["catalogueRef"], "ATS:1");
  EXPECT_EQ(first["first"], 2);
  EXPECT_FALSE(first.contains("after"));
  EXPECT_EQ(first["updatedOnFrom"], "2024-01-01T00:00:00.000000000Z");
  EXPECT_EQ(second["after"], "c2");
  EXPECT_EQ(counts.snapshot()["fluent.virtualPositions"], 2u);
}

}  // namespace
}  // namespace fct
