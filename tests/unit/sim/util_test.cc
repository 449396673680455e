#include "sim/util.h"

#include <chrono>
#include <cstdio>
#include <vector>

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

// The printf formats format_iso8601 and uuid_like used to be written with;
// the hand-written formatters must produce the same text.
std::string reference_iso8601(Millis t) {
  int64_t secs = t / 1000, ms = t % 1000;
  if (ms < 0) ms += 1000, secs -= 1;
  const auto tp = std::chrono::sys_seconds(std::chrono::seconds(secs));
  const auto day = std::chrono::floor<std::chrono::days>(tp);
  const std::chrono::year_month_day ymd(day);
  const int64_t rem = (tp - day).count();
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(int(ymd.year())),
                unsigned(ymd.month()), unsigned(ymd.day()), static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60), static_cast<int>(ms));
  return buf;
}

TEST(Iso8601, FormatMatchesPrintfReference) {
  std::vector<Millis> times = {0, 1, -1, 999, -999, -1000, 86'399'999, 951'782'400'000 /* 2000-02-29 */,
                               253'402'300'799'999 /* 9999-12-31T23:59:59.999 */, 253'402'300'800'000,
                               -62'167'219'200'000 /* 0000-01-01 */, -62'167'219'200'001, 1'767'225'600'123};
  uint64_t x = 12345;
  for (int i = 0; i < 2000; ++i) {
    x = mix64(x);
    times.push_back(static_cast<Millis>(x % 8'000'000'000'000ULL) - 1'000'000'000'000);
  }
  for (Millis t : times) EXPECT_EQ(format_iso8601(t), reference_iso8601(t)) << t;
}

TEST(Ids, UuidLikeMatchesPrintfReference) {
  for (uint64_t v : {0ULL, 1ULL, 42ULL, 0xffffffffffffffffULL, 0x8000000000000000ULL, 123456789ULL}) {
    const uint64_t a = mix64(v), b = mix64(a ^ v);
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                  static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                  static_cast<unsigned long long>(b & 0xffffffffffffULL));
    EXPECT_EQ(uuid_like(v), buf) << v;
  }
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
