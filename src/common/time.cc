#include "common/time.h"

#include <cstdio>

namespace fct {
namespace {

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

Error bad(std::string_view text, const char* why) {
  return make_error(ErrorCode::kInvalidArgument,
                    "invalid timestamp \"" + std::string(text.substr(0, 64)) + "\": " + why +
                        " (expected ISO-8601 such as 2022-10-20T04:12:08.812Z)");
}

}  // namespace

Result<Timestamp> parse_timestamp(std::string_view text) {
  using namespace std::chrono;
  int y, mo, d, h, mi, s;
  if (!digits(text, 0, 4, y) || text.size() < 19 || text[4] != '-' || !digits(text, 5, 2, mo) || text[7] != '-' ||
      !digits(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, h) ||
      text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' || !digits(text, 17, 2, s)) {
    return bad(text, "not of the form YYYY-MM-DDTHH:MM:SS");
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad(text, "no such date");
  if (h > 23 || mi > 59 || s > 60) return bad(text, "time out of range");
  size_t pos = 19;
  int64_t nanos = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 9) {
        nanos += (text[pos] - '0') * scale;
        scale /= 10;
      }
      ++pos;
    }
    if (pos == start) return bad(text, "empty fraction");
  }
  int64_t offset_seconds = 0;
  if (pos < text.size()) {
    char c = text[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == text.size()) {
      pos++;
    } else if (c == '+' || c == '-') {
      int oh, om;
      if (!digits(text, pos + 1, 2, oh)) return bad(text, "bad offset");
      size_t mpos = pos + 3;
      if (mpos < text.size() && text[mpos] == ':') ++mpos;
      if (!digits(text, mpos, 2, om) || mpos + 2 != text.size() || oh > 23 || om > 59) return bad(text, "bad offset");
      offset_seconds = (oh * 3600 + om * 60) * (c == '+' ? 1 : -1);
      pos = text.size();
    } else {
      return bad(text, "unexpected trailing characters");
    }
  }
  auto t = sys_days(ymd) + hours(h) + minutes(mi) + seconds(s) - seconds(offset_seconds);
  return Timestamp(duration_cast<nanoseconds>(t.time_since_epoch()) + nanoseconds(nanos));
}

std::string format_timestamp_local(Timestamp t) {
  using namespace std::chrono;
  auto days = floor<std::chrono::days>(t);
  year_month_day ymd{days};
  auto rest = t - days;
  auto h = duration_cast<hours>(rest);
  rest -= h;
  auto m = duration_cast<minutes>(rest);
  rest -= m;
  auto s = duration_cast<seconds>(rest);
  rest -= s;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%09lld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(h.count()),
                static_cast<int>(m.count()), static_cast<int>(s.count()), static_cast<long long>(rest.count()));
  return buf;
}

std::string format_timestamp_utc(Timestamp t) { return format_timestamp_local(t) + "Z"; }

}  // namespace fct
