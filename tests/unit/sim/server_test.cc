// The simulator over HTTP, in-process on an ephemeral port.
#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>

#include <unistd.h>

#include <gtest/gtest.h>
#include <httplib.h>

#include "sim/simulator.h"

namespace fct::sim {
namespace {

using json = nlohmann::json;

constexpr Millis kStart = 1767225600000;  // 2026-01-01T00:00:00Z

const char* kPositionsQuery = R"(
query GetAggregateVirtualPositions($after: String, $first: Int, $catalogueRef: String!, $status: [String!],
                                   $updatedOnFrom: DateTime, $updatedOnTo: DateTime, $productRefs: [String!]) {
  virtualPositions(after: $after, first: $first, catalogue: {ref: $catalogueRef}, status: $status,
                   updatedOn: {from: $updatedOnFrom, to: $updatedOnTo}, productRef: $productRefs) {
    edges { node { ref productRef quantity status updatedOn } cursor }
    pageInfo { hasNextPage }
  }
})";

const char* kSettingsQuery = R"(
query Settings($name: [String], $context: [String!], $contextId: [Int!]) {
  settings(name: $name, context: $context, contextId: $contextId, first: 10) {
    edges { node { id name valueType value lobValue context contextId } }
  }
})";

const char* kEntriesQuery = R"(
query Entries($where: String, $limit: Int) {
  inventoryEntries(where: $where, limit: $limit) {
    total count
    results { id version sku quantityOnStock availableQuantity supplyChannel { id key } supplyChannelRef { id } }
  }
})";

const char* kCreateEntry = R"(
mutation Create($sku: String!, $qty: Long, $channel: String!) {
  createInventoryEntry(draft: {sku: $sku, quantityOnStock: $qty, supplyChannel: {typeId: "channel", id: $channel}}) {
    id version sku quantityOnStock
  }
})";

const char* kUpdateEntry = R"(
mutation Update($id: String!, $version: Long!, $qty: Long!) {
  updateInventoryEntry(id: $id, version: $version, actions: [{changeQuantity: {quantity: $qty}}]) {
    id version quantityOnStock availableQuantity
  }
})";

struct Reply {
  int status = 0;
  json body;
  std::string raw;
  httplib::Headers headers;
};

class SimServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(SimulatorOptions o) {
    if (sim_) sim_->stop();
    o.positions = o.positions ? o.positions : 250;
    o.seed = 3;
    o.threads = 16;
    o.clock = [this] { return now_.load(); };
    auto created = Simulator::create(o);
    ASSERT_TRUE(created.ok()) << created.error().to_string();
    sim_ = std::move(created).value();
    auto started = sim_->start();
    ASSERT_TRUE(started.ok()) << started.error().to_string();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", sim_->port());
    client_->set_keep_alive(true);
    client_->set_read_timeout(10, 0);
  }

  void TearDown() override {
    client_.reset();
    if (sim_) sim_->stop();
  }

  static Reply to_reply(const httplib::Result& r) {
    Reply out;
    if (!r) return out;
    out.status = r->status;
    out.raw = r->body;
    out.headers = r->headers;
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }

  Reply get(const std::string& path) { return to_reply(client_->Get(path.c_str())); }
  Reply post(const std::string& path, const json& body) {
    return to_reply(client_->Post(path.c_str(), body.dump(), "application/json"));
  }

  std::string fluent_token() {
    auto r = to_reply(client_->Post("/fluent/oauth/token",
                                    "grant_type=password&username=sim-user&password=sim-password&client_id=sim-client"
                                    "&client_secret=sim-secret&scope=api",
                                    "application/x-www-form-urlencoded"));
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("access_token", "");
  }

  std::string ct_token() {
    httplib::Headers h = {{"Authorization", "Basic c2ltLWN0LWNsaWVudDpzaW0tY3Qtc2VjcmV0"}};  // sim-ct-client:sim-ct-secret
    auto r = to_reply(client_->Post("/ct-auth/oauth/token?grant_type=client_credentials&scope=manage_project:sim-project",
                                    h, "", "application/x-www-form-urlencoded"));
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("access_token", "");
  }

  Reply graphql(const std::string& path, const std::string& token, const std::string& query,
                const json& variables = json::object()) {
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    json body = {{"query", query}, {"variables", variables}};
    return to_reply(client_->Post(path.c_str(), h, body.dump(), "application/json"));
  }
  Reply fluent(const std::string& query, const json& variables = json::object()) {
    if (fluent_token_.empty()) fluent_token_ = fluent_token();
    return graphql("/fluent/graphql", fluent_token_, query, variables);
  }
  Reply ct(const std::string& query, const json& variables = json::object()) {
    if (ct_token_.empty()) ct_token_ = ct_token();
    return graphql("/ct/sim-project/graphql", ct_token_, query, variables);
  }

  std::string channel_id(const std::string& key = "ct-fluent-channel") {
    auto r = ct("query($key: String) { channel(key: $key) { id key } }", {{"key", key}});
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body["data"]["channel"].value("id", "");
  }

  std::atomic<Millis> now_{kStart};
  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<httplib::Client> client_;
  std::string fluent_token_, ct_token_;
};

