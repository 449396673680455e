// Execution: resolvers, projection, errors, null propagation, mutation order.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <stdexcept>
#include <thread>

#include "graphql/graphql.h"
#include "test_schema.h"

namespace fct::graphql {
namespace {

using nlohmann::json;

json entry(int i) {
  return json{{"id", "e" + std::to_string(i)},
              {"sku", "sku-" + std::to_string(i)},
              {"quantityOnStock", 10000000000LL + i},
              {"version", i},
              {"channel", {{"id", "c1"}, {"key", "store-1"}, {"roles", {"InventorySupply"}}, {"extra", true}}},
              {"custom", {{"fields", {{"a", 1}}}}},
              {"notInSchema", "ignored"}};
}

class GraphqlExecutor : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Schema> schema = Schema::parse(testing::kTestSdl);
    ASSERT_TRUE(schema.ok()) << schema.error().message;
    std::map<std::string, Resolver> r;
    r["Query.echo"] = [](const ResolveContext& ctx) { return ctx.arguments; };
    r["Query.channel"] = [this](const ResolveContext& ctx) -> json {
      merged_nodes = ctx.fields ? ctx.fields->size() : 0;
      first_is_field = ctx.fields && !ctx.fields->empty() && ctx.fields->front() == ctx.field;
      const std::string key = ctx.arguments.at("key");
      if (key == "missing") return nullptr;
      if (key == "denied") throw FieldError{"Access denied", {{"code", "insufficient_scope"}}};
      if (key == "plain") throw FieldError{"Plain failure"};
      if (key == "crash") throw std::runtime_error("secret details");
      if (key == "badroles") return json{{"id", "c"}, {"key", key}, {"roles", {"a", nullptr}}};
      if (key == "notlist") return json{{"id", "c"}, {"key", key}, {"roles", "a"}};
      if (key == "partial") return json{{"aaa", 1}, {"id", "c"}, {"name", nullptr}, {"zzz", 2}};
      return json{{"id", "c-" + key}, {"key", key}, {"name", "Name " + key}, {"roles", {"r1", "r2"}}};
    };
    r["Query.channels"] = [](const ResolveContext& ctx) {
      json out = json::array();
      for (int i = 0; i < ctx.arguments.at("limit").get<int>(); ++i) {
        out.push_back(json{{"id", "c" + std::to_string(i)}, {"key", "k" + std::to_string(i)}, {"roles", json::array()}});
      }
      return out;
    };
    r["Query.inventoryEntries"] = [this](const ResolveContext& ctx) {
      ++page_calls;
      json results = json::array();
      int limit = ctx.arguments.at("limit").get<int>();
      for (int i = 0; i < limit; ++i) results.push_back(entry(i));
      if (ctx.arguments.contains("offset") && ctx.arguments["offset"] == -1) results[1].erase("sku");
      return json{{"total", limit}, {"results", std::move(results)}};
    };
    r["Query.search"] = [](const ResolveContext&) {
      json c = {{"__typename", "Channel"}, {"id", "c1"}, {"key", "k1"}, {"roles", json::array()}};
      json e = entry(7);
      e["__typename"] = "InventoryEntry";
      return json::array({c, e});
    };
    r["Query.node"] = [](const ResolveContext& ctx) -> json {
      if (ctx.arguments.at("id") == "untyped") return json{{"id", "u"}};
      json e = entry(3);
      e["__typename"] = "InventoryEntry";
      return e;
    };
    r["Query.strict"] = [](const ResolveContext&) { return json(nullptr); };
    r["Mutation.log"] = [this](const ResolveContext& ctx) {
      order.push_back(ctx.arguments.at("msg").get<std::string>());
      EXPECT_EQ(ctx.operation_type, "mutation");
      return ctx.arguments.at("msg");
    };
    r["Mutation.create"] = [this](const ResolveContext& ctx) -> json {
      order.push_back("create:" + ctx.arguments.at("key").get<std::string>());
      if (ctx.arguments.at("key") == "fail") throw FieldError{"Duplicate", {{"code", "DuplicateField"}}};
      return json{{"id", "new"}, {"key", ctx.arguments.at("key")}, {"roles", json::array()}};
    };
    r["Mutation.updateInventoryEntry"] = [this](const ResolveContext& ctx) {
      last_args = ctx.arguments;
      json e = entry(1);
      e["id"] = ctx.arguments.at("id");
      e["version"] = ctx.arguments.at("version").get<int64_t>() + 1;
      return e;
    };
    executor_ = std::make_unique<Executor>(std::move(schema).value(), std::move(r));
  }

