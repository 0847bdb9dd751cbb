#include "http_date.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>

namespace sisyphus::proxy {
namespace {

constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                    "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A tiny cursor over the date text: every reader returns false on a mismatch.
struct Cursor {
  std::string_view s;
  bool literal(std::string_view lit) {
    if (s.substr(0, lit.size()) != lit) return false;
    s.remove_prefix(lit.size());
    return true;
  }
  bool digits(std::size_t min_n, std::size_t max_n, int& out) {
    std::size_t n = 0;
    while (n < s.size() && n < max_n && s[n] >= '0' && s[n] <= '9') ++n;
    if (n < min_n) return false;
    std::from_chars(s.data(), s.data() + n, out);
    s.remove_prefix(n);
    return true;
  }
  bool month(unsigned& out) {
    for (unsigned m = 0; m < kMonths.size(); ++m) {
      if (literal(kMonths[m])) {
        out = m + 1;
        return true;
      }
    }
    return false;
  }
  bool day_name(bool long_form, unsigned& out) {
    const auto& names = long_form ? kLongDays : kDays;
    for (unsigned d = 0; d < names.size(); ++d) {
      if (literal(names[d])) {
        out = d;
        return true;
      }
    }
    return false;
  }
  bool time_of_day(int& h, int& m, int& sec) {
    return digits(2, 2, h) && literal(":") && digits(2, 2, m) && literal(":") && digits(2, 2, sec);
  }
};

std::optional<std::int64_t> to_unix(int year, unsigned month, int day, int h, int m, int s,
                                    unsigned wd) {
  using namespace std::chrono;
  if (day < 1 || h > 23 || m > 59 || s > 60) return std::nullopt;
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                     std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  sys_days days{ymd};
  if (std::chrono::weekday{days}.c_encoding() != wd) return std::nullopt;
  return static_cast<std::int64_t>(days.time_since_epoch().count()) * 86400 + h * 3600 + m * 60 + s;
}

}  // namespace

std::string format_http_date(std::int64_t unix_seconds) {
  using namespace std::chrono;
  sys_seconds tp{seconds{unix_seconds}};
  sys_days day = floor<days>(tp);
  year_month_day ymd{day};
  hh_mm_ss hms{tp - day};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[weekday{day}.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
  int year = 0, day = 0, h = 0, m = 0, s = 0;
  unsigned month = 0, wd = 0;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  {
    Cursor c{text};
    if (c.day_name(false, wd) && c.literal(", ") && c.digits(2, 2, day) && c.literal(" ") &&
        c.month(month) && c.literal(" ") && c.digits(4, 4, year) && c.literal(" ") &&
        c.time_of_day(h, m, s) && c.literal(" GMT") && c.s.empty()) {
      return to_unix(year, month, day, h, m, s, wd);
    }
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year within 50 years of now
  // (RFC 9110 §5.6.7) is, for any date this server compares, 19xx above 69 else 20xx.
  {
    Cursor c{text};
    if (c.day_name(true, wd) && c.literal(", ") && c.digits(2, 2, day) && c.literal("-") &&
        c.month(month) && c.literal("-") && c.digits(2, 2, year) && c.literal(" ") &&
        c.time_of_day(h, m, s) && c.literal(" GMT") && c.s.empty()) {
      return to_unix(year + (year >= 70 ? 1900 : 2000), month, day, h, m, s, wd);
    }
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  {
    Cursor c{text};
    if (c.day_name(false, wd) && c.literal(" ") && c.month(month) && c.literal(" ") &&
        (c.literal(" ") ? c.digits(1, 1, day) : c.digits(2, 2, day)) && c.literal(" ") &&
        c.time_of_day(h, m, s) && c.literal(" ") && c.digits(4, 4, year) && c.s.empty()) {
      return to_unix(year, month, day, h, m, s, wd);
    }
  }
  return std::nullopt;
}

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sisyphus::proxy
