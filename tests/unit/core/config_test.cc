#include "runtime/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "runtime/handler.h"

namespace fct {
namespace {

TEST(Config, BuiltInDefaultsLoadAndResolveDocuments) {
  auto config = load_config("");
  ASSERT_TRUE(config.ok()) << config.error().message;
  const Route* route = config->route("batch-inventory-sync");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->handler, "InventoryBatchHandler");
  auto doc = config->document(*route, "query-virtual-positions");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_NE(doc->find("virtualPositions("), std::string::npos);
  EXPECT_TRUE(HandlerRegistry::global().check_routes(*config).ok());
}

TEST(Config, InvalidYamlNamesFileAndLine) {
  auto config = parse_config("routes:\n  - name: x\n    handler: [unclosed\n", "my.yml", {});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("my.yml:"), std::string::npos) << config.error().message;
  EXPECT_NE(config.error().message.find("invalid YAML"), std::string::npos) << config.error().message;
}

TEST(Config, UnknownHandlerNamesFileAndLine) {
  auto config = parse_config("routes:\n  - name: a\n    handler: InventoryBatchHandler\n"
                             "  - name: b\n    handler: NoSuchHandler\n",
                             "connector.yml", {});
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto st = HandlerRegistry::global().check_routes(*config);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("connector.yml:4"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("NoSuchHandler"), std::string::npos);
}

TEST(Config, BadIntegerPropNamesRouteAndLine) {
  auto config = parse_config("routes:\n  - name: a\n    handler: H\n    props:\n      page-size: lots\n", "c.yml", {});
  ASSERT_TRUE(config.ok());
  auto v = config->routes[0].props.get_int("page-size", 1000, 1, 5000);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("c.yml:5: route a prop page-size"), std::string::npos) << v.error().message;
  EXPECT_EQ(*config->routes[0].props.get_int("absent", 7, 1, 10), 7);
}

TEST(Config, DocumentNextToConfigOverridesBuiltIn) {
  auto dir = std::filesystem::temp_directory_path() / ("fct-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "connector.yml") << "routes:\n  - name: batch-inventory-sync\n    handler: InventoryBatchHandler\n"
                                          "    props:\n      query-channel: ct-channel.graphql\n"
                                          "      query-inventories: ct-inventories.graphql\n"
                                          "      query-settings: missing.graphql\n";
  std::ofstream(dir / "ct-channel.graphql") << "query Mine($key: String!) { channel(key: $key) { id } }";
  auto config = load_config((dir / "connector.yml").string());
  ASSERT_TRUE(config.ok()) << config.error().message;
  const Route& r = config->routes[0];
  EXPECT_NE(config->document(r, "query-channel")->find("query Mine"), std::string::npos);
  EXPECT_NE(config->document(r, "query-inventories")->find("inventoryEntries"), std::string::npos);  // built in
  auto missing = config->document(r, "query-settings");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing.graphql not found"), std::string::npos) << missing.error().message;
  std::filesystem::remove_all(dir);
}

TEST(HandlerRegistry, HigherPriorityReplacesDefault) {
  HandlerRegistry registry;
  registry.add({"H", 0, "default", [] { return std::unique_ptr<MessageHandler>(); }});
  registry.add({"H", 100, "partner", [] { return std::unique_ptr<MessageHandler>(); }});
  registry.add({"H", 50, "lower", [] { return std::unique_ptr<MessageHandler>(); }});
  ASSERT_TRUE(registry.find("H").has_value());
  EXPECT_EQ(registry.find("H")->description, "partner");
}

}  // namespace
}  // namespace fct