  Response run(const std::string& query, json variables = json::object(), void* user = nullptr) {
    Request req;
    req.query = query;
    req.variables = std::move(variables);
    Response r = executor_->execute(req, user);
    EXPECT_FALSE(r.request_error) << r.body.dump();
    return r;
  }

  std::unique_ptr<Executor> executor_;
  std::vector<std::string> order;
  json last_args;
  int page_calls = 0;
  size_t merged_nodes = 0;      // ctx.fields->size() in the last Query.channel call
  bool first_is_field = false;  // ctx.fields->front() == ctx.field there
};

TEST_F(GraphqlExecutor, ProjectsSelectedFieldsWithAliases) {
  Response r = run("{ ch: channel(key: \"a\") { id k: key name missing: createdAt } }");
  EXPECT_EQ(r.body, json::parse(R"({"data":{"ch":{"id":"c-a","k":"a","name":"Name a","missing":null}}})"));
}

TEST_F(GraphqlExecutor, ProjectsPagesOfObjects) {
  Response r = run("{ inventoryEntries(limit: 3) { total results { sku qty: quantityOnStock channel { key } } } }");
  const json& page = r.body["data"]["inventoryEntries"];
  EXPECT_EQ(page["total"], 3);
  ASSERT_EQ(page["results"].size(), 3u);
  EXPECT_EQ(page["results"][2], json::parse(R"({"sku":"sku-2","qty":10000000002,"channel":{"key":"store-1"}})"));
  EXPECT_FALSE(r.body.contains("errors"));
}

TEST_F(GraphqlExecutor, SameFieldUnderTwoAliases) {
  Response r = run("{ channel(key: \"a\") { a: key b: key key } }");
  EXPECT_EQ(r.body["data"]["channel"], json::parse(R"({"a":"a","b":"a","key":"a"})"));
}

TEST_F(GraphqlExecutor, FragmentsAreMerged) {
  Response r = run(
      "query { channel(key: \"a\") { id ...Names ... on Channel { roles } ... { key } } } "
      "fragment Names on Channel { name key id }");
  EXPECT_EQ(r.body["data"]["channel"],
            json::parse(R"({"id":"c-a","name":"Name a","key":"a","roles":["r1","r2"]})"));
}

TEST_F(GraphqlExecutor, MergesSubSelectionsOfTheSameKey) {
  Response r = run("{ inventoryEntries(limit: 1) { results { channel { id } } results { channel { key } } } }");
  EXPECT_EQ(r.body["data"]["inventoryEntries"]["results"][0]["channel"], json::parse(R"({"id":"c1","key":"store-1"})"));
}

TEST_F(GraphqlExecutor, ResolverSeesEveryMergedRootNode) {
  run("{ channel(key: \"a\") { id } }");
  EXPECT_EQ(merged_nodes, 1u);
  EXPECT_TRUE(first_is_field);
  Response r = run("{ c: channel(key: \"a\") { id } c: channel(key: \"a\") { key } }");
  EXPECT_EQ(merged_nodes, 2u);
  EXPECT_TRUE(first_is_field);
  EXPECT_EQ(r.body["data"]["c"], json::parse(R"({"id":"c-a","key":"a"})"));
}

// Selections with many response keys are merged through a hash index, small
// ones by a direct search; both must merge and share sources the same way.
TEST_F(GraphqlExecutor, ManyResponseKeysMergeAndShareSources) {
  std::string sub, root;
  json expected_sub = json::object(), expected_root = json::object();
  for (int i = 0; i < 20; ++i) {
    sub += " k" + std::to_string(i) + ": key";
    expected_sub["k" + std::to_string(i)] = "a";
    root += " c" + std::to_string(i) + ": channel(key: \"a\") { id }";
    expected_root["c" + std::to_string(i)] = json{{"id", "c-a"}};
  }
  // Repeats of early and late keys, after the index exists.
  root += " c3: channel(key: \"a\") { key } c18: channel(key: \"a\") { name }";
  expected_root["c3"]["key"] = "a";
  expected_root["c18"]["name"] = "Name a";
  sub += " k2: key k19: key id";
  expected_sub["id"] = "c-a";
  Response a = run("{ channel(key: \"a\") {" + sub + " } }");
  EXPECT_EQ(a.body["data"]["channel"], expected_sub);
  Response b = run("{" + root + " }");
  EXPECT_EQ(b.body["data"], expected_root);
  EXPECT_FALSE(b.body.contains("errors")) << b.body.dump();
}

