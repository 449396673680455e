#include <gtest/gtest.h>

#include "sim/data.h"
#include "sim/faults.h"

namespace fct::sim {
namespace {

using json = nlohmann::json;

constexpr Millis kNow = 1767225600000;  // 2026-01-01T00:00:00Z

TEST(Generator, FillsAllStoresDeterministically) {
  SimState a(7), b(7);
  GeneratorOptions o;
  o.positions = 200;
  o.seed = 7;
  o.now = kNow;
  ASSERT_TRUE(generate(o, a).ok());
  ASSERT_TRUE(generate(o, b).ok());
  EXPECT_EQ(dump_state(a), dump_state(b));
  auto positions = a.positions.all();
  ASSERT_EQ(positions.size(), 200u);
  EXPECT_EQ(positions[0].product_ref, "SKU-000001");
  EXPECT_EQ(positions[49].status, "INACTIVE");
  EXPECT_EQ(positions[48].status, "ACTIVE");
  for (const auto& p : positions) {
    EXPECT_GE(p.quantity, 0);
    EXPECT_LE(p.quantity, 500);
    EXPECT_LT(p.updated_on, kNow);
    EXPECT_GE(p.updated_on, kNow - 30LL * 86400 * 1000);
    EXPECT_EQ(p.catalogue_ref, "ATS:1");
  }
  ASSERT_TRUE(a.ct.channel_by_key("ct-fluent-channel"));
  ASSERT_TRUE(a.ct.channel_by_key("other-channel"));
  auto settings = a.settings.all();
  ASSERT_EQ(settings.size(), 1u);
  EXPECT_EQ(settings[0].name, kSyncSettingName);
  EXPECT_EQ(settings[0].context, "RETAILER");
  EXPECT_EQ(settings[0].context_id, 1);
  EXPECT_EQ(settings[0].value_type, "JSON");
  EXPECT_EQ(settings[0].lob_value["props"]["ctChannelKey"], "ct-fluent-channel");
  EXPECT_EQ(settings[0].lob_value["props"]["fluentAggregateVirtualCatalogueRef"], "ATS:1");
  EXPECT_FALSE(settings[0].lob_value.contains("previousEndDate"));

  SimState c(8);
  o.seed = 8;
  ASSERT_TRUE(generate(o, c).ok());
  EXPECT_NE(dump_state(a), dump_state(c));
}

TEST(DataFile, LoadsWithDefaultsAndRoundTrips) {
  const json file = json::parse(R"({
    "fluent": {"positions": [{"ref": "VP-1", "productRef": "SKU-1", "quantity": 5,
                              "updatedOn": "2026-01-01T00:00:00.000Z"},
                             {"productRef": "SKU-2", "catalogueRef": "OTHER:1", "status": "INACTIVE"}],
               "settings": [{"name": "s", "context": "RETAILER", "contextId": 1, "lobValue": {"a": [1, 2]}}]},
    "ct": {"channels": [{"key": "ct-fluent-channel"}],
           "entries": [{"sku": "SKU-1", "supplyChannel": "ct-fluent-channel", "quantityOnStock": 5},
                       {"id": "e2", "sku": "SKU-2", "quantityOnStock": 3, "availableQuantity": 1, "version": 4}]}})");
  auto data = parse_data(file, "ATS:1", kNow);
  ASSERT_TRUE(data.ok()) << data.error().message;
  SimState state(1);
  ASSERT_TRUE(apply_data(std::move(data).value(), state).ok());
  auto positions = state.positions.all();
  ASSERT_EQ(positions.size(), 2u);
  EXPECT_EQ(positions[0].catalogue_ref, "ATS:1");
  EXPECT_EQ(positions[1].ref, "SKU-2");  // ref defaults to productRef
  EXPECT_EQ(positions[1].updated_on, kNow);
  auto settings = state.settings.all();
  EXPECT_EQ(settings[0].value_type, "JSON");
  EXPECT_EQ(settings[0].id, 1);
  auto entries = state.ct.entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].supply_channel_id, state.ct.channels()[0].id);
  EXPECT_EQ(entries[0].available_quantity, 5);
  EXPECT_EQ(entries[1].version, 4);
  EXPECT_EQ(entries[1].available_quantity, 1);

  // The dump loads back into an identical state.
  const json dumped = dump_state(state);
  SimState copy(1);
  auto again = parse_data(dumped, "ATS:1", kNow);
  ASSERT_TRUE(again.ok()) << again.error().message;
  ASSERT_TRUE(apply_data(std::move(again).value(), copy).ok());
  EXPECT_EQ(dump_state(copy), dumped);
}