// --- tokens

TEST_F(SimServerTest, FluentTokenFlows) {
  auto form = to_reply(client_->Post(
      "/fluent/oauth/token",
      "grant_type=password&username=sim-user&password=sim-password&client_id=sim-client&client_secret=sim-secret&scope=api",
      "application/x-www-form-urlencoded"));
  ASSERT_EQ(form.status, 200) << form.raw;
  EXPECT_EQ(form.body["token_type"], "bearer");
  EXPECT_EQ(form.body["expires_in"], 86400);
  EXPECT_EQ(form.body["scope"], "api");
  EXPECT_FALSE(form.body["access_token"].get<std::string>().empty());

  auto query = to_reply(client_->Post(
      "/fluent/oauth/token?grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret&scope=api", "",
      "application/x-www-form-urlencoded"));
  EXPECT_EQ(query.status, 200) << query.raw;
  EXPECT_NE(query.body["access_token"], form.body["access_token"]);

  auto bad = to_reply(client_->Post(
      "/fluent/oauth/token",
      "grant_type=password&username=sim-user&password=wrong&client_id=sim-client&client_secret=sim-secret",
      "application/x-www-form-urlencoded"));
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.body["error"], "unauthorized");
  EXPECT_EQ(bad.body["error_description"], "Bad credentials");

  auto grant = to_reply(client_->Post("/fluent/oauth/token?grant_type=magic", "", "text/plain"));
  EXPECT_EQ(grant.status, 400);
  EXPECT_EQ(grant.body["error"], "unsupported_grant_type");
}

TEST_F(SimServerTest, CtTokenFlows) {
  const std::string token = ct_token();
  EXPECT_FALSE(token.empty());
  httplib::Headers basic = {{"Authorization", "Basic c2ltLWN0LWNsaWVudDpzaW0tY3Qtc2VjcmV0"}};
  auto form = to_reply(client_->Post("/ct-auth/oauth/token", basic, "grant_type=client_credentials",
                                     "application/x-www-form-urlencoded"));
  ASSERT_EQ(form.status, 200) << form.raw;
  EXPECT_EQ(form.body["token_type"], "Bearer");
  EXPECT_EQ(form.body["expires_in"], 172800);
  EXPECT_EQ(form.body["scope"], "manage_project:sim-project");

  httplib::Headers wrong = {{"Authorization", "Basic c2ltLWN0LWNsaWVudDpub3Bl"}};  // sim-ct-client:nope
  auto bad = to_reply(client_->Post("/ct-auth/oauth/token?grant_type=client_credentials", wrong, "",
                                    "application/x-www-form-urlencoded"));
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.body["statusCode"], 401);
  EXPECT_EQ(bad.body["error"], "invalid_client");
  EXPECT_EQ(bad.body["errors"][0]["code"], "invalid_client");
  EXPECT_EQ(bad.body["message"], "Please provide valid client credentials using HTTP Basic Authentication.");

  auto scope = to_reply(client_->Post("/ct-auth/oauth/token?grant_type=client_credentials&scope=manage_products:other",
                                      basic, "", "application/x-www-form-urlencoded"));
  EXPECT_EQ(scope.status, 400);
  EXPECT_EQ(scope.body["error"], "invalid_scope");
}

TEST_F(SimServerTest, GraphQLNeedsAValidToken) {
  auto none = graphql("/fluent/graphql", "", kSettingsQuery);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body["error"], "invalid_token");
  auto unknown = graphql("/fluent/graphql", "nope", kSettingsQuery);
  EXPECT_EQ(unknown.status, 401);
  auto ct_none = graphql("/ct/sim-project/graphql", "", kEntriesQuery);
  EXPECT_EQ(ct_none.status, 401);
  EXPECT_EQ(ct_none.body["errors"][0]["code"], "invalid_token");
  // A Fluent token is not a commercetools token.
  auto crossed = graphql("/ct/sim-project/graphql", fluent_token(), kEntriesQuery);
  EXPECT_EQ(crossed.status, 401);

  const std::string token = fluent_token();
  EXPECT_EQ(graphql("/fluent/graphql", token, kSettingsQuery).status, 200);
  now_ += 86400LL * 1000;  // the token lives 24 h
  auto expired = graphql("/fluent/graphql", token, kSettingsQuery);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(expired.body["error"], "invalid_token");
}

