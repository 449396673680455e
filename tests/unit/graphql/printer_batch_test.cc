#include <gtest/gtest.h>

#include <string>

#include "graphql/graphql.h"

namespace fct::graphql {
namespace {

Document must_parse(std::string_view source) {
  Result<Document> doc = parse(source);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message) << "\n" << source;
  return doc.ok() ? std::move(doc).value() : Document{};
}

std::string reprint(std::string_view source) { return print(must_parse(source)); }

TEST(GraphqlPrinter, CompactAndDeterministic) {
  EXPECT_EQ(reprint("{\n  a\n  b { c }\n}"), "{ a b { c } }");
  EXPECT_EQ(reprint("query Q($id: String!, $n: [Int!] = [1, 2], $o: In = {a: \"x\", b: null}) {\n"
                    "  x: f(a: 1, f: -1.5e10, e: RED, t: true, l: [[1], []], o: {k: $id, m: {}}) @skip(if: false) {\n"
                    "    id ...F ... on T { b } ... @include(if: $t) { c }\n  }\n}\n"
                    "fragment F on T { d }"),
            "query Q($id: String!, $n: [Int!] = [1, 2], $o: In = {a: \"x\", b: null}) "
            "{ x: f(a: 1, f: -1.5e10, e: RED, t: true, l: [[1], []], o: {k: $id, m: {}}) @skip(if: false) "
            "{ id ...F ... on T { b } ... @include(if: $t) { c } } } fragment F on T { d }");
  EXPECT_EQ(reprint("mutation { a }"), "mutation { a }");
  EXPECT_EQ(reprint("query { a }"), "{ a }");
  EXPECT_EQ(reprint("query Named { a }"), "query Named { a }");
  EXPECT_EQ(reprint("{ a ...F @skip(if: $x) }"), "{ a ...F @skip(if: $x) }");
}

TEST(GraphqlPrinter, StringsAreReEscaped) {
  std::string printed = reprint(R"({ f(s: "q\"b\\s\n\r\t\b\f\u0001/é\u00e9") })");
  EXPECT_EQ(printed, "{ f(s: \"q\\\"b\\\\s\\n\\r\\t\\b\\f\\u0001/\xC3\xA9\xC3\xA9\") }");
  Document doc = must_parse(printed);
  EXPECT_EQ(doc.operations[0].selection_set[0].field->arguments[0].value.text,
            "q\"b\\s\n\r\t\b\f\x01/\xC3\xA9\xC3\xA9");
}

TEST(GraphqlPrinter, BlockStringsPrintAsStrings) {
  std::string printed = reprint("{ f(s: \"\"\"\n  line \"one\"\n  line\\two\n\"\"\") }");
  EXPECT_EQ(printed, "{ f(s: \"line \\\"one\\\"\\nline\\\\two\") }");
}

TEST(GraphqlPrinter, RoundTripPreservesStructure) {
  const char* source =
      "query Q($a: [[String!]]!, $b: Boolean = true) { alias: f(a: $a, o: {l: [{x: 1.0}], e: ENUM}) "
      "@include(if: $b) { ...F ... on T @skip(if: $b) { z } ... { w } } } "
      "mutation M($id: ID!) { u(id: $id) { id } } fragment F on T { y { ...G } } fragment G on U { q }";
  Document doc = must_parse(source);
  std::string once = print(doc);
  Document again = must_parse(once);
  EXPECT_EQ(print(again), once);
  ASSERT_EQ(again.operations.size(), 2u);
  ASSERT_EQ(again.fragments.size(), 2u);
  EXPECT_EQ(again.operations[0].variables[0].type.to_string(), "[[String!]]!");
  EXPECT_EQ(again.operations[0].selection_set[0].field->alias, "alias");
  EXPECT_EQ(again.operations[0].selection_set[0].field->directives[0].name, "include");
  EXPECT_EQ(again.operations[1].variables[0].type.to_string(), "ID!");
}

TEST(GraphqlBatch, HeaderExample) {
  Document doc = must_parse("mutation U($id: String!) { updateInventoryEntry(id: $id) { id } }");
  std::string out = batch(doc, doc.operations[0], 2, "u");
  EXPECT_EQ(out,
            "mutation UBatch2($id_0: String!, $id_1: String!) { u0: updateInventoryEntry(id: $id_0) { id } "
            "u1: updateInventoryEntry(id: $id_1) { id } }");
  EXPECT_TRUE(parse(out).ok());
}

