#include "common/encoding.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fct {
namespace {

TEST(Encoding, JsonStringMatchesNlohmannAndRoundTrips) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  for (std::string s : {std::string(), std::string("plain SKU-1"), std::string("quote \" and back\\slash"),
                        std::string("tab\tnew\nline\rcr\bback\fform"), all_controls, std::string("del \x7f"),
                        std::string("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa6"),
                        std::string("sku in (\"A\\\"B\") and supplyChannel(id=\"c\")")}) {
    std::string out = "x";
    append_json_string(out, s);
    EXPECT_EQ(out, "x" + nlohmann::json(s).dump()) << s;
    EXPECT_EQ(nlohmann::json::parse(out.substr(1)).get<std::string>(), s);
  }
}

TEST(Encoding, PredicateStringEscapesQuotesAndBackslashes) {
  EXPECT_EQ(predicate_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  std::string out = "in (";
  append_predicate_string(out, "x");
  EXPECT_EQ(out, "in (\"x\"");
}

}  // namespace
}  // namespace fct

namespace fct {
namespace {

TEST(Encoding, PredicateInsideJsonEqualsQuotingTwice) {
  for (std::string s : {std::string("SKU-1"), std::string("a\"b"), std::string("back\\slash"), std::string("tab\t"),
                        std::string("\xc3\xa9")}) {
    std::string direct;
    append_predicate_string_json(direct, s);
    std::string twice = nlohmann::json(predicate_string(s)).dump();
    EXPECT_EQ("\"" + direct + "\"", twice) << s;
  }
}

}  // namespace
}  // namespace fct