TEST_F(SimServerTest, UnknownProjectIs404) {
  auto r = graphql("/ct/no-such-project/graphql", ct_token(), kEntriesQuery);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body["statusCode"], 404);
}

// --- Fluent GraphQL

TEST_F(SimServerTest, VirtualPositionsPageWithCursors) {
  json vars = {{"catalogueRef", "ATS:1"}, {"first", 100}};
  std::set<std::string> refs;
  int pages = 0;
  while (true) {
    auto r = fluent(kPositionsQuery, vars);
    ASSERT_EQ(r.status, 200) << r.raw;
    ASSERT_FALSE(r.body.contains("errors")) << r.raw;
    const json& conn = r.body["data"]["virtualPositions"];
    for (const auto& e : conn["edges"]) refs.insert(e["node"]["ref"].get<std::string>());
    ++pages;
    if (!conn["pageInfo"]["hasNextPage"].get<bool>()) break;
    vars["after"] = conn["edges"].back()["cursor"];
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(refs.size(), 250u);
}

TEST_F(SimServerTest, VirtualPositionsFilterByWindowAndProduct) {
  // Touch 5 positions "now"; a window starting now sees exactly those.
  now_ += 60000;
  auto touched = post("/_sim/positions/touch", {{"count", 5}, {"seed", 9}});
  ASSERT_EQ(touched.status, 200) << touched.raw;
  ASSERT_EQ(touched.body["refs"].size(), 5u);
  json vars = {{"catalogueRef", "ATS:1"}, {"first", 1000}, {"updatedOnFrom", format_iso8601(now_.load())},
               {"updatedOnTo", "2026-01-01T00:01:00+00:00"}};
  auto r = fluent(kPositionsQuery, vars);
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& edges = r.body["data"]["virtualPositions"]["edges"];
  ASSERT_EQ(edges.size(), 5u) << r.raw;
  std::set<std::string> want, got;
  for (const auto& ref : touched.body["refs"]) want.insert(ref.get<std::string>());
  for (const auto& e : edges) got.insert(e["node"]["ref"].get<std::string>());
  EXPECT_EQ(want, got);

  auto by_product = fluent(kPositionsQuery, {{"catalogueRef", "ATS:1"}, {"productRefs", {"SKU-000007", "SKU-000100"}}});
  ASSERT_EQ(by_product.body["data"]["virtualPositions"]["edges"].size(), 2u) << by_product.raw;
  EXPECT_EQ(by_product.body["data"]["virtualPositions"]["edges"][0]["node"]["productRef"], "SKU-000007");

  auto inactive = fluent(kPositionsQuery, {{"catalogueRef", "ATS:1"}, {"status", {"INACTIVE"}}});
  EXPECT_EQ(inactive.body["data"]["virtualPositions"]["edges"].size(), 5u);  // every 50th of 250

  auto bad_date = fluent(kPositionsQuery, {{"catalogueRef", "ATS:1"}, {"updatedOnFrom", "yesterday"}});
  ASSERT_EQ(bad_date.status, 200);
  EXPECT_EQ(bad_date.body["errors"][0]["extensions"]["code"], "C0100E") << bad_date.raw;
  EXPECT_TRUE(bad_date.body["data"]["virtualPositions"].is_null());
}

TEST_F(SimServerTest, VirtualPositionsWithFragmentsAliasesAndAllFields) {
  auto r = fluent(R"(
    query Q { page: virtualPositions(first: 2, catalogue: {ref: "ATS:1"}) {
      edges { node { ...Vp } cursor } pageInfo { hasNextPage hasPreviousPage } } }
    fragment Vp on VirtualPosition {
      id ref type status workflowRef workflowVersion productRef groupRef quantity createdOn updatedOn catalogue { ref } })");
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_FALSE(r.body.contains("errors")) << r.raw;
  const json& node = r.body["data"]["page"]["edges"][0]["node"];
  EXPECT_EQ(node["ref"], "VP-000001");
  EXPECT_EQ(node["type"], "AGGREGATE");
  EXPECT_EQ(node["workflowRef"], "VIRTUALPOSITION::AGGREGATE");
  EXPECT_EQ(node["catalogue"]["ref"], "ATS:1");
  EXPECT_TRUE(node["groupRef"].is_null());
  EXPECT_EQ(node["createdOn"].get<std::string>().size(), 24u);
  EXPECT_EQ(r.body["data"]["page"]["pageInfo"]["hasPreviousPage"], false);

  auto single = fluent(R"({ virtualPosition(ref: "VP-000002", catalogue: {ref: "ATS:1"}) { ref productRef quantity } })");
  EXPECT_EQ(single.body["data"]["virtualPosition"]["productRef"], "SKU-000002") << single.raw;
}

TEST_F(SimServerTest, PageSizeAboveMaximumIsAnError) {
  auto r = fluent(kPositionsQuery, {{"catalogueRef", "ATS:1"}, {"first", 6000}});
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(r.body.contains("errors")) << r.raw;
  EXPECT_EQ(r.body["errors"][0]["extensions"]["code"], "C0001E");
  EXPECT_NE(r.body["errors"][0]["message"].get<std::string>().find("5000"), std::string::npos);
  EXPECT_EQ(r.body["errors"][0]["path"], json::array({"virtualPositions"}));
}

TEST_F(SimServerTest, ValidationErrorsNameTheField) {
  auto r = fluent("{ virtualPositions(catalogue: {ref: \"ATS:1\"}) { edges { node { ref colour } } } }");
  ASSERT_EQ(r.status, 200) << r.raw;  // Fluent answers GraphQL errors with 200
  ASSERT_TRUE(r.body.contains("errors"));
  EXPECT_FALSE(r.body.contains("data"));
  EXPECT_EQ(r.body["errors"][0]["message"], "Cannot query field \"colour\" on type \"VirtualPosition\".");

  auto missing = fluent(kPositionsQuery, json::object());
  ASSERT_EQ(missing.status, 200);
  EXPECT_EQ(missing.body["errors"][0]["message"],
            "Variable \"$catalogueRef\" of required type \"String!\" was not provided.");

  auto ct_bad = ct("{ inventoryEntries { results { id colour } } }");
  EXPECT_EQ(ct_bad.status, 400);  // commercetools answers request errors with 400
  EXPECT_EQ(ct_bad.body["errors"][0]["message"], "Cannot query field \"colour\" on type \"InventoryEntry\".");

  auto not_json = to_reply(client_->Post("/ct/sim-project/graphql",
                                         httplib::Headers{{"Authorization", "Bearer " + ct_token()}}, "{nope",
                                         "application/json"));
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(not_json.body["errors"][0]["code"], "InvalidJsonInput");
}

TEST_F(SimServerTest, SettingsQueryCreateUpdate) {
  auto r = fluent(kSettingsQuery, {{"name", {"fc.connect.commercetools.batch.batch-inventory-sync"}},
                                   {"context", {"RETAILER"}},
                                   {"contextId", {1}}});
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_FALSE(r.body.contains("errors")) << r.raw;
  const json& edges = r.body["data"]["settings"]["edges"];
  ASSERT_EQ(edges.size(), 1u);
  const json& node = edges[0]["node"];
  EXPECT_EQ(node["valueType"], "JSON");
  EXPECT_EQ(node["lobValue"]["props"]["ctChannelKey"], "ct-fluent-channel");
  const std::string id = node["id"];

  json lob = node["lobValue"];
  lob["previousEndDate"] = "2026-01-01T00:00:00.000Z";
  lob["custom"] = {{"keep", {1, 2, 3}}};
  auto updated = fluent(R"(mutation U($input: UpdateSettingInput) {
      updateSetting(input: $input) { id name valueType lobValue context contextId } })",
                        {{"input",
                          {{"id", id}, {"valueType", "JSON"}, {"lobValue", lob}, {"context", "RETAILER"},
                           {"contextId", 1}}}});
  ASSERT_EQ(updated.status, 200) << updated.raw;
  ASSERT_FALSE(updated.body.contains("errors")) << updated.raw;
  EXPECT_EQ(updated.body["data"]["updateSetting"]["lobValue"], lob);
  EXPECT_EQ(updated.body["data"]["updateSetting"]["name"], "fc.connect.commercetools.batch.batch-inventory-sync");
  auto reread = fluent(kSettingsQuery, {{"name", {"fc.connect.commercetools.batch.batch-inventory-sync"}}});
  EXPECT_EQ(reread.body["data"]["settings"]["edges"][0]["node"]["lobValue"], lob);

  const char* create = R"(mutation C($lob: Json) {
      createSetting(input: {name: "x.y", valueType: "JSON", lobValue: $lob, context: "RETAILER", contextId: 2}) {
        id name lobValue contextId } })";
  auto created = fluent(create, {{"lob", {{"a", "b"}}}});
  ASSERT_EQ(created.status, 200);
  ASSERT_FALSE(created.body.contains("errors")) << created.raw;
  EXPECT_EQ(created.body["data"]["createSetting"]["lobValue"]["a"], "b");
  EXPECT_EQ(created.body["data"]["createSetting"]["contextId"], 2);
  auto again = fluent(create, {{"lob", {{"a", "b"}}}});
  EXPECT_EQ(again.body["errors"][0]["extensions"]["code"], "C0140E") << again.raw;

  auto unknown = fluent(R"(mutation { updateSetting(input: {id: 999, valueType: "STRING", value: "v",
                                                           context: "ACCOUNT", contextId: 0}) { id } })");
  EXPECT_EQ(unknown.body["errors"][0]["extensions"]["code"], "C0120E") << unknown.raw;
}

