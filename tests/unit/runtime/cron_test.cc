#include "runtime/cron.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace fct {
namespace {

using namespace std::chrono;

// "2025-03-01 12:34" or "2025-03-01 12:34:56" (UTC) → time point.
system_clock::time_point at(const std::string& s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int n = std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &sec);
  EXPECT_GE(n, 5) << s;
  return sys_days{year{y} / mo / d} + hours(h) + minutes(mi) + seconds(sec);
}

std::string fmt(system_clock::time_point t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const auto tod = floor<seconds>(t - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(tod.count() / 3600), static_cast<int>(tod.count() / 60 % 60),
                static_cast<int>(tod.count() % 60));
  return buf;
}

CronSchedule cron(const std::string& expr) {
  auto c = CronSchedule::parse(expr);
  EXPECT_TRUE(c.ok()) << expr << ": " << c.error().to_string();
  return std::move(c).value();
}

std::string next(const std::string& expr, const std::string& from) {
  auto t = cron(expr).next_after(at(from));
  return t ? fmt(*t) : "never";
}

// The first n fire times after `from`.
std::vector<std::string> fires(const std::string& expr, const std::string& from, int n) {
  auto c = cron(expr);
  std::vector<std::string> out;
  auto t = at(from);
  for (int i = 0; i < n; ++i) {
    auto nx = c.next_after(t);
    if (!nx) break;
    out.push_back(fmt(*nx));
    t = *nx;
  }
  return out;
}

using V = std::vector<std::string>;

TEST(CronTest, KeepsExpression) {
  EXPECT_EQ(cron("*/5 * * * *").expression(), "*/5 * * * *");
  EXPECT_EQ(cron("@daily").expression(), "@daily");
}

TEST(CronTest, EveryMinuteIsStrictlyAfter) {
  EXPECT_EQ(next("* * * * *", "2025-01-01 10:00"), "2025-01-01 10:01:00");
  EXPECT_EQ(next("* * * * *", "2025-01-01 10:00:00.5"), "2025-01-01 10:01:00");
  EXPECT_EQ(next("* * * * *", "2025-01-01 10:00:59"), "2025-01-01 10:01:00");
  auto c = cron("* * * * *");
  auto t = at("2025-01-01 10:00") + nanoseconds(1);
  EXPECT_EQ(fmt(*c.next_after(t)), "2025-01-01 10:01:00");
  EXPECT_EQ(fmt(*c.next_after(at("2025-01-01 10:00") - nanoseconds(1))), "2025-01-01 10:00:00");
}

TEST(CronTest, Numbers) {
  EXPECT_EQ(next("30 14 * * *", "2025-01-01 10:00"), "2025-01-01 14:30:00");
  EXPECT_EQ(next("30 14 * * *", "2025-01-01 14:30"), "2025-01-02 14:30:00");
  EXPECT_EQ(next("0 0 1 1 *", "2025-06-15 00:00"), "2026-01-01 00:00:00");
}

TEST(CronTest, Steps) {
  EXPECT_EQ(fires("*/5 * * * *", "2025-01-01 10:03", 3), (V{"2025-01-01 10:05:00", "2025-01-01 10:10:00",
                                                              "2025-01-01 10:15:00"}));
  EXPECT_EQ(fires("*/20 * * * *", "2025-01-01 10:41", 2), (V{"2025-01-01 11:00:00", "2025-01-01 11:20:00"}));
  EXPECT_EQ(fires("10-30/10 * * * *", "2025-01-01 10:00", 4),
            (V{"2025-01-01 10:10:00", "2025-01-01 10:20:00", "2025-01-01 10:30:00", "2025-01-01 11:10:00"}));
  EXPECT_EQ(fires("15/20 * * * *", "2025-01-01 10:00", 4),
            (V{"2025-01-01 10:15:00", "2025-01-01 10:35:00", "2025-01-01 10:55:00", "2025-01-01 11:15:00"}));
  EXPECT_EQ(fires("0 */6 * * *", "2025-01-01 01:00", 3),
            (V{"2025-01-01 06:00:00", "2025-01-01 12:00:00", "2025-01-01 18:00:00"}));
  EXPECT_EQ(fires("0 0 */10 * *", "2025-01-01 00:00", 4),
            (V{"2025-01-11 00:00:00", "2025-01-21 00:00:00", "2025-01-31 00:00:00", "2025-02-01 00:00:00"}));
}