TEST(GraphqlBatch, RenamesVariablesInsideNestedValues) {
  Document doc = must_parse(
      "mutation Upd($id: String!, $version: Long!, $qty: Long = 5, $skip: Boolean!) {\n"
      "  updateInventoryEntry(id: $id, version: $version,\n"
      "    actions: [{changeQuantity: {quantity: $qty}}, {setCustomField: {name: \"n\", value: [$id, {x: $qty}]}}]) "
      "@skip(if: $skip) {\n"
      "    id version\n  }\n}");
  std::string out = batch(doc, doc.operations[0], 2, "u");
  EXPECT_EQ(out,
            "mutation UpdBatch2($id_0: String!, $version_0: Long!, $qty_0: Long = 5, $skip_0: Boolean!, "
            "$id_1: String!, $version_1: Long!, $qty_1: Long = 5, $skip_1: Boolean!) { "
            "u0: updateInventoryEntry(id: $id_0, version: $version_0, actions: [{changeQuantity: {quantity: $qty_0}}, "
            "{setCustomField: {name: \"n\", value: [$id_0, {x: $qty_0}]}}]) @skip(if: $skip_0) { id version } "
            "u1: updateInventoryEntry(id: $id_1, version: $version_1, actions: [{changeQuantity: {quantity: $qty_1}}, "
            "{setCustomField: {name: \"n\", value: [$id_1, {x: $qty_1}]}}]) @skip(if: $skip_1) { id version } }");
}

TEST(GraphqlBatch, MultipleRootFieldsUseResponseKeys) {
  Document doc = must_parse("query Q($k: String) { channel(key: $k) { id } other: channels { total } }");
  std::string out = batch(doc, doc.operations[0], 2, "c");
  EXPECT_EQ(out,
            "query QBatch2($k_0: String, $k_1: String) { c0_channel: channel(key: $k_0) { id } "
            "c0_other: channels { total } c1_channel: channel(key: $k_1) { id } c1_other: channels { total } }");
}

TEST(GraphqlBatch, ExistingAliasIsReplacedAndAnonymousIsNamedOp) {
  Document doc = must_parse("query ($id: ID!) { x: product(id: $id) { id } }");
  std::string out = batch(doc, doc.operations[0], 3, "p");
  EXPECT_EQ(out,
            "query OpBatch3($id_0: ID!, $id_1: ID!, $id_2: ID!) { p0: product(id: $id_0) { id } "
            "p1: product(id: $id_1) { id } p2: product(id: $id_2) { id } }");
}

TEST(GraphqlBatch, FragmentsWithoutVariablesAreEmittedOnce) {
  Document doc = must_parse(
      "query Q($id: String!) { entry(id: $id) { ...E } } "
      "fragment E on Entry { id sku ...V } fragment V on Entry { version } fragment Unused on Entry { x }");
  std::string out = batch(doc, doc.operations[1 - 1], 2, "e");
  EXPECT_EQ(out,
            "query QBatch2($id_0: String!, $id_1: String!) { e0: entry(id: $id_0) { ...E } "
            "e1: entry(id: $id_1) { ...E } } fragment E on Entry { id sku ...V } fragment V on Entry { version }");
  EXPECT_TRUE(parse(out).ok());
}

TEST(GraphqlBatch, FragmentsUsingVariablesAreCopiedPerInstance) {
  Document doc = must_parse(
      "query Q($id: String!, $n: Int) { entry(id: $id) { ...E } } "
      "fragment E on Entry { id ...Items } fragment Items on Entry { items(first: $n) { id } } "
      "fragment Plain on Entry { id }");
  std::string out = batch(doc, doc.operations[0], 2, "e");
  EXPECT_EQ(out,
            "query QBatch2($id_0: String!, $n_0: Int, $id_1: String!, $n_1: Int) { e0: entry(id: $id_0) { ...E_0 } "
            "e1: entry(id: $id_1) { ...E_1 } } "
            "fragment E_0 on Entry { id ...Items_0 } fragment E_1 on Entry { id ...Items_1 } "
            "fragment Items_0 on Entry { items(first: $n_0) { id } } "
            "fragment Items_1 on Entry { items(first: $n_1) { id } }");
}

TEST(GraphqlBatch, RootFragmentsAreInlinedSoTheirFieldsGetAliases) {
  Document doc = must_parse(
      "query Q($id: String!) { ...Root ... on Query { b: other } } fragment Root on Query { entry(id: $id) { id } }");
  std::string out = batch(doc, doc.operations[0], 2, "q");
  EXPECT_EQ(out,
            "query QBatch2($id_0: String!, $id_1: String!) { "
            "... on Query { q0_entry: entry(id: $id_0) { id } } ... on Query { q0_b: other } "
            "... on Query { q1_entry: entry(id: $id_1) { id } } ... on Query { q1_b: other } }");
}

TEST(GraphqlBatch, SingleCopyAndZero) {
  Document doc = must_parse("{ a { b } }");
  EXPECT_EQ(batch(doc, doc.operations[0], 1, "x"), "query OpBatch1 { x0: a { b } }");
  EXPECT_EQ(batch(doc, doc.operations[0], 0, "x"), "");
}

}  // namespace
}  // namespace fct::graphql
