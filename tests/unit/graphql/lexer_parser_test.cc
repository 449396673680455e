#include <gtest/gtest.h>

#include <random>
#include <string>

#include "graphql/graphql.h"

namespace fct::graphql {
namespace {

Document parse_ok(std::string_view source) {
  Result<Document> doc = parse(source);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  return doc.ok() ? std::move(doc).value() : Document{};
}

std::string parse_error(std::string_view source) {
  Result<Document> doc = parse(source);
  EXPECT_FALSE(doc.ok()) << "parsed: " << source;
  if (doc.ok()) return {};
  EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
  return doc.error().message;
}

TEST(GraphqlParser, ShorthandQuery) {
  Document doc = parse_ok("{ channel { id key } }");
  ASSERT_EQ(doc.operations.size(), 1u);
  const Operation& op = doc.operations[0];
  EXPECT_EQ(op.type, OperationType::kQuery);
  EXPECT_TRUE(op.name.empty());
  ASSERT_EQ(op.selection_set.size(), 1u);
  const Field& f = *op.selection_set[0].field;
  EXPECT_EQ(f.name, "channel");
  ASSERT_EQ(f.selection_set.size(), 2u);
  EXPECT_EQ(f.selection_set[1].field->name, "key");
  EXPECT_EQ(f.loc.line, 1);
  EXPECT_EQ(f.loc.column, 3);
}

TEST(GraphqlParser, OperationWithVariablesAndDefaults) {
  Document doc = parse_ok(
      "query Q($id: String!, $ids: [ID!]! = [\"a\"], $n: Int = 10, $m: [[Int]], $o: In = {a: 1, b: [true]}) {\n"
      "  x: thing(id: $id) { id }\n}");
  const Operation& op = doc.operations.at(0);
  EXPECT_EQ(op.name, "Q");
  ASSERT_EQ(op.variables.size(), 5u);
  EXPECT_EQ(op.variables[0].name, "id");
  EXPECT_EQ(op.variables[0].type.to_string(), "String!");
  EXPECT_EQ(op.variables[1].type.to_string(), "[ID!]!");
  ASSERT_TRUE(op.variables[1].default_value.has_value());
  EXPECT_EQ(op.variables[1].default_value->kind, Value::Kind::kList);
  EXPECT_EQ(op.variables[1].default_value->list.at(0).text, "a");
  EXPECT_EQ(op.variables[2].default_value->text, "10");
  EXPECT_EQ(op.variables[3].type.to_string(), "[[Int]]");
  EXPECT_EQ(op.variables[4].default_value->fields.at(1).first, "b");
  const Field& f = *op.selection_set.at(0).field;
  EXPECT_EQ(f.alias, "x");
  EXPECT_EQ(f.response_key(), "x");
  EXPECT_EQ(f.arguments.at(0).value.kind, Value::Kind::kVariable);
  EXPECT_EQ(f.arguments.at(0).value.text, "id");
  EXPECT_EQ(f.loc.line, 2);
  EXPECT_EQ(f.loc.column, 3);
}

TEST(GraphqlParser, AllLiteralKinds) {
  Document doc = parse_ok(
      R"({ f(a: 1, b: -2.5e3, c: "s\n\"\\\u00e9\uD83D\uDE00", d: true, e: false, g: null, h: RED, i: [1, [2]], j: {k: {l: $v}}) })");
  const auto& args = doc.operations[0].selection_set[0].field->arguments;
  ASSERT_EQ(args.size(), 9u);
  EXPECT_EQ(args[0].value.kind, Value::Kind::kInt);
  EXPECT_EQ(args[1].value.kind, Value::Kind::kFloat);
  EXPECT_EQ(args[1].value.text, "-2.5e3");
  EXPECT_EQ(args[2].value.kind, Value::Kind::kString);
  EXPECT_EQ(args[2].value.text, "s\n\"\\\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_TRUE(args[3].value.boolean);
  EXPECT_EQ(args[4].value.kind, Value::Kind::kBoolean);
  EXPECT_FALSE(args[4].value.boolean);
  EXPECT_EQ(args[5].value.kind, Value::Kind::kNull);
  EXPECT_EQ(args[6].value.kind, Value::Kind::kEnum);
  EXPECT_EQ(args[6].value.text, "RED");
  EXPECT_EQ(args[7].value.list.at(1).list.at(0).text, "2");
  EXPECT_EQ(args[8].value.fields.at(0).second.fields.at(0).second.kind, Value::Kind::kVariable);
}

TEST(GraphqlParser, CommentsCommasAndBom) {
  Document doc = parse_ok("\xEF\xBB\xBF# leading comment\n{ a,,, b # trailing\n , c }");
  EXPECT_EQ(doc.operations[0].selection_set.size(), 3u);
  EXPECT_EQ(doc.operations[0].selection_set[2].field->loc.line, 3);
  EXPECT_EQ(doc.operations[0].selection_set[2].field->loc.column, 4);
}

TEST(GraphqlParser, CrLfLineTracking) {
  Document doc = parse_ok("{\r\n  a\r\n  b\r  c }");
  EXPECT_EQ(doc.operations[0].selection_set[1].field->loc.line, 3);
  EXPECT_EQ(doc.operations[0].selection_set[2].field->loc.line, 4);
  EXPECT_EQ(doc.operations[0].selection_set[2].field->loc.column, 3);
}

TEST(GraphqlParser, BlockString) {
  Document doc = parse_ok("{ f(s: \"\"\"\n    Hello,\n      World!\n\n    Yours \\\"\"\" \"quote\"\n  \"\"\") }");
  EXPECT_EQ(doc.operations[0].selection_set[0].field->arguments[0].value.text,
            "Hello,\n  World!\n\nYours \"\"\" \"quote\"");
}

TEST(GraphqlParser, BlockStringAdvancesLines) {
  Document doc = parse_ok("{ f(s: \"\"\"a\nb\nc\"\"\") g }");
  const Field& g = *doc.operations[0].selection_set[1].field;
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.loc.line, 3);
  EXPECT_EQ(g.loc.column, 7);
}

