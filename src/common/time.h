// UTC timestamps as the connector reads and writes them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace fct {

using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;

// Parses ISO-8601 date-times: "2022-10-20T04:12:08.812570167" (no offset:
// UTC, the seed's form), "…Z", "…+02:00", "…+0200", with 0–9 fraction digits.
// A space may stand for 'T'. Errors name the offending text.
Result<Timestamp> parse_timestamp(std::string_view text);

// "2022-10-20T04:12:08.812570167Z": for requests (GraphQL DateTime).
std::string format_timestamp_utc(Timestamp t);
// "2022-10-20T04:12:08.812570167": the seed's form for the job setting, which
// the original Java connector reads as a LocalDateTime in UTC.
std::string format_timestamp_local(Timestamp t);

}  // namespace fct