TEST_F(SimServerTest, FluentBodyLimitIs413) {
  std::string big(2 * 1024 * 1024 + 10, ' ');
  auto r = to_reply(client_->Post("/fluent/graphql", httplib::Headers{{"Authorization", "Bearer " + fluent_token()}},
                                  big, "application/json"));
  EXPECT_EQ(r.status, 413);
}

// --- commercetools GraphQL

TEST_F(SimServerTest, ChannelByKey) {
  auto r = ct("{ channel(key: \"ct-fluent-channel\") { id key version roles } }");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["data"]["channel"]["key"], "ct-fluent-channel");
  EXPECT_EQ(r.body["data"]["channel"]["roles"], json::array({"InventorySupply"}));
  EXPECT_EQ(r.body["data"]["channel"]["id"].get<std::string>().size(), 36u);
  auto none = ct("{ channel(key: \"nope\") { id } }");
  EXPECT_TRUE(none.body["data"]["channel"].is_null());
}

TEST_F(SimServerTest, InventoryEntriesCreateQueryUpdate) {
  const std::string channel = channel_id();
  const std::string other = channel_id("other-channel");
  for (const std::string sku : {"A", "B", "C"}) {
    auto r = ct(kCreateEntry, {{"sku", sku}, {"qty", 5}, {"channel", channel}});
    ASSERT_EQ(r.status, 200) << r.raw;
    ASSERT_FALSE(r.body.contains("errors")) << r.raw;
    EXPECT_EQ(r.body["data"]["createInventoryEntry"]["version"], 1);
  }
  ASSERT_FALSE(ct(kCreateEntry, {{"sku", "A"}, {"qty", 1}, {"channel", other}}).body.contains("errors"));

  auto in = ct(kEntriesQuery, {{"where", "sku in (\"A\", \"C\", \"Z\") and supplyChannel(id=\"" + channel + "\")"}});
  ASSERT_EQ(in.status, 200) << in.raw;
  const json& result = in.body["data"]["inventoryEntries"];
  EXPECT_EQ(result["total"], 2);
  ASSERT_EQ(result["results"].size(), 2u);
  EXPECT_EQ(result["results"][0]["sku"], "A");
  EXPECT_EQ(result["results"][0]["supplyChannel"]["key"], "ct-fluent-channel");
  EXPECT_EQ(result["results"][0]["supplyChannelRef"]["id"], channel);
  EXPECT_EQ(result["results"][0]["availableQuantity"], 5);
  EXPECT_EQ(ct(kEntriesQuery, {{"where", "sku = \"A\""}}).body["data"]["inventoryEntries"]["total"], 2);

  auto dup = ct(kCreateEntry, {{"sku", "B"}, {"qty", 9}, {"channel", channel}});
  ASSERT_EQ(dup.status, 200);
  EXPECT_TRUE(dup.body["data"]["createInventoryEntry"].is_null());
  EXPECT_EQ(dup.body["errors"][0]["extensions"]["code"], "DuplicateField") << dup.raw;
  EXPECT_EQ(dup.body["errors"][0]["extensions"]["field"], "sku");
  EXPECT_EQ(dup.body["errors"][0]["path"], json::array({"createInventoryEntry"}));

  const std::string id = result["results"][0]["id"];
  auto updated = ct(kUpdateEntry, {{"id", id}, {"version", 1}, {"qty", 42}});
  ASSERT_FALSE(updated.body.contains("errors")) << updated.raw;
  EXPECT_EQ(updated.body["data"]["updateInventoryEntry"]["version"], 2);
  EXPECT_EQ(updated.body["data"]["updateInventoryEntry"]["quantityOnStock"], 42);
  EXPECT_EQ(updated.body["data"]["updateInventoryEntry"]["availableQuantity"], 42);

  auto stale = ct(kUpdateEntry, {{"id", id}, {"version", 1}, {"qty", 43}});
  ASSERT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body["errors"][0]["extensions"]["code"], "ConcurrentModification") << stale.raw;
  EXPECT_EQ(stale.body["errors"][0]["extensions"]["currentVersion"], 2);

  auto missing = ct(kUpdateEntry, {{"id", "no-such-id"}, {"version", 1}, {"qty", 43}});
  EXPECT_EQ(missing.body["errors"][0]["extensions"]["code"], "ResourceNotFound");
  EXPECT_EQ(missing.body["errors"][0]["message"], "The InventoryEntry with ID 'no-such-id' was not found.");
}