TEST(GraphqlParser, FragmentsAndDirectives) {
  Document doc = parse_ok(
      "query Q($s: Boolean!) { item { ...F @include(if: $s) ... on Product @skip(if: false) { sku } "
      "... @include(if: true) { id } name @skip(if: $s) } } fragment F on Item { id }");
  ASSERT_EQ(doc.fragments.size(), 1u);
  EXPECT_EQ(doc.fragments[0].name, "F");
  EXPECT_EQ(doc.fragments[0].type_condition, "Item");
  const auto& set = doc.operations[0].selection_set[0].field->selection_set;
  ASSERT_EQ(set.size(), 4u);
  ASSERT_TRUE(set[0].spread.has_value());
  EXPECT_EQ(set[0].spread->name, "F");
  EXPECT_EQ(set[0].spread->directives.at(0).name, "include");
  ASSERT_TRUE(set[1].inline_fragment.has_value());
  EXPECT_EQ(set[1].inline_fragment->type_condition, "Product");
  EXPECT_EQ(set[1].inline_fragment->directives.at(0).name, "skip");
  EXPECT_TRUE(set[2].inline_fragment->type_condition.empty());
  EXPECT_EQ(set[3].field->directives.at(0).arguments.at(0).value.text, "s");
}

TEST(GraphqlParser, Mutation) {
  Document doc = parse_ok("mutation M { a { id } } query { b }");
  ASSERT_EQ(doc.operations.size(), 2u);
  EXPECT_EQ(doc.operations[0].type, OperationType::kMutation);
  EXPECT_EQ(doc.operations[1].type, OperationType::kQuery);
}

TEST(GraphqlParser, OperationSelection) {
  Document doc = parse_ok("query A { a } query B { b }");
  auto b = doc.operation("B");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.value()->name, "B");
  auto none = doc.operation();
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "Must provide operation name if query contains multiple operations.");
  auto unknown = doc.operation("C");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "Unknown operation named \"C\".");
  Document single = parse_ok("{ a }");
  auto only = single.operation();
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only.value(), &single.operations[0]);
  Document empty;
  EXPECT_FALSE(empty.operation().ok());
}

TEST(GraphqlParser, SyntaxErrorsHaveLineAndColumn) {
  EXPECT_EQ(parse_error("query Q {\n  a {\n"), "Syntax Error: Expected Name, found <EOF>. (line 3, column 1)");
  EXPECT_EQ(parse_error(""), "Syntax Error: Unexpected <EOF>. (line 1, column 1)");
  EXPECT_EQ(parse_error("{ a(x: ) }"), "Syntax Error: Unexpected \")\". (line 1, column 8)");
  EXPECT_EQ(parse_error("{ a(x 1) }"), "Syntax Error: Expected \":\", found Int \"1\". (line 1, column 7)");
  EXPECT_EQ(parse_error("{ a }}"), "Syntax Error: Unexpected \"}\". (line 1, column 6)");
  EXPECT_EQ(parse_error("{ a % }"), "Syntax Error: Unexpected character: \"%\". (line 1, column 5)");
  EXPECT_EQ(parse_error("{ a(s: \"abc) }"), "Syntax Error: Unterminated string. (line 1, column 15)");
  EXPECT_EQ(parse_error("{ a(s: \"a\\qb\") }"),
            "Syntax Error: Invalid character escape sequence: \"\\q\". (line 1, column 10)");
  EXPECT_EQ(parse_error("{ a(n: 012) }"),
            "Syntax Error: Invalid number, unexpected digit after 0: \"1\". (line 1, column 9)");
  EXPECT_EQ(parse_error("{ a(n: 1.x) }"),
            "Syntax Error: Invalid number, expected digit but got: \"x\". (line 1, column 10)");
  EXPECT_EQ(parse_error("{ a(n: 12a) }"),
            "Syntax Error: Invalid number, expected digit but got: \"a\". (line 1, column 10)");
  EXPECT_EQ(parse_error("{ ..a }"), "Syntax Error: Unexpected character: \".\". (line 1, column 3)");
  EXPECT_EQ(parse_error("fragment on on T { a }"), "Syntax Error: Unexpected Name \"on\". (line 1, column 10)");
  EXPECT_EQ(parse_error("query Q($a: Int = $b) { a }"),
            "Syntax Error: Unexpected variable \"$b\" in constant value. (line 1, column 19)");
  EXPECT_EQ(parse_error("type Query { a: Int }"), "Syntax Error: Unexpected Name \"type\". (line 1, column 1)");
  EXPECT_EQ(parse_error("{ a(s: \"\\uD800\") }"),
            "Syntax Error: Invalid Unicode escape sequence: \"\\uD800\". (line 1, column 9)");
  EXPECT_EQ(parse_error("{ a(s: \"\xff\") }"), "Syntax Error: Invalid UTF-8 sequence within String. (line 1, column 9)");
}

