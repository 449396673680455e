// Validation and variable coercion: request errors with graphql-js messages.
#include <gtest/gtest.h>

#include "graphql/graphql.h"
#include "test_schema.h"

namespace fct::graphql {
namespace {

using nlohmann::json;

class GraphqlValidation : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Schema> schema = Schema::parse(testing::kTestSdl);
    ASSERT_TRUE(schema.ok()) << schema.error().message;
    std::map<std::string, Resolver> resolvers;
    resolvers["Query.echo"] = [](const ResolveContext& ctx) { return ctx.arguments; };
    resolvers["Query.channel"] = [](const ResolveContext& ctx) {
      return json{{"id", "c1"}, {"key", ctx.arguments.at("key")}, {"roles", json::array()}};
    };
    resolvers["Query.channels"] = [](const ResolveContext&) { return json::array(); };
    executor_ = std::make_unique<Executor>(std::move(schema).value(), std::move(resolvers));
  }

  Response run(const std::string& query, json variables = json::object(), std::string operation = {}) {
    Request r;
    r.query = query;
    r.variables = std::move(variables);
    r.operation_name = std::move(operation);
    return executor_->execute(r);
  }

  // Runs a request that must fail before execution; returns its messages.
  std::vector<std::string> errors(const std::string& query, json variables = json::object(),
                                  std::string operation = {}) {
    Response r = run(query, std::move(variables), std::move(operation));
    EXPECT_TRUE(r.request_error) << r.body.dump();
    EXPECT_FALSE(r.body.contains("data")) << r.body.dump();
    std::vector<std::string> out;
    for (const json& e : r.body.value("errors", json::array())) out.push_back(e.value("message", ""));
    EXPECT_FALSE(out.empty()) << r.body.dump();
    return out;
  }

  std::string first_error(const std::string& query, json variables = json::object()) {
    std::vector<std::string> all = errors(query, std::move(variables));
    return all.empty() ? std::string() : all.front();
  }

  std::unique_ptr<Executor> executor_;
};

TEST_F(GraphqlValidation, SyntaxErrorHasLocation) {
  Response r = run("query {\n  channel(key: \"a\") {\n");
  ASSERT_TRUE(r.request_error);
  const json& e = r.body["errors"][0];
  EXPECT_EQ(e["message"], "Syntax Error: Expected Name, found <EOF>.");
  EXPECT_EQ(e["locations"], json::parse(R"([{"line":3,"column":1}])"));
}

TEST_F(GraphqlValidation, UnknownField) {
  Response r = run("{ channel(key: \"a\") { id foo } }");
  ASSERT_TRUE(r.request_error);
  EXPECT_EQ(r.body["errors"][0]["message"], "Cannot query field \"foo\" on type \"Channel\".");
  EXPECT_EQ(r.body["errors"][0]["locations"], json::parse(R"([{"line":1,"column":26}])"));
  EXPECT_EQ(first_error("{ nope }"), "Cannot query field \"nope\" on type \"Query\".");
}

TEST_F(GraphqlValidation, UnknownArgument) {
  EXPECT_EQ(first_error("{ channel(key: \"a\", bar: 1) { id } }"),
            "Unknown argument \"bar\" on field \"Query.channel\".");
  EXPECT_EQ(first_error("{ channel(key: \"a\") { id @skip(when: true) } }"),
            "Unknown argument \"when\" on directive \"@skip\".");
}

TEST_F(GraphqlValidation, MissingRequiredArgument) {
  EXPECT_EQ(first_error("{ channel { id } }"),
            "Field \"channel\" argument \"key\" of type \"String!\" is required, but it was not provided.");
  EXPECT_EQ(first_error("{ channels { id @include } }"),
            "Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.");
}

TEST_F(GraphqlValidation, LeafAndCompositeSelections) {
  EXPECT_EQ(first_error("{ inventoryEntries { results { sku { x } } } }"),
            "Field \"sku\" must not have a selection since type \"String!\" has no subfields.");
  EXPECT_EQ(first_error("{ channel(key: \"a\") }"),
            "Field \"channel\" of type \"Channel\" must have a selection of subfields. Did you mean \"channel { ... "
            "}\"?");
  EXPECT_EQ(first_error("{ channels }"),
            "Field \"channels\" of type \"[Channel!]!\" must have a selection of subfields. Did you mean "
            "\"channels { ... }\"?");
}

