#include "common/time.h"

#include <gtest/gtest.h>

namespace fct {
namespace {

using namespace std::chrono;

TEST(Time, SeedFormWithoutOffsetIsUtc) {
  auto t = parse_timestamp("2022-10-20T04:12:08.812570167");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(format_timestamp_local(*t), "2022-10-20T04:12:08.812570167");
  EXPECT_EQ(format_timestamp_utc(*t), "2022-10-20T04:12:08.812570167Z");
}

TEST(Time, OffsetsAreApplied) {
  auto z = parse_timestamp("2022-10-20T04:12:08Z");
  auto plus = parse_timestamp("2022-10-20T06:12:08+02:00");
  auto compact = parse_timestamp("2022-10-20T01:12:08-0300");
  ASSERT_TRUE(z.ok() && plus.ok() && compact.ok());
  EXPECT_EQ(*z, *plus);
  EXPECT_EQ(*z, *compact);
}

TEST(Time, FractionsOfAnyLength) {
  auto ms = parse_timestamp("2024-01-01T00:00:00.5Z");
  ASSERT_TRUE(ms.ok());
  EXPECT_EQ(ms->time_since_epoch() % seconds(1), milliseconds(500));
  auto long_fraction = parse_timestamp("2024-01-01T00:00:00.1234567891234Z");
  ASSERT_TRUE(long_fraction.ok());
  EXPECT_EQ(long_fraction->time_since_epoch() % seconds(1), nanoseconds(123456789));
}

TEST(Time, RejectsGarbageWithTheText) {
  for (const char* bad : {"", "2022-10-20", "2022-13-01T00:00:00", "2022-02-30T00:00:00", "2022-10-20T25:00:00",
                          "2022-10-20T04:12:08.", "2022-10-20T04:12:08+1", "2022-10-20T04:12:08 junk"}) {
    auto t = parse_timestamp(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(t.error().message.find(std::string("\"") + bad), std::string::npos) << t.error().message;
  }
}

}  // namespace
}  // namespace fct
