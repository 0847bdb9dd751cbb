#include "sisyphus/core/http_date.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>

namespace sisyphus {
namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A left-to-right reader of the fixed date grammars; any mismatch poisons it.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool ok() const { return ok_; }
  bool at_end() const { return ok_ && s_.empty(); }
  void literal(std::string_view lit) {
    if (ok_ && s_.substr(0, lit.size()) == lit) {
      s_.remove_prefix(lit.size());
    } else {
      ok_ = false;
    }
  }
  int digits(std::size_t n) {  // exactly n digits
    int v = 0;
    if (!ok_ || s_.size() < n) return fail();
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s_[i]))) return fail();
      v = v * 10 + (s_[i] - '0');
    }
    s_.remove_prefix(n);
    return v;
  }
  template <std::size_t N>
  int one_of(const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; ok_ && i < N; ++i) {
      if (s_.substr(0, names[i].size()) == names[i]) {
        s_.remove_prefix(names[i].size());
        return static_cast<int>(i);
      }
    }
    return fail();
  }
  bool peek(char c) const { return ok_ && !s_.empty() && s_.front() == c; }

 private:
  int fail() {
    ok_ = false;
    return 0;
  }
  std::string_view s_;
  bool ok_ = true;
};

std::optional<SysSeconds> make_time(int y, int mon, int d, int h, int m, int s) {
  if (h > 23 || m > 59 || s > 60) return std::nullopt;  // 60: a leap second, as RFC 5322
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mon + 1)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  const SysSeconds t = sys_days{ymd} + hours{h} + minutes{m} + seconds{s};
  // The leap second of 9999-12-31 falls in year 10000, which no HTTP-date can write back.
  if (t >= sys_days{year{10000} / January / 1}) return std::nullopt;
  return t;
}

void time_of_day(Cursor& c, int& h, int& m, int& s) {
  h = c.digits(2);
  c.literal(":");
  m = c.digits(2);
  c.literal(":");
  s = c.digits(2);
}

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") and RFC 850 ("Sunday, 06-Nov-94 08:49:37
// GMT") are one grammar: a day name, ", ", the date's day, month and year joined by `sep`,
// the time, " GMT". They differ in the day names, `sep` and the year's digits.
std::optional<SysSeconds> day_first_date(std::string_view text,
                                         const std::array<std::string_view, 7>& day_names,
                                         std::string_view sep, std::size_t year_digits) {
  Cursor c(text);
  c.one_of(day_names);
  c.literal(", ");
  int d = c.digits(2);
  c.literal(sep);
  int mon = c.one_of(kMonths);
  c.literal(sep);
  int y = c.digits(year_digits);
  c.literal(" ");
  int h, m, s;
  time_of_day(c, h, m, s);
  c.literal(" GMT");
  if (!c.at_end()) return std::nullopt;
  // Two-digit years: RFC 9110 §5.6.7 says a year more than 50 years ahead is in the past;
  // with no clock here, 70..99 is the 1900s and 00..69 the 2000s (the common cut).
  if (year_digits == 2) y += y >= 70 ? 1900 : 2000;
  return make_time(y, mon, d, h, m, s);
}

std::optional<SysSeconds> asctime_date(std::string_view text) {
  Cursor c(text);
  c.one_of(kDays);
  c.literal(" ");
  int mon = c.one_of(kMonths);
  c.literal(" ");
  int d = 0;
  if (c.peek(' ')) {
    c.literal(" ");
    d = c.digits(1);
  } else {
    d = c.digits(2);
  }
  c.literal(" ");
  int h, m, s;
  time_of_day(c, h, m, s);
  c.literal(" ");
  int y = c.digits(4);
  if (!c.at_end()) return std::nullopt;
  return make_time(y, mon, d, h, m, s);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<SysSeconds> parse_http_date(std::string_view text) {
  text = trim(text);
  if (auto t = day_first_date(text, kDays, " ", 4)) return t;      // IMF-fixdate
  if (auto t = day_first_date(text, kLongDays, "-", 2)) return t;  // RFC 850
  return asctime_date(text);
}

std::string format_http_date(SysSeconds t) {
  const auto days = floor<std::chrono::days>(t);
  const year_month_day ymd{days};
  const hh_mm_ss hms{t - days};
  const weekday wd{days};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[wd.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::int64_t unix_now() {
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sisyphus
