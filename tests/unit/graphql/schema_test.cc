#include <gtest/gtest.h>

#include "graphql/graphql.h"
#include "graphql/schema_impl.h"
#include "test_schema.h"

namespace fct::graphql {
namespace {

using internal::TypeKind;

TEST(GraphqlSchema, ParsesTheTestSchema) {
  Result<Schema> schema = Schema::parse(testing::kTestSdl);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  const Schema::Impl& impl = *schema->impl;
  EXPECT_EQ(impl.query_type, "Query");
  EXPECT_EQ(impl.mutation_type, "Mutation");

  const internal::TypeDef* entry = impl.type("InventoryEntry");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->kind, TypeKind::kObject);
  EXPECT_EQ(entry->interfaces, (std::vector<std::string>{"Node", "Versioned"}));
  const internal::FieldDef* qty = entry->field("quantityOnStock");
  ASSERT_NE(qty, nullptr);
  EXPECT_EQ(qty->type.to_string(), "Long!");
  ASSERT_NE(qty->named, nullptr);
  EXPECT_EQ(qty->named->name, "Long");
  const internal::FieldDef* price = entry->field("price");
  ASSERT_NE(price, nullptr);
  ASSERT_NE(price->arg("currency"), nullptr);
  EXPECT_EQ(price->arg("currency")->default_json, nlohmann::json("EUR"));

  const internal::TypeDef* node = impl.type("Node");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->kind, TypeKind::kInterface);
  EXPECT_EQ(node->possible_types.count("Channel"), 1u);
  EXPECT_EQ(node->possible_types.count("InventoryEntry"), 1u);

  const internal::TypeDef* search = impl.type("SearchResult");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->kind, TypeKind::kUnion);
  EXPECT_EQ(search->possible_types.size(), 2u);

  const internal::TypeDef* color = impl.type("Color");
  ASSERT_NE(color, nullptr);
  EXPECT_EQ(color->kind, TypeKind::kEnum);
  EXPECT_EQ(color->enum_values.size(), 2u);
  EXPECT_EQ(color->enum_values.count("GREEN"), 1u);

  const internal::TypeDef* input = impl.type("QtyInput");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->kind, TypeKind::kInputObject);
  ASSERT_EQ(input->input_fields.size(), 3u);
  EXPECT_EQ(input->input_fields[1].default_json, nlohmann::json("RED"));

  const internal::TypeDef* query = impl.type("Query");
  const internal::FieldDef* channels = query->field("channels");
  ASSERT_NE(channels, nullptr);
  EXPECT_EQ(channels->type.to_string(), "[Channel!]!");
  EXPECT_EQ(channels->arg("limit")->default_json, nlohmann::json(20));
  EXPECT_EQ(impl.type("Long")->kind, TypeKind::kScalar);
  EXPECT_EQ(impl.type("ID")->kind, TypeKind::kScalar);
}

TEST(GraphqlSchema, DefaultRootTypesAndSchemaBlock) {
  Result<Schema> plain = Schema::parse("type Query { a: Int }");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->impl->query_type, "Query");
  EXPECT_TRUE(plain->impl->mutation_type.empty());

  Result<Schema> renamed =
      Schema::parse("schema { query: Root mutation: Change } type Root { a: Int } type Change { b: Int }");
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  EXPECT_EQ(renamed->impl->query_type, "Root");
  EXPECT_EQ(renamed->impl->mutation_type, "Change");
}

TEST(GraphqlSchema, ExtendType) {
  Result<Schema> s = Schema::parse("type Query { a: Int } extend type Query { b: String }");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_NE(s->impl->type("Query")->field("b"), nullptr);
}

std::string schema_error(std::string_view sdl) {
  Result<Schema> s = Schema::parse(sdl);
  EXPECT_FALSE(s.ok());
  return s.ok() ? std::string() : s.error().message;
}

TEST(GraphqlSchema, ErrorsNameLineAndColumn) {
  EXPECT_EQ(schema_error("type Query {\n  a: Missing\n}"), "Unknown type \"Missing\". (line 2, column 6)");
  EXPECT_EQ(schema_error("type Query {\n  a Int\n}"),
            "Syntax Error: Expected \":\", found Name \"Int\". (line 2, column 5)");
  EXPECT_EQ(schema_error("type Query { a: Int }\ntype Query { b: Int }"),
            "There can be only one type named \"Query\". (line 2, column 6)");
  EXPECT_EQ(schema_error("type A { a: Int }"), "Query root type \"Query\" is not defined. (line 1, column 1)");
  EXPECT_EQ(schema_error("type Query { a(x: Query): Int }"),
            "The type of an argument or input field must be an input type, but \"Query\" is not. (line 1, column 19)");
  EXPECT_EQ(schema_error("input I { a: Int }\ntype Query { a: I }"),
            "The type of a field must be an output type, but \"I\" is not. (line 2, column 17)");
  EXPECT_NE(schema_error("type Query { a: Int } union U = Query | String").find("can only include Object types"),
            std::string::npos);
  EXPECT_NE(schema_error("type Query { a(n: Int = \"x\"): Int }").find("Invalid default value"), std::string::npos);
  EXPECT_NE(schema_error("type Query { a: Int } scalar String").find("already exists"), std::string::npos);
}

}  // namespace
}  // namespace fct::graphql