TEST(CronTest, RangesAndLists) {
  EXPECT_EQ(fires("0 9-11 * * *", "2025-01-01 09:30", 3),
            (V{"2025-01-01 10:00:00", "2025-01-01 11:00:00", "2025-01-02 09:00:00"}));
  EXPECT_EQ(fires("5,35 8,20 * * *", "2025-01-01 00:00", 5),
            (V{"2025-01-01 08:05:00", "2025-01-01 08:35:00", "2025-01-01 20:05:00", "2025-01-01 20:35:00",
               "2025-01-02 08:05:00"}));
  EXPECT_EQ(fires("0,30-32,58-59/1 0 * * *", "2025-01-01 00:00", 6),
            (V{"2025-01-01 00:30:00", "2025-01-01 00:31:00", "2025-01-01 00:32:00", "2025-01-01 00:58:00",
               "2025-01-01 00:59:00", "2025-01-02 00:00:00"}));
}

TEST(CronTest, MonthAndDayNames) {
  // 2025-01-01 is a Wednesday.
  EXPECT_EQ(next("0 0 1 jun *", "2025-01-01 00:00"), "2025-06-01 00:00:00");
  EXPECT_EQ(next("0 0 1 Jun-AUG *", "2025-07-02 00:00"), "2025-08-01 00:00:00");
  EXPECT_EQ(fires("0 0 1 JAN,jul *", "2025-01-01 00:00", 2), (V{"2025-07-01 00:00:00", "2026-01-01 00:00:00"}));
  EXPECT_EQ(fires("0 8 * * MON-FRI", "2025-01-02 09:00", 3),  // Thursday
            (V{"2025-01-03 08:00:00", "2025-01-06 08:00:00", "2025-01-07 08:00:00"}));
  EXPECT_EQ(fires("0 8 * * sat,Sun", "2025-01-01 00:00", 3),
            (V{"2025-01-04 08:00:00", "2025-01-05 08:00:00", "2025-01-11 08:00:00"}));
  EXPECT_EQ(next("0 0 * * wed", "2025-01-01 00:00"), "2025-01-08 00:00:00");
}

TEST(CronTest, DayOfWeekSevenIsSunday) {
  EXPECT_EQ(next("0 0 * * 7", "2025-01-01 00:00"), "2025-01-05 00:00:00");
  EXPECT_EQ(next("0 0 * * 0", "2025-01-01 00:00"), "2025-01-05 00:00:00");
  EXPECT_EQ(fires("0 0 * * 5-7", "2025-01-01 00:00", 4),
            (V{"2025-01-03 00:00:00", "2025-01-04 00:00:00", "2025-01-05 00:00:00", "2025-01-10 00:00:00"}));
  EXPECT_EQ(fires("0 0 * * */2", "2025-01-01 00:00", 4),  // Sun, Tue, Thu, Sat
            (V{"2025-01-02 00:00:00", "2025-01-04 00:00:00", "2025-01-05 00:00:00", "2025-01-07 00:00:00"}));
}

