#include "runtime/cron.h"

#include <array>
#include <cctype>
#include <limits>
#include <vector>

namespace fct {
namespace {

using namespace std::chrono;

struct FieldSpec {
  const char* name;
  int min;
  int max;       // highest value accepted (7 for day-of-week)
  int star_max;  // highest value `*` and `A/S` cover (6 for day-of-week)
  const std::array<const char*, 12>* names;  // names[i] stands for min + i; nullptr: numbers only
  int name_count;
};

constexpr std::array<const char*, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 12> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, 59, nullptr, 0},
    {"hour", 0, 23, 23, nullptr, 0},
    {"day-of-month", 1, 31, 31, nullptr, 0},
    {"month", 1, 12, 12, &kMonthNames, 12},
    {"day-of-week", 0, 7, 6, &kDayNames, 7},
};

std::string quoted(std::string_view s) {
  std::string out;  // not `"\"" + std::string(s)`: GCC 12 -Wrestrict false positive (PR 105329)
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_blank(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_blank(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !is_blank(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Digits only, at most 9 of them; nullopt otherwise.
std::optional<long long> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// One value of a field: a number in range or, where the field has them, a name.
Result<int> parse_value(std::string_view token, std::string_view item, const FieldSpec& f) {
  if (token.empty()) return make_error(ErrorCode::kInvalidArgument, "missing value in " + quoted(item));
  if (auto n = parse_number(token)) {
    if (*n < f.min || *n > f.max) {
      return make_error(ErrorCode::kInvalidArgument, "value " + std::string(token) + " out of range " +
                                                         std::to_string(f.min) + "-" + std::to_string(f.max) +
                                                         " in " + quoted(item));
    }
    return static_cast<int>(*n);
  }
  if (f.names) {
    for (int i = 0; i < f.name_count; ++i) {
      if (iequals(token, (*f.names)[static_cast<size_t>(i)])) return f.min + i;
    }
    return make_error(ErrorCode::kInvalidArgument, "bad value " + quoted(token) + " (expected a number or a name " +
                                                       (*f.names)[0] + "-" +
                                                       (*f.names)[static_cast<size_t>(f.name_count - 1)] + ") in " +
                                                       quoted(item));
  }
  return make_error(ErrorCode::kInvalidArgument, "bad value " + quoted(token) + " (expected a number) in " +
                                                     quoted(item));
}

// A whole field → bit set. Bit v stands for value v.
Result<uint64_t> parse_field(std::string_view text, const FieldSpec& f) {
  uint64_t bits = 0;
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (item.empty()) return make_error(ErrorCode::kInvalidArgument, "empty list element in " + quoted(text));

    std::string_view range = item;
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string_view::npos) {
      range = item.substr(0, slash);
      std::string_view step_text = item.substr(slash + 1);
      if (step_text.find('/') != std::string_view::npos) {
        return make_error(ErrorCode::kInvalidArgument, "more than one '/' in " + quoted(item));
      }
      if (step_text.empty()) return make_error(ErrorCode::kInvalidArgument, "missing step after '/' in " + quoted(item));
      auto n = parse_number(step_text);
      if (!n) return make_error(ErrorCode::kInvalidArgument, "bad step " + quoted(step_text) + " in " + quoted(item));
      if (*n < 1) return make_error(ErrorCode::kInvalidArgument, "step must be at least 1 in " + quoted(item));
      if (*n > f.star_max - f.min + 1) {
        return make_error(ErrorCode::kInvalidArgument, "step " + std::string(step_text) + " larger than the field (" +
                                                           std::to_string(f.star_max - f.min + 1) + " values) in " +
                                                           quoted(item));
      }
      step = static_cast<int>(*n);
    }

    int lo = 0;
    int hi = 0;
    if (range == "*") {
      lo = f.min;
      hi = f.star_max;
    } else if (size_t dash = range.find('-'); dash != std::string_view::npos) {
      auto a = parse_value(range.substr(0, dash), item, f);
      if (!a.ok()) return a.error();
      auto b = parse_value(range.substr(dash + 1), item, f);
      if (!b.ok()) return b.error();
      lo = *a;
      hi = *b;
      if (lo > hi) {
        return make_error(ErrorCode::kInvalidArgument, "range start " + std::to_string(lo) + " is after its end " +
                                                           std::to_string(hi) + " in " + quoted(item));
      }
    } else {
      auto v = parse_value(range, item, f);
      if (!v.ok()) return v.error();
      lo = *v;
      hi = range.size() < item.size() ? f.star_max : *v;  // "A/S": A through the field's end
      if (lo > hi) {
        return make_error(ErrorCode::kInvalidArgument, "value " + std::to_string(lo) + " cannot start a step in " +
                                                           quoted(item));
      }
    }
    for (int v = lo; v <= hi; v += step) bits |= uint64_t{1} << v;

    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return bits;
}

// "1h30m", "90s", "5m": units h, m, s.
Result<seconds> parse_every(std::string_view text) {
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "missing duration (e.g. \"30s\", \"5m\", \"1h\")");
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    auto n = parse_number(text.substr(start, i - start));
    if (!n) {
      return make_error(ErrorCode::kInvalidArgument, "bad duration " + quoted(text) +
                                                         " (expected numbers with units h, m, s, e.g. \"1h30m\")");
    }
    size_t unit_start = i;
    while (i < text.size() && !(text[i] >= '0' && text[i] <= '9')) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    long long scale = 0;
    if (unit == "h") scale = 3600;
    else if (unit == "m") scale = 60;
    else if (unit == "s") scale = 1;
    else if (unit.empty()) return make_error(ErrorCode::kInvalidArgument, "missing unit (h, m or s) in " + quoted(text));
    else return make_error(ErrorCode::kInvalidArgument, "bad unit " + quoted(unit) + " (expected h, m or s) in " +
                                                            quoted(text));
    total += *n * scale;
    if (total > 100LL * 366 * 86400) {
      return make_error(ErrorCode::kInvalidArgument, "duration " + quoted(text) + " is too long");
    }
  }
  if (total < 1) return make_error(ErrorCode::kInvalidArgument, "duration must be at least 1s in " + quoted(text));
  return seconds(total);
}

constexpr std::array<std::pair<const char*, const char*>, 7> kMacros = {{
    {"@hourly", "0 * * * *"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"},
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
}};

int next_bit_at_or_after(uint64_t bits, int from, int max) {
  for (int v = from; v <= max; ++v) {
    if ((bits >> v) & 1) return v;
  }
  return -1;
}

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view expression) {
  const std::string prefix = "cron " + quoted(expression) + ": ";
  auto fail = [&](const std::string& where, const Error& e) {
    return make_error(ErrorCode::kInvalidArgument, prefix + where + e.message);
  };
  CronSchedule s;
  s.expression_ = std::string(expression);

  std::string_view text = trim(expression);
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, prefix + "empty expression");

  if (text.front() == '@') {
    auto words = split_blank(text);
    std::string_view macro = words.front();
    if (iequals(macro, "@every")) {
      if (words.size() > 2) {
        return make_error(ErrorCode::kInvalidArgument,
                          prefix + "@every duration: unexpected " + quoted(words[2]) + " after the duration");
      }
      auto every = parse_every(words.size() == 2 ? words[1] : std::string_view());
      if (!every.ok()) return fail("@every duration: ", every.error());
      s.every_ = *every;
      return s;
    }
    for (const auto& [name, fields] : kMacros) {
      if (iequals(macro, name)) {
        if (words.size() > 1) {
          return make_error(ErrorCode::kInvalidArgument,
                            prefix + "unexpected " + quoted(words[1]) + " after " + std::string(name));
        }
        auto expanded = parse(fields);
        if (!expanded.ok()) return expanded.error();  // cannot happen
        expanded->expression_ = s.expression_;
        return expanded;
      }
    }
    return make_error(ErrorCode::kInvalidArgument,
                      prefix + "unknown macro " + quoted(macro) +
                          " (expected @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually or @every)");
  }

  auto fields = split_blank(text);
  if (fields.size() != 5) {
    return make_error(ErrorCode::kInvalidArgument,
                      prefix + "expected 5 fields (minute hour day-of-month month day-of-week), got " +
                          std::to_string(fields.size()));
  }
  uint64_t bits[5] = {};
  for (size_t i = 0; i < 5; ++i) {
    auto b = parse_field(fields[i], kFields[i]);
    if (!b.ok()) return fail(std::string(kFields[i].name) + " field: ", b.error());
    bits[i] = *b;
  }
  s.minutes_ = bits[0];
  s.hours_ = static_cast<uint32_t>(bits[1]);
  s.days_of_month_ = static_cast<uint32_t>(bits[2]);
  s.months_ = static_cast<uint16_t>(bits[3]);
  uint64_t dow = bits[4];
  if ((dow >> 7) & 1) dow = (dow | 1) & ~(uint64_t{1} << 7);  // 7 is Sunday too
  s.days_of_week_ = static_cast<uint8_t>(dow);
  s.dom_star_ = fields[2].front() == '*';
  s.dow_star_ = fields[4].front() == '*';
  return s;
}