TEST_F(GraphqlValidation, UndefinedVariables) {
  EXPECT_EQ(first_error("query Q { channel(key: $x) { id } }"), "Variable \"$x\" is not defined by operation \"Q\".");
  EXPECT_EQ(first_error("{ channel(key: $x) { id } }"), "Variable \"$x\" is not defined.");
  // Through a fragment, and inside nested values.
  EXPECT_EQ(first_error("query Q { ...F } fragment F on Query { echo(q: {quantity: $n}) }"),
            "Variable \"$n\" is not defined by operation \"Q\".");
}

TEST_F(GraphqlValidation, UnusedVariablesAreAllowed) {
  Response r = run("query Q($unused: String) { channels { id } }");
  EXPECT_FALSE(r.request_error) << r.body.dump();
  EXPECT_EQ(r.body, json::parse(R"({"data":{"channels":[]}})"));
}

TEST_F(GraphqlValidation, Fragments) {
  EXPECT_EQ(first_error("{ channels { ...Missing } }"), "Unknown fragment \"Missing\".");
  EXPECT_EQ(first_error("{ channels { ...F } } fragment F on Nope { id }"), "Unknown type \"Nope\".");
  EXPECT_EQ(first_error("{ channels { ... on Nope { id } } }"), "Unknown type \"Nope\".");
  EXPECT_EQ(first_error("{ channels { ...F } } fragment F on String { id }"),
            "Fragment \"F\" cannot condition on non composite type \"String\".");
  EXPECT_EQ(first_error("{ channels { ... on InventoryEntry { id } } }"),
            "Fragment cannot be spread here as objects of type \"Channel\" can never be of type \"InventoryEntry\".");
  EXPECT_EQ(first_error("{ channels { ...A } } fragment A on Channel { ...B } fragment B on Channel { ...A }"),
            "Cannot spread fragment \"A\" within itself via \"B\".");
  EXPECT_EQ(first_error("{ channels { ...A } } fragment A on Channel { id ...A }"),
            "Cannot spread fragment \"A\" within itself.");
}

TEST_F(GraphqlValidation, OperationNamesAndSelection) {
  EXPECT_EQ(first_error("query A { channels { id } } query A { channels { id } }"),
            "There can be only one operation named \"A\".");
  EXPECT_EQ(first_error("{ channels { id } } query B { channels { id } }"),
            "This anonymous operation must be the only defined operation.");
  EXPECT_EQ(errors("query A { channels { id } } query B { channels { key } }").front(),
            "Must provide operation name if query contains multiple operations.");
  EXPECT_EQ(errors("query A { channels { id } }", json::object(), "C").front(), "Unknown operation named \"C\".");
  Response r = run("query A { channels { id } } query B { channels { key } }", json::object(), "B");
  EXPECT_FALSE(r.request_error) << r.body.dump();
}