// Resolvers build only the fields a document selects; every way of selecting
// a field must still get it.
TEST_F(SimServerTest, EntryFieldsArriveHoweverTheyAreSelected) {
  const std::string channel = channel_id();
  auto created = ct(kCreateEntry, {{"sku", "A"}, {"qty", 4}, {"channel", channel}});
  ASSERT_FALSE(created.body.contains("errors")) << created.raw;

  // The same response key twice: the selections merge.
  auto merged = ct(R"({ a: channel(key: "ct-fluent-channel") { id } a: channel(key: "ct-fluent-channel") { key } })");
  ASSERT_FALSE(merged.body.contains("errors")) << merged.raw;
  EXPECT_EQ(merged.body["data"]["a"]["id"], channel);
  EXPECT_EQ(merged.body["data"]["a"]["key"], "ct-fluent-channel");

  // Named fragments, inline fragments, aliases and nested channel fields.
  auto r = ct(R"({ inventoryEntries(where: "sku = \"A\"") { results { ...E ... on InventoryEntry { q: availableQuantity } } } }
                 fragment E on InventoryEntry { sku createdAt supplyChannel { key roles lastModifiedAt } })");
  ASSERT_FALSE(r.body.contains("errors")) << r.raw;
  const json& e = r.body["data"]["inventoryEntries"]["results"][0];
  EXPECT_EQ(e["sku"], "A");
  EXPECT_EQ(e["q"], 4);
  EXPECT_EQ(e["createdAt"], format_iso8601(kStart));
  EXPECT_EQ(e["supplyChannel"]["key"], "ct-fluent-channel");
  EXPECT_EQ(e["supplyChannel"]["roles"], json::array({"InventorySupply"}));
  EXPECT_TRUE(e["supplyChannel"]["lastModifiedAt"].is_string());

  auto merged_entries = ct(R"({ x: inventoryEntry(key: "none") { id } a: inventoryEntries { results { sku } }
                               a: inventoryEntries { results { supplyChannelRef { id } } } })");
  ASSERT_FALSE(merged_entries.body.contains("errors")) << merged_entries.raw;
  EXPECT_EQ(merged_entries.body["data"]["a"]["results"][0]["sku"], "A");
  EXPECT_EQ(merged_entries.body["data"]["a"]["results"][0]["supplyChannelRef"]["id"], channel);
}

