// Cron schedules for the built-in scheduler (`schedules:` in connector.yml).
//
// Standard 5-field cron, evaluated in UTC:
//   minute(0-59) hour(0-23) day-of-month(1-31) month(1-12|JAN-DEC) day-of-week(0-7|SUN-SAT, 0 and 7 = Sunday)
// Each field is a comma-separated list of `*`, `N`, `A-B`, `*/S`, `A-B/S` or `A/S`
// (A through the field's maximum, every S). Names are case-insensitive.
// Day rule (as Vixie cron): when both day-of-month and day-of-week are
// restricted (neither starts with `*`), a day matches if EITHER matches;
// otherwise both must match (so the starred one matches every day).
// Macros: @hourly, @daily (@midnight), @weekly, @monthly, @yearly, @annually,
// and `@every <duration>` with units h, m, s ("30s", "5m", "1h30m"); `@every`
// fire times are the multiples of the interval since the Unix epoch (UTC), so
// "@every 5m" fires at :00, :05, ... and "@every 1h" on the hour.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace fct {

class CronSchedule {
 public:
  // kInvalidArgument errors name the field and the bad token, e.g.
  //   cron "*/0 * * * *": minute field: step must be at least 1 in "*/0"
  static Result<CronSchedule> parse(std::string_view expression);

  // The first fire time strictly after `after` (UTC; cron fire times fall on
  // whole minutes). nullopt when nothing fires within 5 years (e.g. "0 0 30 2 *").
  std::optional<std::chrono::system_clock::time_point> next_after(std::chrono::system_clock::time_point after) const;

  const std::string& expression() const { return expression_; }

 private:
  CronSchedule() = default;

  std::string expression_;
  std::chrono::seconds every_{0};  // > 0 for "@every"; the fields below are unused then
  uint64_t minutes_ = 0;           // bit m: minute m
  uint32_t hours_ = 0;             // bit h
  uint32_t days_of_month_ = 0;     // bit d, 1-31
  uint16_t months_ = 0;            // bit m, 1-12
  uint8_t days_of_week_ = 0;       // bit d, 0-6 (Sunday = 0)
  bool dom_star_ = false;
  bool dow_star_ = false;
};

}  // namespace fct