TEST(GraphqlParser, ColumnsCountCodePoints) {
  EXPECT_EQ(parse_error("{ a(s: \"\xC3\xA9\xC3\xA9\") % }"),
            "Syntax Error: Unexpected character: \"%\". (line 1, column 14)");
}

TEST(GraphqlParser, SubscriptionsAndUnknownDirectivesAreRejected) {
  EXPECT_EQ(parse_error("subscription S { a }"), "Subscriptions are not supported. (line 1, column 1)");
  EXPECT_EQ(parse_error("{ a @deprecated }"), "Unknown directive \"@deprecated\". (line 1, column 5)");
  EXPECT_EQ(parse_error("query Q @skip(if: true) { a }"),
            "Directive \"@skip\" may not be used on QUERY. (line 1, column 9)");
  EXPECT_EQ(parse_error("{ a @skip(if: true) @skip(if: false) }"),
            "The directive \"@skip\" can only be used once at this location. (line 1, column 21)");
}

TEST(GraphqlParser, DepthLimit) {
  std::string ok = "{ ";
  for (int i = 0; i < 63; ++i) ok += "a { ";
  ok += "b";
  for (int i = 0; i < 64; ++i) ok += " }";
  EXPECT_TRUE(parse(ok).ok());

  std::string deep = "{ ";
  for (int i = 0; i < 100000; ++i) deep += "a { ";
  std::string message = parse_error(deep);
  EXPECT_NE(message.find("nesting depth exceeds the maximum of 64"), std::string::npos) << message;

  std::string lists = "{ a(x: " + std::string(100000, '[') + ") }";
  EXPECT_NE(parse_error(lists).find("nesting depth"), std::string::npos);
  std::string objects = "{ a(x: ";
  for (int i = 0; i < 1000; ++i) objects += "{a: ";
  EXPECT_NE(parse_error(objects).find("nesting depth"), std::string::npos);
  std::string types = "query($a: " + std::string(1000, '[') + "Int" + std::string(1000, ']') + ") { a }";
  EXPECT_NE(parse_error(types).find("nesting depth"), std::string::npos);
}

TEST(GraphqlParser, GarbageDoesNotCrash) {
  std::mt19937 rng(12345);
  std::string alphabet = "{}()[]:$@!=.|&\"\\#,\n\r\t abcxyz019-+eE_onquerymutationfragment\xC3\xA9\xff";
  alphabet += '\0';
  const std::string seed =
      "query Q($a: [Int!]! = [1]) { x: f(a: $a, o: {k: \"v\\u00e9\"}) @skip(if: true) { ...F ... on T { b } } } "
      "fragment F on T { c(d: \"\"\"doc\"\"\") }";
  ASSERT_TRUE(parse(seed).ok());
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string input;
    if (i % 2 == 0) {
      size_t len = rng() % 80;
      for (size_t j = 0; j < len; ++j) input += alphabet[rng() % alphabet.size()];
    } else {
      input = seed;
      int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        size_t pos = rng() % input.size();
        switch (rng() % 3) {
          case 0: input.erase(pos, 1 + rng() % 5); break;
          case 1: input.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
          default: input[pos] = alphabet[rng() % alphabet.size()];
        }
        if (input.empty()) input = "{";
      }
    }
    Result<Document> doc = parse(input);
    if (doc.ok()) {
      ++parsed;
      // Whatever parses must print to something that parses to the same text again.
      std::string printed = print(doc.value());
      Result<Document> again = parse(printed);
      ASSERT_TRUE(again.ok()) << input << "\n" << printed;
      EXPECT_EQ(print(again.value()), printed);
    } else {
      EXPECT_NE(doc.error().message.find("(line "), std::string::npos) << doc.error().message;
      // Messages go into JSON responses: they must be valid UTF-8.
      EXPECT_NO_THROW((void)nlohmann::json(doc.error().message).dump()) << input;
    }
  }
  EXPECT_GT(parsed, 0);
}

TEST(GraphqlParser, TypeRefToString) {
  TypeRef inner;
  inner.name = "String";
  inner.non_null = true;
  TypeRef list;
  list.of = std::make_shared<TypeRef>(inner);
  list.non_null = true;
  EXPECT_EQ(list.to_string(), "[String!]!");
  list.non_null = false;
  EXPECT_EQ(list.to_string(), "[String!]");
}

}  // namespace
}  // namespace fct::graphql