TEST_F(GraphqlValidation, LiteralArgumentsAreChecked) {
  EXPECT_EQ(first_error("{ echo(i: \"abc\") }"), "Int cannot represent non-integer value: \"abc\"");
  EXPECT_EQ(first_error("{ echo(i: 3000000000) }"), "Int cannot represent non 32-bit signed integer value: 3000000000");
  EXPECT_EQ(first_error("{ echo(s: 12) }"), "String cannot represent a non string value: 12");
  EXPECT_EQ(first_error("{ echo(b: 1) }"), "Boolean cannot represent a non boolean value: 1");
  EXPECT_EQ(first_error("{ echo(f: \"x\") }"), "Float cannot represent non numeric value: \"x\"");
  EXPECT_EQ(first_error("{ echo(id: 1.5) }"), "ID cannot represent a non-string and non-integer value: 1.5");
  EXPECT_EQ(first_error("{ echo(c: BLUE) }"), "Value \"BLUE\" does not exist in \"Color\" enum.");
  EXPECT_EQ(first_error("{ echo(c: \"RED\") }"), "Enum \"Color\" cannot represent non-enum value: \"RED\".");
  EXPECT_EQ(first_error("{ echo(l: [1, null]) }"), "Expected value of type \"Int!\", found null.");
  EXPECT_EQ(first_error("{ echo(q: {quantity: 1, bogus: 2}) }"), "Field \"bogus\" is not defined by type \"QtyInput\".");
  EXPECT_EQ(first_error("{ echo(q: {note: \"n\"}) }"),
            "Field \"QtyInput.quantity\" of required type \"Long!\" was not provided.");
  EXPECT_EQ(first_error("{ echo(q: 5) }"), "Expected value of type \"QtyInput\", found 5.");
  EXPECT_EQ(first_error("{ echo(q: {quantity: 1, quantity: 2}) }"),
            "There can be only one input field named \"quantity\".");
  EXPECT_EQ(first_error("{ channel(key: null) { id } }"), "Expected value of type \"String!\", found null.");
  EXPECT_EQ(first_error("{ channel(key: \"a\", key: \"b\") { id } }"), "There can be only one argument named \"key\".");
}

TEST_F(GraphqlValidation, VariableDefinitions) {
  EXPECT_EQ(first_error("query Q($x: Nope) { channels { id } }"), "Unknown type \"Nope\".");
  EXPECT_EQ(first_error("query Q($x: Channel) { channels { id } }"),
            "Variable \"$x\" cannot be non-input type \"Channel\".");
  EXPECT_EQ(first_error("query Q($x: Int, $x: Int) { channels { id } }"),
            "There can be only one variable named \"$x\".");
  EXPECT_EQ(first_error("query Q($x: Int = \"a\") { echo(i: $x) }"), "Int cannot represent non-integer value: \"a\"");
}

TEST_F(GraphqlValidation, VariablesInAllowedPosition) {
  EXPECT_EQ(first_error("query Q($k: String) { channel(key: $k) { id } }"),
            "Variable \"$k\" of type \"String\" used in position expecting type \"String!\".");
  EXPECT_EQ(first_error("query Q($i: String) { echo(i: $i) }"),
            "Variable \"$i\" of type \"String\" used in position expecting type \"Int\".");
  // A default value makes a nullable variable acceptable in a non-null position.
  Response r = run("query Q($k: String = \"dflt\") { channel(key: $k) { key } }");
  EXPECT_FALSE(r.request_error) << r.body.dump();
  EXPECT_EQ(r.body["data"]["channel"]["key"], "dflt");
}

TEST_F(GraphqlValidation, MutationWithoutMutationType) {
  Result<Schema> schema = Schema::parse("type Query { a: Int }");
  ASSERT_TRUE(schema.ok());
  Executor ex(std::move(schema).value(), {});
  Request req;
  req.query = "mutation { a }";
  Response r = ex.execute(req);
  ASSERT_TRUE(r.request_error);
  EXPECT_EQ(r.body["errors"][0]["message"], "Schema is not configured to execute mutation operation.");
}

TEST_F(GraphqlValidation, ReportsEveryErrorWithLocations) {
  Response r = run("{\n  nope\n  channel { id }\n}");
  ASSERT_TRUE(r.request_error);
  ASSERT_EQ(r.body["errors"].size(), 2u);
  EXPECT_EQ(r.body["errors"][0]["locations"], json::parse(R"([{"line":2,"column":3}])"));
  EXPECT_EQ(r.body["errors"][1]["locations"], json::parse(R"([{"line":3,"column":3}])"));
}

// --- Variable coercion -------------------------------------------------------

TEST_F(GraphqlValidation, RequiredVariableNotProvided) {
  Response r = run("query Q($id: String!) { channel(key: $id) { id } }");
  ASSERT_TRUE(r.request_error);
  EXPECT_EQ(r.body["errors"][0]["message"], "Variable \"$id\" of required type \"String!\" was not provided.");
  EXPECT_EQ(r.body["errors"][0]["locations"], json::parse(R"([{"line":1,"column":9}])"));
}