// A resolver may leave selected fields out (they become null, or an error
// when non-null) and add unselected ones (they are dropped).
TEST_F(GraphqlExecutor, MissingAndExtraKeysOfAResolverObject) {
  Response r = run("{ channel(key: \"partial\") { id name createdAt } }");
  EXPECT_EQ(r.body, json::parse(R"({"data":{"channel":{"id":"c","name":null,"createdAt":null}}})"));
  Response e = run("{ channel(key: \"partial\") { name key id } }");
  EXPECT_TRUE(e.body["data"]["channel"].is_null()) << e.body.dump();
  ASSERT_EQ(e.body["errors"].size(), 1u) << e.body.dump();
  EXPECT_EQ(e.body["errors"][0]["message"], "Cannot return null for non-nullable field Channel.key.");
  EXPECT_EQ(e.body["errors"][0]["path"], json::parse(R"(["channel","key"])"));
}

// execute(Request&&) may move the variables; its answers are those of
// execute(const Request&), for good and bad variables alike.
TEST_F(GraphqlExecutor, RvalueRequestAnswersTheSame) {
  const std::string q = R"(query Q($k: String!, $l: [Int!], $x: String) {
    a: channel(key: $k) { id key } e: echo(l: $l, s: $x) })";
  for (const json& vars : {json{{"k", "a"}, {"l", {1, 2}}, {"x", "text"}}, json{{"k", "b"}, {"l", 7}},
                           json{{"k", 5}}, json{{"l", {1}}}, json{{"k", nullptr}}, json{{"k", "c"}, {"l", {"no"}}}}) {
    Request req;
    req.query = q;
    req.variables = vars;
    const Response copied = executor_->execute(req);
    const Response moved = executor_->execute(std::move(req));
    EXPECT_EQ(moved.body, copied.body) << vars.dump();
    EXPECT_EQ(moved.request_error, copied.request_error) << vars.dump();
  }
  Request ok;
  ok.query = q;
  ok.variables = {{"k", "a"}, {"l", {3}}};
  EXPECT_EQ(executor_->execute(std::move(ok)).body["data"]["a"]["key"], "a");
}

TEST_F(GraphqlExecutor, Typename) {
  Response r = run("{ __typename channel(key: \"a\") { __typename t: __typename id } }");
  EXPECT_EQ(r.body, json::parse(R"({"data":{"__typename":"Query","channel":{"__typename":"Channel","t":"Channel","id":"c-a"}}})"));
}

TEST_F(GraphqlExecutor, UnionsAndInterfacesUseTypenameFromTheResolver) {
  Response r = run(
      "{ search(text: \"x\") { __typename ... on Channel { key } ... on InventoryEntry { sku } ... on Node { id } } "
      "node(id: \"n\") { id __typename ... on Versioned { version } ... on Channel { key } } }");
  EXPECT_EQ(r.body["data"]["search"],
            json::parse(R"([{"__typename":"Channel","key":"k1","id":"c1"},
                            {"__typename":"InventoryEntry","sku":"sku-7","id":"e7"}])"));
  EXPECT_EQ(r.body["data"]["node"], json::parse(R"({"id":"e3","__typename":"InventoryEntry","version":3})"));
  // Without __typename an interface value is projected with the interface's own fields.
  Response untyped = run("{ node(id: \"untyped\") { id ... on Channel { key } } }");
  EXPECT_EQ(untyped.body["data"]["node"], json::parse(R"({"id":"u"})"));
}