TEST(CronTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // The 13th, or any Friday.
  EXPECT_EQ(fires("0 0 13 * FRI", "2025-06-01 00:00", 5),
            (V{"2025-06-06 00:00:00", "2025-06-13 00:00:00", "2025-06-20 00:00:00", "2025-06-27 00:00:00",
               "2025-07-04 00:00:00"}));
  EXPECT_EQ(fires("0 0 1,15 * 1", "2025-01-01 00:00", 4),
            (V{"2025-01-06 00:00:00", "2025-01-13 00:00:00", "2025-01-15 00:00:00", "2025-01-20 00:00:00"}));
  // Only day-of-month restricted: day-of-week does not widen it.
  EXPECT_EQ(fires("0 0 13 * *", "2025-06-01 00:00", 2), (V{"2025-06-13 00:00:00", "2025-07-13 00:00:00"}));
  // Only day-of-week restricted.
  EXPECT_EQ(fires("0 0 * * FRI", "2025-06-01 00:00", 2), (V{"2025-06-06 00:00:00", "2025-06-13 00:00:00"}));
  // A starred step counts as unrestricted (Vixie cron): both must match.
  EXPECT_EQ(fires("0 0 */2 * MON", "2025-01-01 00:00", 2), (V{"2025-01-13 00:00:00", "2025-01-27 00:00:00"}));
}

TEST(CronTest, Boundaries) {
  EXPECT_EQ(next("59 * * * *", "2025-01-01 10:59"), "2025-01-01 11:59:00");
  EXPECT_EQ(next("0 * * * *", "2025-01-01 23:30"), "2025-01-02 00:00:00");
  EXPECT_EQ(next("0 0 * * *", "2025-01-31 12:00"), "2025-02-01 00:00:00");
  EXPECT_EQ(next("0 0 * * *", "2025-12-31 23:59"), "2026-01-01 00:00:00");
  EXPECT_EQ(next("* * * * *", "2025-12-31 23:59"), "2026-01-01 00:00:00");
  EXPECT_EQ(next("0 0 31 * *", "2025-04-01 00:00"), "2025-05-31 00:00:00");  // April has 30 days
  EXPECT_EQ(next("0 0 1 * *", "2025-12-15 00:00"), "2026-01-01 00:00:00");
  EXPECT_EQ(next("30 2 * 3 *", "2025-03-31 03:00"), "2026-03-01 02:30:00");
}

TEST(CronTest, LeapYears) {
  EXPECT_EQ(next("0 0 29 2 *", "2025-03-01 00:00"), "2028-02-29 00:00:00");
  EXPECT_EQ(next("0 0 29 2 *", "2024-01-01 00:00"), "2024-02-29 00:00:00");
  // 2100 is not a leap year; 2104-02-29 is more than 5 years after 2096-03-01.
  EXPECT_EQ(next("0 0 29 FEB *", "2096-03-01 00:00"), "never");
  EXPECT_EQ(next("0 0 29 2 *", "2099-03-01 00:00"), "2104-02-29 00:00:00");
  EXPECT_EQ(next("0 0 29 2 *", "2000-01-01 00:00"), "2000-02-29 00:00:00");  // 2000 is
  EXPECT_EQ(next("0 0 * 2 *", "2024-02-28 12:00"), "2024-02-29 00:00:00");
  EXPECT_EQ(next("0 0 * 2 *", "2025-02-28 12:00"), "2026-02-01 00:00:00");
}

TEST(CronTest, ImpossibleSchedulesNeverFire) {
  EXPECT_EQ(next("0 0 30 2 *", "2025-01-01 00:00"), "never");
  EXPECT_EQ(next("0 0 31 4,6,9,11 *", "2025-01-01 00:00"), "never");
  // Impossible day-of-month but a day-of-week as well: fires on the weekday.
  EXPECT_EQ(next("0 0 30 2 MON", "2025-01-01 00:00"), "2025-02-03 00:00:00");
}

TEST(CronTest, SearchIsFast) {
  auto c = cron("0 0 30 2 *");
  auto start = steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(c.next_after(at("2025-01-01 00:00")));
  EXPECT_LT(steady_clock::now() - start, seconds(2));
}