std::optional<system_clock::time_point> CronSchedule::next_after(system_clock::time_point after) const {
  // Work in whole seconds/minutes (wide range), convert back at the end.
  const auto latest = floor<seconds>(system_clock::time_point::max());

  if (every_.count() > 0) {
    const long long k = every_.count();
    const long long s = floor<seconds>(after).time_since_epoch().count();
    long long q = s / k;
    if (s % k != 0 && s < 0) --q;  // floor division
    if (q >= std::numeric_limits<long long>::max() / k - 1) return std::nullopt;
    const sys_seconds next{seconds((q + 1) * k)};
    if (next > latest) return std::nullopt;
    return time_point_cast<system_clock::duration>(next);
  }

  sys_time<minutes> t = floor<minutes>(after) + minutes(1);
  const sys_time<minutes> limit = t + days(5 * 366);
  while (t <= limit) {
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const unsigned month = static_cast<unsigned>(ymd.month());
    if (!((months_ >> month) & 1)) {
      t = sys_days{(ymd.year() / ymd.month() + std::chrono::months(1)) / 1};
      continue;
    }
    const bool dom_match = (days_of_month_ >> static_cast<unsigned>(ymd.day())) & 1;
    const bool dow_match = (days_of_week_ >> weekday(day).c_encoding()) & 1;
    const bool day_match = (dom_star_ || dow_star_) ? (dom_match && dow_match) : (dom_match || dow_match);
    if (!day_match) {
      t = day + days(1);
      continue;
    }
    const auto since_midnight = t - day;
    const int hour = static_cast<int>(floor<hours>(since_midnight).count());
    const int minute = static_cast<int>((since_midnight - hours(hour)).count());
    if (!((hours_ >> hour) & 1)) {
      t = day + hours(hour + 1);
      continue;
    }
    const int m = next_bit_at_or_after(minutes_, minute, 59);
    if (m < 0) {
      t = day + hours(hour + 1);
      continue;
    }
    const sys_time<minutes> fire = day + hours(hour) + minutes(m);
    if (fire > latest) return std::nullopt;
    return time_point_cast<system_clock::duration>(fire);
  }
  return std::nullopt;
}

}  // namespace fct