TEST_F(GraphqlExecutor, SkipAndInclude) {
  const char* q =
      "query Q($yes: Boolean!, $no: Boolean = false) { channel(key: \"a\") { id @skip(if: $yes) "
      "key @include(if: $yes) name @include(if: $no) ...F @skip(if: true) ... on Channel @include(if: $yes) { roles } } } "
      "fragment F on Channel { createdAt }";
  Response r = run(q, json{{"yes", true}});
  EXPECT_EQ(r.body["data"]["channel"], json::parse(R"({"key":"a","roles":["r1","r2"]})"));
  Response r2 = run(q, json{{"yes", false}, {"no", true}});
  EXPECT_EQ(r2.body["data"]["channel"], json::parse(R"({"id":"c-a","name":"Name a"})"));
}

TEST_F(GraphqlExecutor, FieldErrorWithPathAndExtensions) {
  Response r = run("{ ok: channel(key: \"a\") { id }\n  bad: channel(key: \"denied\") { id } }");
  EXPECT_EQ(r.body["data"], json::parse(R"({"ok":{"id":"c-a"},"bad":null})"));
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_EQ(r.body["errors"][0], json::parse(R"({"message":"Access denied","locations":[{"line":2,"column":3}],
      "path":["bad"],"extensions":{"code":"insufficient_scope"}})"));
}

TEST_F(GraphqlExecutor, FieldErrorWithoutExtensionsOmitsThem) {
  Response r = run("{ channel(key: \"plain\") { id } }");
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_FALSE(r.body["errors"][0].contains("extensions"));
  EXPECT_EQ(r.body["errors"][0]["message"], "Plain failure");
  EXPECT_EQ(r.body["errors"][0]["path"], json::array({"channel"}));
}

TEST_F(GraphqlExecutor, OtherExceptionsBecomeInternalError) {
  Response r = run("{ channel(key: \"crash\") { id } }");
  EXPECT_EQ(r.body["data"], json::parse(R"({"channel":null})"));
  EXPECT_EQ(r.body["errors"][0]["message"], "Internal error");
}

TEST_F(GraphqlExecutor, MissingResolverIsAFieldError) {
  Response r = run("{ boom channels(limit: 1) { id } }");
  EXPECT_EQ(r.body["data"]["boom"], nullptr);
  EXPECT_EQ(r.body["data"]["channels"], json::parse(R"([{"id":"c0"}])"));
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_EQ(r.body["errors"][0]["path"], json::array({"boom"}));
}

TEST_F(GraphqlExecutor, NonNullViolationPropagatesToNearestNullableParent) {
  // sku is String! inside [InventoryEntry!]! inside InventoryPage! (root, non-null) -> data becomes null.
  Response r = run("{ inventoryEntries(limit: 2, offset: -1) { results { id sku } } }");
  EXPECT_EQ(r.body["data"], nullptr);
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_EQ(r.body["errors"][0]["message"], "Cannot return null for non-nullable field InventoryEntry.sku.");
  EXPECT_EQ(r.body["errors"][0]["path"], json::parse(R"(["inventoryEntries","results",1,"sku"])"));
  EXPECT_EQ(r.body["errors"][0]["locations"], json::parse(R"([{"line":1,"column":57}])"));
}

TEST_F(GraphqlExecutor, NonNullViolationStopsAtNullableField) {
  Response r = run("{ channel(key: \"badroles\") { id roles } other: channel(key: \"a\") { id } }");
  EXPECT_EQ(r.body["data"], json::parse(R"({"channel":null,"other":{"id":"c-a"}})"));
  EXPECT_EQ(r.body["errors"][0]["message"], "Cannot return null for non-nullable field Channel.roles.");
  EXPECT_EQ(r.body["errors"][0]["path"], json::parse(R"(["channel","roles",1])"));
}

TEST_F(GraphqlExecutor, NullFromResolverForNonNullRootField) {
  Response r = run("{ strict }");
  EXPECT_EQ(r.body["data"], nullptr);
  EXPECT_EQ(r.body["errors"][0]["message"], "Cannot return null for non-nullable field Query.strict.");
  Response missing = run("{ channel(key: \"missing\") { id } }");
  EXPECT_EQ(missing.body, json::parse(R"({"data":{"channel":null}})"));
}

TEST_F(GraphqlExecutor, NonListValueForListField) {
  Response r = run("{ channel(key: \"notlist\") { roles } }");
  EXPECT_EQ(r.body["data"]["channel"], nullptr);
  EXPECT_EQ(r.body["errors"][0]["message"], "Expected Iterable, but did not find one for field \"Channel.roles\".");
}

