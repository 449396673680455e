// parse_json / dump_json must give exactly what nlohmann gives.
#include "sim/fast_json.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace fct::sim {
namespace {

using json = nlohmann::json;

// Equal values of equal types all the way down (nlohmann's == treats 1 and
// 1u, or 1 and 1.0, as equal).
void expect_identical(const json& a, const json& b, const std::string& where) {
  ASSERT_EQ(a.type(), b.type()) << where;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (auto it = a.begin(), jt = b.begin(); it != a.end(); ++it, ++jt) {
      ASSERT_EQ(it.key(), jt.key()) << where;
      expect_identical(*it, *jt, where + "." + it.key());
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (size_t i = 0; i < a.size(); ++i) expect_identical(a[i], b[i], where + "[" + std::to_string(i) + "]");
  } else if (!a.is_discarded()) {
    ASSERT_EQ(a, b) << where;
  }
}

void expect_parses_like_nlohmann(const std::string& text) {
  const json expected = json::parse(text, nullptr, false);
  const json got = parse_json(text);
  expect_identical(got, expected, "text: " + text);
}

TEST(FastJson, ParsesLikeNlohmann) {
  const std::vector<std::string> cases = {
      R"({"query":"{ channel(key: \"x\") { id } }","variables":{"a":1,"b":-2,"c":"x","d":[true,false,null]}})",
      R"j({"query":"q","variables":{"where":"sku in (\"A\", \"B\\\\\") and supplyChannel(id=\"c\")","limit":250}})j",
      " \t\r\n{ \"a\" : [ 1 , 2 , { } , [ ] ] } \n",
      R"({"a":1,"a":2})",  // duplicate key: the last wins
      R"({"a":"\/\b\f\n\r\t\"\\"})",
      R"({"a":"caf\u00e9 \ud83d\ude00"})",
      "{\"a\":\"caf\xc3\xa9\"}",
      "{\"a\":\"bad \xff utf-8\"}",
      "{\"a\":\"tab\tinside\"}",
      "{\"a\":\"del\x7f\"}",
      "\xef\xbb\xbf{\"bom\":1}",
      R"({"n":[0,-0,1,-1,123456789012345678,-123456789012345678,1234567890123456789,18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809]})",
      R"({"f":[1.5,-0.0,1e3,1E-3,2.0,0.1]})", R"({"big":[1e400,-1e400]})",
      R"({"bad":01})", R"({"bad":-})", R"({"bad":1.})", R"({"bad":.5})", R"({"bad":+1})",
      R"({"a":1,})", R"([1,])", R"({"a" 1})", R"({a:1})", R"({"a":1}})", R"({"a":1} x)", "", " ", "{", "[", "\"",
      R"("just a string")", "42", "-7", "true", "null", "[]", "{}", R"({"a":tru})", R"({"a":nul})",
      R"({"a":"\x"})", R"({"a":"\u12"})", "{\"a\":\"unterminated}", "{\"a\":1 /* comment */}",
      std::string(100, '[') + std::string(100, ']'),
      std::string(70, '[') + "1" + std::string(70, ']'),
  };
  for (const auto& text : cases) expect_parses_like_nlohmann(text);
}

// The one documented difference: simdjson does not say whether an integer 0
// was written "-0", so it comes back unsigned where nlohmann stores it signed.
// The values are equal and dump the same.
TEST(FastJson, NegativeZeroIntegerIsAnEqualZero) {
  for (const std::string text : {"-0", "[-0]", R"({"q":-0})"}) {
    const json got = parse_json(text);
    const json expected = json::parse(text);
    EXPECT_EQ(got, expected) << text;
    EXPECT_EQ(dump_json(got), expected.dump()) << text;
  }
}

TEST(FastJson, ParsesMutatedDocumentsLikeNlohmann) {
  const std::string base =
      R"({"query":"mutation M($sku_0: String!) { u0: createInventoryEntry(draft: {sku: $sku_0}) { id } }",)"
      R"("variables":{"sku_0":"SKU-1","quantity_0":17,"channelId_0":"c-1","x":[1,-2,{"y":null}],"t":true},)"
      R"("operationName":"M","esc":"a\"b\\c\nd"})";
  const std::string alphabet = "{}[],:\"\\ -0123456789.eEtrufalsn\x01\x7f\xc3\xa9u";
  std::mt19937 rng(12345);
  for (int i = 0; i < 3000; ++i) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = alphabet[rng() % alphabet.size()];
          break;
      }
    }
    expect_parses_like_nlohmann(text);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(FastJson, DumpsLikeNlohmann) {
  json values = json::array();
  values.push_back(json::parse(R"({"data":{"u0":{"id":"x","version":1,"sku":"S","quantityOnStock":5},"u1":null},
                                   "errors":[{"message":"A duplicate value '\"S\"' exists","path":["u1"],
                                              "locations":[{"line":1,"column":3}],"extensions":{"code":"DuplicateField"}}]})"));
  values.push_back(json::object());
  values.push_back(json::array());
  values.push_back(json{{"neg", -5}, {"big", 18446744073709551615ULL}, {"min", INT64_MIN}, {"zero", 0}});
  values.push_back(json{{"f", 1.5}, {"g", -0.0}, {"h", 1e300}, {"i", 0.1}, {"j", 3.0}});
  values.push_back(json{{"ctl", std::string("a\x01\x1f\b\f\n\r\t\"\\/b", 13)}, {"del", "\x7f"}, {"utf8", "caf\xc3\xa9"}});
  values.push_back(json{{"key with \"quotes\"", "v"}, {"caf\xc3\xa9", true}, {"f", false}});
  values.push_back(json("plain"));
  values.push_back(json(nullptr));
  json deep = 1;
  for (int i = 0; i < 50; ++i) deep = json::array({deep, json::object({{"k", i}})});
  values.push_back(deep);
  for (const auto& v : values) EXPECT_EQ(dump_json(v), v.dump());
}

TEST(FastJson, DumpThrowsOnInvalidUtf8LikeNlohmann) {
  const json bad = {{"a", "ok"}, {"b", "bad \xff"}};
  EXPECT_THROW(bad.dump(), json::type_error);
  EXPECT_THROW(dump_json(bad), json::type_error);
}

}  // namespace
}  // namespace fct::sim
