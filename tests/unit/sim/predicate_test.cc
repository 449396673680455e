#include "sim/predicate.h"

#include <map>

#include <gtest/gtest.h>

namespace fct::sim {
namespace {

bool eval(const std::string& where, const std::map<std::string, PredicateValue>& fields) {
  auto p = parse_predicate(where);
  EXPECT_TRUE(p.ok()) << where << ": " << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return false;
  return evaluate(p.value(), [&](const std::string& path) -> std::optional<PredicateValue> {
    auto it = fields.find(path);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  });
}

const std::map<std::string, PredicateValue> kEntry = {
    {"sku", PredicateValue::string("A-1")},
    {"quantityOnStock", PredicateValue::num(5)},
    {"supplyChannel", PredicateValue::string("c1")},
    {"supplyChannel.id", PredicateValue::string("c1")},
};

TEST(Predicate, Comparisons) {
  EXPECT_TRUE(eval("sku = \"A-1\"", kEntry));
  EXPECT_FALSE(eval("sku = \"A-2\"", kEntry));
  EXPECT_TRUE(eval("sku != \"A-2\"", kEntry));
  EXPECT_TRUE(eval("quantityOnStock >= 5 and quantityOnStock < 6", kEntry));
  EXPECT_FALSE(eval("quantityOnStock > 5", kEntry));
  EXPECT_TRUE(eval("sku in (\"X\", \"A-1\")", kEntry));
  EXPECT_FALSE(eval("sku not in (\"X\", \"A-1\")", kEntry));
}

TEST(Predicate, NestedAndDefined) {
  EXPECT_TRUE(eval("supplyChannel(id = \"c1\")", kEntry));
  EXPECT_FALSE(eval("supplyChannel(id = \"c2\")", kEntry));
  EXPECT_TRUE(eval("supplyChannel is defined", kEntry));
  EXPECT_FALSE(eval("supplyChannel is not defined", kEntry));
  EXPECT_TRUE(eval("key is not defined", kEntry));
  EXPECT_TRUE(eval("sku in (\"A-1\") AND supplyChannel(id=\"c1\")", kEntry));
}

TEST(Predicate, BooleanStructure) {
  EXPECT_TRUE(eval("sku = \"nope\" or (sku = \"A-1\" and quantityOnStock = 5)", kEntry));
  EXPECT_FALSE(eval("not (sku = \"A-1\")", kEntry));
  EXPECT_TRUE(eval("not(sku = \"B\") and sku = \"A-1\"", kEntry));
}

// Long in-lists are looked up in a hash set; the answers must be those of
// the value-by-value comparison short lists get.
TEST(Predicate, LongInListsMatchShortOnes) {
  std::string filler;
  for (int i = 0; i < 20; ++i) filler += "\"F-" + std::to_string(i) + "\", ";
  auto check = [&](const std::string& list, const PredicateValue& value, bool expected) {
    const std::map<std::string, PredicateValue> f = {{"x", value}};
    EXPECT_EQ(eval("x in (" + list + ")", f), expected) << list;
    EXPECT_EQ(eval("x in (" + filler + list + ")", f), expected) << list;
    EXPECT_EQ(eval("x not in (" + list + ")", f), !expected) << list;
    EXPECT_EQ(eval("x not in (" + filler + list + ")", f), !expected) << list;
  };
  auto p = parse_predicate("x in (" + filler + "\"A\")");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p.value().string_set);  // the long form does take the set path
  check("\"A-1\"", PredicateValue::string("A-1"), true);
  check("\"A-2\"", PredicateValue::string("A-1"), false);
  check("5", PredicateValue::string("5"), false);  // a number never equals a string
  check("5", PredicateValue::num(5), true);
  check("\"5\"", PredicateValue::num(5), false);
  check("\"\"", PredicateValue::string(""), true);
  // Date-times compare by instant, so a different text can match.
  check("\"2026-01-01T02:00:00+02:00\"", PredicateValue::string("2026-01-01T00:00:00.000Z"), true);
  check("\"2026-01-01T00:00:00.000Z\"", PredicateValue::string("2026-01-01T00:00:00.000Z"), true);
  check("\"2026-01-01T00:00:01Z\"", PredicateValue::string("2026-01-01T00:00:00.000Z"), false);
  check("\"2026-01-01\"", PredicateValue::string("2026-01-01T00:00:00Z"), true);
}

TEST(Predicate, StringEscapes) {
  std::map<std::string, PredicateValue> f = {{"sku", PredicateValue::string("a\"b\\c\u00e9")}};
  EXPECT_TRUE(eval(R"(sku = "a\"b\\c\u00e9")", f));
}

TEST(Predicate, SyntaxErrorsNameTheProblem) {
  for (const char* bad : {"sku =", "sku = \"a", "sku in (\"a\"", "sku ~ \"a\"", "(sku = \"a\"", "sku = \"a\" and",
                          "sku is fine", "= \"a\"", "sku = \"a\" \"b\""}) {
    auto p = parse_predicate(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.error().message.find("Syntax error while parsing 'where'"), std::string::npos) << bad;
    EXPECT_NE(p.error().message.find("column"), std::string::npos) << bad;
  }
  auto p = parse_predicate("sku = \"a\" annd sku = \"b\"");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("'annd'"), std::string::npos) << p.error().message;
}

}  // namespace
}  // namespace fct::sim
