#include "sisyphus/client/http_fields.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>

namespace sisyphus::client {
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
  return sys_days{ymd} + hours{h} + minutes{m} + seconds{s};
}

void time_of_day(Cursor& c, int& h, int& m, int& s) {
  h = c.digits(2);
  c.literal(":");
  m = c.digits(2);
  c.literal(":");
  s = c.digits(2);
}

std::optional<SysSeconds> imf_fixdate(std::string_view text) {
  Cursor c(text);
  c.one_of(kDays);
  c.literal(", ");
  int d = c.digits(2);
  c.literal(" ");
  int mon = c.one_of(kMonths);
  c.literal(" ");
  int y = c.digits(4);
  c.literal(" ");
  int h, m, s;
  time_of_day(c, h, m, s);
  c.literal(" GMT");
  if (!c.at_end()) return std::nullopt;
  return make_time(y, mon, d, h, m, s);
}

std::optional<SysSeconds> rfc850_date(std::string_view text) {
  Cursor c(text);
  c.one_of(kLongDays);
  c.literal(", ");
  int d = c.digits(2);
  c.literal("-");
  int mon = c.one_of(kMonths);
  c.literal("-");
  int yy = c.digits(2);
  c.literal(" ");
  int h, m, s;
  time_of_day(c, h, m, s);
  c.literal(" GMT");
  if (!c.at_end()) return std::nullopt;
  // Two-digit years: RFC 9110 §5.6.7 says a year more than 50 years ahead is in the past;
  // with no clock here, 70..99 is the 1900s and 00..69 the 2000s (the common cut).
  return make_time(yy >= 70 ? 1900 + yy : 2000 + yy, mon, d, h, m, s);
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
  if (auto t = imf_fixdate(text)) return t;
  if (auto t = rfc850_date(text)) return t;
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

std::optional<Duration> parse_retry_after(std::string_view value, SysSeconds now) {
  value = trim(value);
  if (!value.empty() && std::isdigit(static_cast<unsigned char>(value.front()))) {
    std::uint64_t secs = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (p != value.data() + value.size()) return std::nullopt;
    // A huge value is still "wait a long time"; the backoff cap bounds it anyway.
    constexpr std::uint64_t kMaxSeconds = 1'000'000'000;
    if (ec == std::errc::result_out_of_range || secs > kMaxSeconds) secs = kMaxSeconds;
    return duration_cast<Duration>(seconds{secs});
  }
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return Duration{0};
  return duration_cast<Duration>(*when - now);
}

bool last_modified_is_strong(std::optional<std::string_view> last_modified,
                             std::optional<std::string_view> date) {
  if (!last_modified || !date) return false;
  auto lm = parse_http_date(*last_modified);
  auto d = parse_http_date(*date);
  return lm && d && *d - *lm >= seconds{1};
}

bool is_weak_etag(std::string_view etag) {
  return trim(etag).starts_with("W/");
}

bool is_valid_etag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  if (etag.size() < 2 || etag.front() != '"' || etag.back() != '"') return false;
  for (char ch : etag.substr(1, etag.size() - 2)) {
    auto c = static_cast<unsigned char>(ch);
    if (!(c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80)) return false;
  }
  return true;
}

std::optional<Sha256::Digest> parse_repr_digest_sha256(std::string_view value) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto member = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    auto eq = member.find('=');
    if (eq == std::string_view::npos || trim(member.substr(0, eq)) != "sha-256") continue;
    auto item = trim(member.substr(eq + 1));
    if (auto semi = item.find(';'); semi != std::string_view::npos) item = item.substr(0, semi);
    item = trim(item);
    if (item.size() < 2 || item.front() != ':' || item.back() != ':') return std::nullopt;
    Sha256::Digest d;
    if (!parse_sha256_base64(item.substr(1, item.size() - 2), d)) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

}  // namespace sisyphus::client