TEST_F(GraphqlExecutor, MutationsRunInOrder) {
  Response r = run("mutation { a: log(msg: \"1\") b: create(key: \"x\") { key } c: log(msg: \"3\") d: log(msg: \"4\") }");
  EXPECT_EQ(order, (std::vector<std::string>{"1", "create:x", "3", "4"}));
  EXPECT_EQ(r.body["data"], json::parse(R"({"a":"1","b":{"key":"x"},"c":"3","d":"4"})"));
}

TEST_F(GraphqlExecutor, FailedNonNullMutationStopsTheRest) {
  Response r = run("mutation { a: log(msg: \"1\") b: create(key: \"fail\") { key } c: log(msg: \"3\") }");
  EXPECT_EQ(order, (std::vector<std::string>{"1", "create:fail"}));
  EXPECT_EQ(r.body["data"], nullptr);
  ASSERT_EQ(r.body["errors"].size(), 1u);
  EXPECT_EQ(r.body["errors"][0]["extensions"], json::parse(R"({"code":"DuplicateField"})"));
  EXPECT_EQ(r.body["errors"][0]["path"], json::array({"b"}));
}

TEST_F(GraphqlExecutor, BatchedMutationRunsEveryCopy) {
  Result<Document> doc = parse(
      "mutation U($id: String!, $v: Long!, $q: Long!) { updateInventoryEntry(id: $id, version: $v, "
      "actions: [{changeQuantity: {quantity: $q}}]) { id version } }");
  ASSERT_TRUE(doc.ok());
  std::string query = batch(doc.value(), doc->operations[0], 2, "u");
  Response r = run(query, json{{"id_0", "a"}, {"v_0", 1}, {"q_0", 5}, {"id_1", "b"}, {"v_1", 7}, {"q_1", 6}});
  EXPECT_EQ(r.body["data"], json::parse(R"({"u0":{"id":"a","version":2},"u1":{"id":"b","version":8}})"));
  EXPECT_EQ(last_args["actions"], json::parse(R"([{"changeQuantity":{"quantity":6,"mode":"RED"}}])"));
}

TEST_F(GraphqlExecutor, ArgumentsAreCoercedWithDefaults) {
  Response r = run(
      "query Q($l: [Int!], $id: ID, $j: Json, $q: QtyInput, $big: Long) "
      "{ echo(l: $l, id: $id, j: $j, q: $q, big: $big, f: 2, c: GREEN, when: \"2024-01-01T00:00:00Z\") }",
      json{{"l", 5}, {"id", 42}, {"j", {{"any", {1, "two"}}}}, {"q", {{"quantity", 3}}}, {"big", 9007199254740993LL}});
  EXPECT_EQ(r.body["data"]["echo"], json::parse(R"({"l":[5],"id":"42","j":{"any":[1,"two"]},
      "q":{"quantity":3,"mode":"RED"},"big":9007199254740993,"f":2,"c":"GREEN","when":"2024-01-01T00:00:00Z"})"));
}

TEST_F(GraphqlExecutor, LiteralArgumentsBecomeJson) {
  Response r = run(
      "{ echo(i: -7, f: 1.5e2, s: \"x\\u00e9\", b: true, id: 12, l: 3, big: 12345678901234, "
      "j: {a: [1, 2.5, \"s\", ENUMISH, null, {b: false}]}, acts: {setNote: \"n\", changeQuantity: {quantity: 2, note: null}}) }");
  EXPECT_EQ(r.body["data"]["echo"], json::parse(R"({"i":-7,"f":150.0,"s":"xé","b":true,"id":"12","l":[3],
      "big":12345678901234,"j":{"a":[1,2.5,"s","ENUMISH",null,{"b":false}]},
      "acts":[{"setNote":"n","changeQuantity":{"quantity":2,"mode":"RED","note":null}}]})"));
}

TEST_F(GraphqlExecutor, UnprovidedNullableVariableLeavesArgumentAbsent) {
  Response r = run("query Q($i: Int, $s: String = \"d\") { echo(i: $i, s: $s) }");
  EXPECT_EQ(r.body["data"]["echo"], json::parse(R"({"s":"d"})"));
  Response chans = run("query Q($n: Int) { channels(limit: $n) { id } }");
  EXPECT_EQ(chans.body["data"]["channels"].size(), 20u);  // the argument default applies
}

