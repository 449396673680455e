#include "sim/util.h"

#include <gtest/gtest.h>

namespace fct::sim {
namespace {

TEST(Iso8601, ParsesCommonForms) {
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00.123456789Z"), 123);
  EXPECT_EQ(parse_iso8601("1970-01-01T02:00:00+02:00"), 0);
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00-0130"), 90 * 60 * 1000);
  EXPECT_EQ(parse_iso8601("1970-01-02"), 86400 * 1000);
  // No offset means UTC (the job's previousEndDate is written that way).
  EXPECT_EQ(parse_iso8601("2022-10-20T04:12:08.812570167"), parse_iso8601("2022-10-20T04:12:08.812Z"));
  EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z").has_value(), true);
}

TEST(Iso8601, RejectsGarbage) {
  for (const char* bad : {"", "yesterday", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T25:00:00Z",
                          "2026-01-01T00:00:00Zjunk", "2026-01-01T00:00:00.Z", "2026-01-01X00:00:00Z"}) {
    EXPECT_FALSE(parse_iso8601(bad).has_value()) << bad;
  }
}

TEST(Iso8601, FormatRoundTrips) {
  const Millis t = *parse_iso8601("2026-03-04T05:06:07.089Z");
  EXPECT_EQ(format_iso8601(t), "2026-03-04T05:06:07.089Z");
  EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
}

TEST(Base64, RoundTrips) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "12345", "sim-client:sim-secret"}) {
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  }
  EXPECT_EQ(base64_encode("sim-client:sim-secret"), "c2ltLWNsaWVudDpzaW0tc2VjcmV0");
  EXPECT_FALSE(base64_decode("!!!!").has_value());
}

TEST(Form, DecodesPairs) {
  auto f = parse_form("grant_type=password&username=a%40b.c&password=p+w&empty=&flag");
  EXPECT_EQ(f["grant_type"], "password");
  EXPECT_EQ(f["username"], "a@b.c");
  EXPECT_EQ(f["password"], "p w");
  EXPECT_EQ(f["empty"], "");
  EXPECT_TRUE(f.count("flag"));
}

TEST(Auth, ParsesHeaders) {
  auto basic = parse_basic_auth("Basic " + base64_encode("id:se:cret"));
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->first, "id");
  EXPECT_EQ(basic->second, "se:cret");
  EXPECT_FALSE(parse_basic_auth("Bearer x"));
  EXPECT_EQ(parse_bearer("bearer abc "), "abc");
  EXPECT_EQ(parse_bearer("Basic abc"), "");
}

TEST(Ids, AreDeterministicAndUuidShaped) {
  EXPECT_EQ(uuid_like(42), uuid_like(42));
  EXPECT_NE(uuid_like(42), uuid_like(43));
  EXPECT_EQ(uuid_like(42).size(), 36u);
  EXPECT_EQ(uuid_like(42)[14], '4');
}

}  // namespace
}  // namespace fct::sim