TEST_F(SimServerTest, QueryLimitsAndMalformedPredicates) {
  auto malformed = ct(kEntriesQuery, {{"where", "sku = \"A\" and and"}});
  ASSERT_EQ(malformed.status, 200);
  EXPECT_TRUE(malformed.body["data"].is_null());  // inventoryEntries is non-null
  EXPECT_EQ(malformed.body["errors"][0]["extensions"]["code"], "InvalidInput");
  const std::string message = malformed.body["errors"][0]["message"];
  EXPECT_EQ(message.rfind("Malformed parameter: where: ", 0), 0u) << message;

  auto limit = ct(kEntriesQuery, {{"limit", 501}});
  EXPECT_EQ(limit.body["errors"][0]["extensions"]["code"], "InvalidInput") << limit.raw;
  EXPECT_NE(limit.body["errors"][0]["message"].get<std::string>().find("500"), std::string::npos);
}

TEST_F(SimServerTest, BatchedMutationsRunInOrderAndFailAlone) {
  const std::string channel = channel_id();
  auto created = ct(kCreateEntry, {{"sku", "A"}, {"qty", 1}, {"channel", channel}});
  const std::string id = created.body["data"]["createInventoryEntry"]["id"];
  const std::string batch = R"(mutation B($id: String!) {
    u0: updateInventoryEntry(id: $id, version: 1, actions: [{changeQuantity: {quantity: 10}}]) { version quantityOnStock }
    u1: updateInventoryEntry(id: $id, version: 1, actions: [{changeQuantity: {quantity: 20}}]) { version quantityOnStock }
    u2: updateInventoryEntry(id: $id, version: 2, actions: [{changeQuantity: {quantity: 30}}]) { version quantityOnStock }
    c3: createInventoryEntry(draft: {sku: "B", quantityOnStock: 3, supplyChannel: {typeId: "channel", key: "ct-fluent-channel"}}) { sku }
  })";
  auto r = ct(batch, {{"id", id}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["data"]["u0"]["version"], 2);
  EXPECT_TRUE(r.body["data"]["u1"].is_null());
  EXPECT_EQ(r.body["data"]["u2"]["quantityOnStock"], 30);
  EXPECT_EQ(r.body["data"]["c3"]["sku"], "B");
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_EQ(r.body["errors"][0]["path"], json::array({"u1"}));
  EXPECT_EQ(r.body["errors"][0]["extensions"]["currentVersion"], 2);
}