TEST(CronTest, Macros) {
  EXPECT_EQ(next("@hourly", "2025-01-01 10:15"), "2025-01-01 11:00:00");
  EXPECT_EQ(next("@daily", "2025-01-01 10:15"), "2025-01-02 00:00:00");
  EXPECT_EQ(next("@midnight", "2025-01-01 10:15"), "2025-01-02 00:00:00");
  EXPECT_EQ(next("@weekly", "2025-01-01 10:15"), "2025-01-05 00:00:00");
  EXPECT_EQ(next("@monthly", "2025-01-01 10:15"), "2025-02-01 00:00:00");
  EXPECT_EQ(next("@yearly", "2025-01-01 10:15"), "2026-01-01 00:00:00");
  EXPECT_EQ(next("@annually", "2025-01-01 00:00"), "2026-01-01 00:00:00");
  EXPECT_EQ(next("  @DAILY  ", "2025-01-01 10:15"), "2025-01-02 00:00:00");
}

TEST(CronTest, Every) {
  EXPECT_EQ(fires("@every 30s", "2025-01-01 10:00:10", 3),
            (V{"2025-01-01 10:00:30", "2025-01-01 10:01:00", "2025-01-01 10:01:30"}));
  EXPECT_EQ(fires("@every 5m", "2025-01-01 10:03", 2), (V{"2025-01-01 10:05:00", "2025-01-01 10:10:00"}));
  EXPECT_EQ(fires("@every 1h", "2025-01-01 10:00", 2), (V{"2025-01-01 11:00:00", "2025-01-01 12:00:00"}));
  EXPECT_EQ(fires("@every 1h30m", "2025-01-01 00:00", 2), (V{"2025-01-01 01:30:00", "2025-01-01 03:00:00"}));
  EXPECT_EQ(fires("@every 90s", "2025-01-01 00:00", 2), (V{"2025-01-01 00:01:30", "2025-01-01 00:03:00"}));
  EXPECT_EQ(next("@every 1m", "2025-01-01 00:00:00"), "2025-01-01 00:01:00");
  EXPECT_EQ(next("@EVERY   15s", "2025-01-01 00:00:59.9"), "2025-01-01 00:01:00");
  // Before the epoch too.
  EXPECT_EQ(next("@every 7s", "1969-12-31 23:59:50"), "1969-12-31 23:59:53");  // -7 s
  auto c = cron("@every 10s");
  auto t = at("2025-01-01 00:00:00");
  EXPECT_EQ(*c.next_after(t) - t, seconds(10));
  EXPECT_EQ(*c.next_after(t - nanoseconds(1)), t);
}

TEST(CronTest, FarFutureDoesNotOverflow) {
  auto max = system_clock::time_point::max();
  EXPECT_FALSE(cron("* * * * *").next_after(max));
  EXPECT_FALSE(cron("@every 1h").next_after(max));
  auto last = cron("* * * * *").next_after(max - minutes(1));
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, floor<minutes>(max));
  auto min = system_clock::time_point::min();
  EXPECT_TRUE(cron("@every 1h").next_after(min));
  EXPECT_TRUE(cron("* * * * *").next_after(min));
}

struct BadCase {
  const char* expr;
  const char* expect;  // substring of the message after `cron "<expr>": `
};