TEST(DataFile, ReportsThePathOfBadFields) {
  auto bad = parse_data(json::parse(R"({"fluent": {"positions": [{"ref": "a"}, {"ref": "b", "quantity": "x"}]}})"),
                        "ATS:1", kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("fluent.positions[1].quantity"), std::string::npos) << bad.error().message;
  bad = parse_data(json::parse(R"({"ct": {"entries": [{"quantityOnStock": 1}]}})"), "ATS:1", kNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("ct.entries[0].sku"), std::string::npos);
}

TEST(DataFile, ReplacesOnlyGivenSections) {
  SimState state(1);
  GeneratorOptions o;
  o.positions = 10;
  o.now = kNow;
  ASSERT_TRUE(generate(o, state).ok());
  auto data = parse_data(json::parse(R"({"ct": {"entries": []}, "fluent": {"settings": []}})"), "ATS:1", kNow);
  ASSERT_TRUE(apply_data(std::move(data).value(), state).ok());
  EXPECT_EQ(state.positions.size(), 10u);
  EXPECT_EQ(state.settings.all().size(), 0u);
  EXPECT_EQ(state.ct.channels().size(), 2u);
}

TEST(Faults, ParsesAndValidates) {
  auto c = parse_fault_config(json::parse(R"({"seed": 3, "fluent": {"http503": 0.5, "retryAfterS": 2},
                                               "ct": {"concurrentWriter": 1}})"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().seed, 3u);
  EXPECT_EQ(c.value().fluent.http503, 0.5);
  EXPECT_EQ(c.value().fluent.retry_after_s, 2);
  EXPECT_EQ(c.value().ct.concurrent_writer, 1.0);
  EXPECT_FALSE(parse_fault_config(json::parse(R"({"fluent": {"http503": 2}})")).ok());
  EXPECT_FALSE(parse_fault_config(json::parse(R"({"fluent": {"teapot": 0.1}})")).ok());
  EXPECT_FALSE(parse_fault_config(json::parse(R"({"other": {}})")).ok());
  auto round = parse_fault_config(fault_config_to_json(c.value()));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(fault_config_to_json(round.value()), fault_config_to_json(c.value()));
}

TEST(Faults, DecisionsAreDeterministicAndProportional) {
  FaultConfig config;
  config.seed = 5;
  config.ct.http503 = 0.25;
  config.ct.http429 = 0.25;
  FaultInjector a, b;
  a.configure(config);
  b.configure(config);
  int n503 = 0, n429 = 0;
  for (int i = 0; i < 4000; ++i) {
    auto da = a.next_request(Api::kCt);
    auto db = b.next_request(Api::kCt);
    ASSERT_EQ(da.kind, db.kind);
    n503 += da.kind == FaultDecision::Kind::kHttp503;
    n429 += da.kind == FaultDecision::Kind::kHttp429;
    EXPECT_EQ(a.next_request(Api::kFluent).kind, FaultDecision::Kind::kNone);  // fluent has no faults
  }
  EXPECT_NEAR(n503, 1000, 120);
  EXPECT_NEAR(n429, 1000, 120);

  config.ct = ApiFaults{};
  config.ct.http500 = 1;
  a.configure(config);
  EXPECT_EQ(a.next_request(Api::kCt).kind, FaultDecision::Kind::kHttp500);
}

}  // namespace
}  // namespace fct::sim