// --- control endpoints

TEST_F(SimServerTest, StatsCountRequestsAndRootFields) {
  const std::string ft = fluent_token();
  const std::string ctt = ct_token();
  ASSERT_EQ(post("/_sim/stats/reset", json::object()).status, 200);
  graphql("/fluent/graphql", ft, kSettingsQuery);
  graphql("/fluent/graphql", ft,
          "{ a: virtualPositions(catalogue: {ref: \"ATS:1\"}, first: 1) { edges { cursor } } "
          "  b: virtualPositions(catalogue: {ref: \"ATS:1\"}, first: 1) { edges { cursor } } }");
  graphql("/ct/sim-project/graphql", ctt, kEntriesQuery);
  fluent_token();
  auto stats = get("/_sim/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_EQ(stats.body["fluent.graphql.requests"], 2);
  EXPECT_EQ(stats.body["fluent.graphql.settings"], 1);
  EXPECT_EQ(stats.body["fluent.graphql.virtualPositions"], 2);
  EXPECT_EQ(stats.body["ct.graphql.requests"], 1);
  EXPECT_EQ(stats.body["ct.graphql.inventoryEntries"], 1);
  EXPECT_EQ(stats.body["fluent.token"], 1);
  EXPECT_FALSE(stats.body.contains("ct.token"));
}

TEST_F(SimServerTest, TouchEndpoint) {
  auto r = post("/_sim/positions/touch", {{"productRefs", {"SKU-000001", "SKU-999999"}}, {"quantity", 7}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["refs"], json::array({"VP-000001"}));
  EXPECT_EQ(r.body["positions"][0]["quantity"], 7);
  EXPECT_EQ(r.body["updatedOn"], format_iso8601(kStart));
  auto p = sim_->state().positions.get("ATS:1", "VP-000001");
  EXPECT_EQ(p->quantity, 7);
  EXPECT_EQ(p->updated_on, kStart);
  EXPECT_EQ(post("/_sim/positions/touch", {{"nothing", 1}}).status, 400);
}

TEST_F(SimServerTest, LoadAndStateRoundTrip) {
  const json data = json::parse(R"({
    "fluent": {"positions": [{"ref": "VP-1", "productRef": "SKU-1", "quantity": 5, "status": "ACTIVE",
                              "updatedOn": "2026-01-01T00:00:00.000Z"}]},
    "ct": {"entries": [{"sku": "SKU-1", "supplyChannel": "ct-fluent-channel", "quantityOnStock": 4}]}})");
  auto loaded = post("/_sim/load", data);
  ASSERT_EQ(loaded.status, 200) << loaded.raw;
  EXPECT_EQ(loaded.body["positions"], 1);
  EXPECT_EQ(loaded.body["entries"], 1);
  auto state = get("/_sim/state");
  ASSERT_EQ(state.status, 200);
  EXPECT_EQ(state.body["fluent"]["positions"].size(), 1u);
  EXPECT_EQ(state.body["fluent"]["settings"].size(), 1u);  // untouched section
  EXPECT_EQ(state.body["ct"]["channels"].size(), 2u);
  EXPECT_EQ(state.body["ct"]["entries"][0]["supplyChannel"], channel_id());
  // Loading the dump back changes nothing.
  ASSERT_EQ(post("/_sim/load", state.body).status, 200);
  EXPECT_EQ(get("/_sim/state").body, state.body);
  auto bad = post("/_sim/load", json::parse(R"({"ct": {"entries": [{"sku": "X", "supplyChannel": "nope"}]}})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body["error"].get<std::string>().find("nope"), std::string::npos);
}

// --- faults

TEST_F(SimServerTest, Http503FaultSparesControlEndpoints) {
  const std::string token = ct_token();
  auto set = post("/_sim/faults", {{"seed", 1}, {"ct", {{"http503", 1.0}, {"retryAfterS", 2}}}});
  ASSERT_EQ(set.status, 200) << set.raw;
  auto r = graphql("/ct/sim-project/graphql", token, kEntriesQuery);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body["errors"][0]["code"], "OverCapacity");
  auto retry_after = r.headers.find("Retry-After");
  ASSERT_NE(retry_after, r.headers.end());
  EXPECT_EQ(retry_after->second, "2");
  EXPECT_EQ(get("/_sim/health").status, 200);
  EXPECT_EQ(get("/_sim/stats").body["faults.ct.http503"], 1);
  EXPECT_EQ(graphql("/fluent/graphql", fluent_token(), kSettingsQuery).status, 200);  // Fluent unaffected
  ASSERT_EQ(post("/_sim/faults", json::object()).status, 200);
  EXPECT_EQ(graphql("/ct/sim-project/graphql", token, kEntriesQuery).status, 200);
}

TEST_F(SimServerTest, ConcurrentWriterAndDuplicateRaceFaults) {
  const std::string channel = channel_id();
  auto created = ct(kCreateEntry, {{"sku", "A"}, {"qty", 1}, {"channel", channel}});
  const std::string id = created.body["data"]["createInventoryEntry"]["id"];
  ASSERT_EQ(post("/_sim/faults", {{"ct", {{"concurrentWriter", 1.0}, {"duplicateRace", 1.0}}}}).status, 200);
  auto updated = ct(kUpdateEntry, {{"id", id}, {"version", 1}, {"qty", 5}});
  EXPECT_EQ(updated.body["errors"][0]["extensions"]["code"], "ConcurrentModification") << updated.raw;
  EXPECT_EQ(updated.body["errors"][0]["extensions"]["currentVersion"], 2);
  auto dup = ct(kCreateEntry, {{"sku", "NEW"}, {"qty", 1}, {"channel", channel}});
  EXPECT_EQ(dup.body["errors"][0]["extensions"]["code"], "DuplicateField") << dup.raw;
  auto stats = get("/_sim/stats");
  EXPECT_EQ(stats.body["faults.ct.concurrentWriter"], 1);
  EXPECT_EQ(stats.body["faults.ct.duplicateRace"], 1);
}

TEST_F(SimServerTest, ExpireTokenFault) {
  const std::string token = fluent_token();
  ASSERT_EQ(post("/_sim/faults", {{"fluent", {{"expireToken", 1.0}}}}).status, 200);
  auto r = graphql("/fluent/graphql", token, kSettingsQuery);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["error"], "invalid_token");
  ASSERT_EQ(post("/_sim/faults", json::object()).status, 200);
  EXPECT_EQ(graphql("/fluent/graphql", token, kSettingsQuery).status, 401);  // the token is gone for good
  EXPECT_EQ(graphql("/fluent/graphql", fluent_token(), kSettingsQuery).status, 200);
}

TEST_F(SimServerTest, BodyCorruptingFaults) {
  const std::string token = fluent_token();
  ASSERT_EQ(post("/_sim/faults", {{"fluent", {{"truncate", 1.0}}}}).status, 200);
  auto truncated = graphql("/fluent/graphql", token, kSettingsQuery);
  EXPECT_EQ(truncated.status, 200);
  EXPECT_TRUE(truncated.body.is_discarded()) << truncated.raw;
  ASSERT_EQ(post("/_sim/faults", {{"fluent", {{"invalidJson", 1.0}}}}).status, 200);
  auto html = graphql("/fluent/graphql", token, kSettingsQuery);
  EXPECT_EQ(html.status, 200);
  EXPECT_TRUE(html.body.is_discarded());
  ASSERT_EQ(post("/_sim/faults", {{"fluent", {{"graphqlError", 1.0}}}}).status, 200);
  auto temporary = graphql("/fluent/graphql", token, kSettingsQuery);
  EXPECT_EQ(temporary.status, 200);
  EXPECT_EQ(temporary.body["errors"][0]["extensions"]["code"], "T0001E");
}

TEST_F(SimServerTest, ResetFaultDropsTheConnection) {
  const std::string token = ct_token();
  ASSERT_EQ(post("/_sim/faults", {{"ct", {{"reset", 1.0}}}}).status, 200);
  httplib::Client fresh("127.0.0.1", sim_->port());
  auto r = fresh.Post("/ct/sim-project/graphql", httplib::Headers{{"Authorization", "Bearer " + token}},
                      json{{"query", kEntriesQuery}}.dump(), "application/json");
  EXPECT_FALSE(r) << "expected a transport error, got HTTP " << (r ? r->status : 0);
  EXPECT_EQ(get("/_sim/stats").body["faults.ct.reset"], 1);
  // The server keeps serving.
  EXPECT_EQ(get("/_sim/health").status, 200);
}

TEST(SimulatorStart, WritesThePortFile) {
  SimulatorOptions o;
  o.threads = 2;
  o.port_file = ::testing::TempDir() + "fct_sim_port_" + std::to_string(::getpid());
  auto sim = Simulator::create(o);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE(sim.value()->start().ok());
  std::ifstream in(o.port_file);
  int port = 0;
  in >> port;
  EXPECT_EQ(port, sim.value()->port());
  sim.value()->stop();
  sim.value()->stop();  // idempotent
  std::remove(o.port_file.c_str());
}

}  // namespace
}  // namespace fct::sim