TEST_F(GraphqlValidation, NullForNonNullVariable) {
  EXPECT_EQ(first_error("query Q($id: String!) { channel(key: $id) { id } }", json{{"id", nullptr}}),
            "Variable \"$id\" of non-null type \"String!\" must not be null.");
}

TEST_F(GraphqlValidation, WrongVariableTypes) {
  EXPECT_EQ(first_error("query Q($first: Int) { echo(i: $first) }", json{{"first", "abc"}}),
            "Variable \"$first\" got invalid value \"abc\"; Int cannot represent non-integer value: \"abc\"");
  EXPECT_EQ(first_error("query Q($first: Int) { echo(i: $first) }", json{{"first", 1.5}}),
            "Variable \"$first\" got invalid value 1.5; Int cannot represent non-integer value: 1.5");
  EXPECT_EQ(first_error("query Q($first: Int) { echo(i: $first) }", json{{"first", 4294967296LL}}),
            "Variable \"$first\" got invalid value 4294967296; Int cannot represent non 32-bit signed integer "
            "value: 4294967296");
  EXPECT_EQ(first_error("query Q($s: String) { echo(s: $s) }", json{{"s", 5}}),
            "Variable \"$s\" got invalid value 5; String cannot represent a non string value: 5");
  EXPECT_EQ(first_error("query Q($b: Boolean) { echo(b: $b) }", json{{"b", "true"}}),
            "Variable \"$b\" got invalid value \"true\"; Boolean cannot represent a non boolean value: \"true\"");
  EXPECT_EQ(first_error("query Q($c: Color) { echo(c: $c) }", json{{"c", "BLUE"}}),
            "Variable \"$c\" got invalid value \"BLUE\"; Value \"BLUE\" does not exist in \"Color\" enum.");
  EXPECT_EQ(first_error("query Q($l: [Int!]) { echo(l: $l) }", json{{"l", json::array({1, nullptr})}}),
            "Variable \"$l\" got invalid value null at \"l[1]\"; Expected non-nullable type \"Int!\" not to be null.");
}

TEST_F(GraphqlValidation, InputObjectVariables) {
  EXPECT_EQ(first_error("query Q($q: QtyInput) { echo(q: $q) }", json{{"q", {{"quantity", 1}, {"bogus", 2}}}}),
            "Variable \"$q\" got invalid value {\"bogus\":2,\"quantity\":1}; Field \"bogus\" is not defined by type "
            "\"QtyInput\".");
  EXPECT_EQ(first_error("query Q($q: QtyInput) { echo(q: $q) }", json{{"q", {{"note", "x"}}}}),
            "Variable \"$q\" got invalid value {\"note\":\"x\"}; Field \"quantity\" of required type \"Long!\" was not "
            "provided.");
  EXPECT_EQ(first_error("query Q($q: QtyInput) { echo(q: $q) }", json{{"q", {{"quantity", 1}, {"mode", "X"}}}}),
            "Variable \"$q\" got invalid value \"X\" at \"q.mode\"; Value \"X\" does not exist in \"Color\" enum.");
  EXPECT_EQ(first_error("query Q($q: QtyInput) { echo(q: $q) }", json{{"q", "str"}}),
            "Variable \"$q\" got invalid value \"str\"; Expected type \"QtyInput\" to be an object.");
  EXPECT_EQ(first_error("query Q($a: [UpdateAction!]) { echo(acts: $a) }",
                        json{{"a", json::array({{{"changeQuantity", {{"quantity", 1}, {"mode", 3}}}}})}}),
            "Variable \"$a\" got invalid value 3 at \"a[0].changeQuantity.mode\"; Enum \"Color\" cannot represent "
            "non-string value: 3.");
}

TEST_F(GraphqlValidation, VariablesMustBeAnObject) {
  Response r = run("{ channels { id } }", json::array());
  ASSERT_TRUE(r.request_error);
  EXPECT_NE(r.body["errors"][0]["message"].get<std::string>().find("Variables must be provided as an Object"),
            std::string::npos);
  Response null_vars = run("{ channels { id } }", nullptr);
  EXPECT_FALSE(null_vars.request_error);
}

}  // namespace
}  // namespace fct::graphql