TEST(CronTest, InvalidExpressionsNameTheFieldAndToken) {
  const BadCase cases[] = {
      {"*/0 * * * *", "minute field: step must be at least 1 in \"*/0\""},
      {"60 * * * *", "minute field: value 60 out of range 0-59 in \"60\""},
      {"* 24 * * *", "hour field: value 24 out of range 0-23 in \"24\""},
      {"* * 0 * *", "day-of-month field: value 0 out of range 1-31 in \"0\""},
      {"* * 32 * *", "day-of-month field: value 32 out of range 1-31"},
      {"* * * 13 *", "month field: value 13 out of range 1-12"},
      {"* * * 0 *", "month field: value 0 out of range 1-12"},
      {"* * * * 8", "day-of-week field: value 8 out of range 0-7"},
      {"* * * FOO *", "month field: bad value \"FOO\" (expected a number or a name JAN-DEC)"},
      {"* * * * MONDAY", "day-of-week field: bad value \"MONDAY\""},
      {"* * * * JAN", "day-of-week field: bad value \"JAN\""},
      {"* * MON * *", "day-of-month field: bad value \"MON\" (expected a number)"},
      {"a * * * *", "minute field: bad value \"a\""},
      {"-1 * * * *", "minute field: missing value in \"-1\""},
      {"1- * * * *", "minute field: missing value in \"1-\""},
      {"5-1 * * * *", "minute field: range start 5 is after its end 1 in \"5-1\""},
      {"* * * * FRI-MON", "day-of-week field: range start 5 is after its end 1"},
      {"1-2-3 * * * *", "minute field: bad value \"2-3\""},
      {"*/ * * * *", "minute field: missing step after '/' in \"*/\""},
      {"*/x * * * *", "minute field: bad step \"x\" in \"*/x\""},
      {"*/-1 * * * *", "minute field: bad step \"-1\""},
      {"*/2/3 * * * *", "minute field: more than one '/' in \"*/2/3\""},
      {"*/61 * * * *", "minute field: step 61 larger than the field (60 values)"},
      {"* */25 * * *", "hour field: step 25 larger than the field"},
      {"1,,2 * * * *", "minute field: empty list element in \"1,,2\""},
      {",1 * * * *", "minute field: empty list element"},
      {"1, * * * *", "minute field: empty list element"},
      {"** * * * *", "minute field: bad value \"**\""},
      {"1.5 * * * *", "minute field: bad value \"1.5\""},
      {"99999999999 * * * *", "minute field: bad value \"99999999999\""},
      {"* * * * 7/2", "day-of-week field: value 7 cannot start a step in \"7/2\""},
      {"", "empty expression"},
      {"   ", "empty expression"},
      {"* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
      {"0 * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6"},
      {"@often", "unknown macro \"@often\""},
      {"@daily 5", "unexpected \"5\" after @daily"},
      {"@every", "@every duration: missing duration"},
      {"@every 0s", "@every duration: duration must be at least 1s in \"0s\""},
      {"@every 5", "@every duration: missing unit (h, m or s) in \"5\""},
      {"@every 5d", "@every duration: bad unit \"d\" (expected h, m or s) in \"5d\""},
      {"@every 500ms", "@every duration: bad unit \"ms\""},
      {"@every m", "@every duration: bad duration \"m\""},
      {"@every -5m", "@every duration: bad duration \"-5m\""},
      {"@every 1.5h", "@every duration: bad"},
      {"@every 5m 10s", "@every duration: unexpected \"10s\" after the duration"},
      {"@every 1000000h", "@every duration: duration \"1000000h\" is too long"},
  };
  for (const auto& c : cases) {
    auto r = CronSchedule::parse(c.expr);
    ASSERT_FALSE(r.ok()) << c.expr;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << c.expr;
    const std::string prefix = "cron \"" + std::string(c.expr) + "\": ";
    EXPECT_EQ(r.error().message.rfind(prefix, 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos)
        << "expression: " << c.expr << "\nmessage:    " << r.error().message << "\nexpected:   " << c.expect;
  }
}

TEST(CronTest, ExampleErrorMessage) {
  auto r = CronSchedule::parse("*/0 * * * *");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cron \"*/0 * * * *\": minute field: step must be at least 1 in \"*/0\"");
}

TEST(CronTest, TabsAndExtraSpacesSeparateFields) {
  EXPECT_EQ(next("  0\t12   * *  * ", "2025-01-01 00:00"), "2025-01-01 12:00:00");
}

}  // namespace
}  // namespace fct