TEST_F(GraphqlExecutor, UserPointerAndFieldArePassedThrough) {
  Result<Schema> schema = Schema::parse("type Query { who(x: Int = 1): String }");
  ASSERT_TRUE(schema.ok());
  int marker = 0;
  std::map<std::string, Resolver> r;
  r["Query.who"] = [&marker](const ResolveContext& ctx) {
    EXPECT_EQ(ctx.user, &marker);
    EXPECT_EQ(ctx.field->response_key(), "me");
    EXPECT_EQ(ctx.operation_type, "query");
    return json(ctx.arguments.dump());
  };
  Executor ex(std::move(schema).value(), std::move(r));
  Request req;
  req.query = "{ me: who }";
  Response resp = ex.execute(req, &marker);
  EXPECT_EQ(resp.body, json::parse(R"({"data":{"me":"{\"x\":1}"}})"));
}

TEST_F(GraphqlExecutor, CachedDocumentsGiveTheSameResults) {
  const std::string q = "query Q($n: Int) { channels(limit: $n) { key } }";
  for (int i = 1; i <= 3; ++i) {
    Response r = run(q, json{{"n", i}});
    EXPECT_EQ(r.body["data"]["channels"].size(), static_cast<size_t>(i));
  }
  // A cached invalid document stays invalid.
  Request bad;
  bad.query = "{ nope }";
  EXPECT_TRUE(executor_->execute(bad).request_error);
  EXPECT_TRUE(executor_->execute(bad).request_error);
  // Many distinct documents (more than the cache holds) still work.
  for (int i = 0; i < 300; ++i) {
    Response r = run("{ c" + std::to_string(i) + ": channels(limit: 1) { id } }");
    EXPECT_EQ(r.body["data"]["c" + std::to_string(i)].size(), 1u);
  }
}

TEST_F(GraphqlExecutor, ConcurrentRequests) {
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t, &good] {
      for (int i = 0; i < 100; ++i) {
        Request req;
        req.query = "{ x" + std::to_string(i % 7) + ": channel(key: \"k" + std::to_string(t) + "\") { key } }";
        Response r = executor_->execute(req);
        if (r.body["data"]["x" + std::to_string(i % 7)]["key"] == "k" + std::to_string(t)) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 400);
}

TEST_F(GraphqlExecutor, GarbageRequestsNeverCrash) {
  const std::string seed =
      "query Q($k: String!, $n: Int = 2) { channel(key: $k) { id ...F roles } inventoryEntries(limit: $n) "
      "{ results { sku @include(if: true) channel { key } } } search(text: \"x\") { ... on Channel { key } } } "
      "fragment F on Channel { key name }";
  const std::string alphabet = "{}()[]:$@!=.\"#, \nabcknqsFC0123456789-_";
  std::mt19937 rng(777);
  int executed = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string q = seed;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !q.empty(); ++e) {
      size_t pos = rng() % q.size();
      if (rng() % 2) {
        q.erase(pos, 1 + rng() % 4);
      } else {
        q.insert(pos, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    Request req;
    req.query = q;
    req.variables = json{{"k", i % 3 == 0 ? json("denied") : json("a")}, {"n", i % 5}};
    Response r = executor_->execute(req);
    EXPECT_NO_THROW((void)r.body.dump());
    if (r.request_error) {
      EXPECT_TRUE(r.body["errors"].is_array());
      EXPECT_FALSE(r.body["errors"].empty());
    } else {
      ++executed;
      EXPECT_TRUE(r.body.contains("data"));
    }
  }
  EXPECT_GT(executed, 0);
}

TEST_F(GraphqlExecutor, LargePage) {
  Response r = run("{ inventoryEntries(limit: 1000) { total results { id sku version channel { id } } } }");
  ASSERT_EQ(r.body["data"]["inventoryEntries"]["results"].size(), 1000u);
  EXPECT_EQ(r.body["data"]["inventoryEntries"]["results"][999]["sku"], "sku-999");
  EXPECT_EQ(page_calls, 1);
}

}  // namespace
}  // namespace fct::graphql
