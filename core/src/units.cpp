#include "sisyphus/core/units.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

namespace sisyphus {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A non-negative decimal number, possibly with a fraction: "12", "1.5". Both parts are kept
// as integers (the fraction as numerator / 10^k) so "0.035KB" is exactly 35 bytes, which
// summing binary fractions would round down to 34.
struct Number {
  std::uint64_t integer = 0;
  bool overflow = false;  // the integer part does not fit in 64 bits
  std::uint64_t frac_num = 0;
  std::uint64_t frac_den = 1;  // 10^(fraction digits kept), at most 10^18
  bool has_fraction = false;
  double as_double() const {
    return static_cast<double>(integer) +
           static_cast<double>(frac_num) / static_cast<double>(frac_den);
  }
};

bool split_number(std::string_view text, Number& num, std::string_view& suffix) {
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + i, num.integer);
  if (ec == std::errc::result_out_of_range) {
    num.overflow = true;  // the caller reports it
    num.integer = kMax;
  } else if (ec != std::errc{} || p != text.data() + i) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    std::size_t j = i + 1;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') {
      // Digits past the 18th cannot change a 64-bit result by a whole unit: drop them.
      if (num.frac_den < 1'000'000'000'000'000'000ULL) {
        num.frac_num = num.frac_num * 10 + static_cast<std::uint64_t>(text[j] - '0');
        num.frac_den *= 10;
      }
      ++j;
    }
    if (j == i + 1) return false;
    num.has_fraction = true;
    i = j;
  }
  suffix = trim(text.substr(i));
  return true;
}

struct Unit {
  std::string_view name;
  std::uint64_t factor;
};

constexpr std::array<Unit, 9> kSizeUnits{{{"", 1},
                                          {"B", 1},
                                          {"KiB", 1ULL << 10},
                                          {"MiB", 1ULL << 20},
                                          {"GiB", 1ULL << 30},
                                          {"TiB", 1ULL << 40},
                                          {"KB", 1000ULL},
                                          {"MB", 1000ULL * 1000},
                                          {"GB", 1000ULL * 1000 * 1000}}};

[[noreturn]] void size_error(std::string_view text, std::string_view why) {
  throw ParseError(fmt::format("invalid size '{}': {}", text, why));
}

// num * factor, or nullopt when it exceeds `limit`.
std::optional<std::uint64_t> scale_checked(const Number& num, std::uint64_t factor,
                                           std::uint64_t limit) {
  if (num.overflow || (factor != 0 && num.integer > limit / factor)) return std::nullopt;
  std::uint64_t whole = num.integer * factor;
  if (num.has_fraction) {
    // Rounds down; frac_num < frac_den <= 10^18 and factor < 2^64, so 128 bits suffice.
    auto extra =
        static_cast<std::uint64_t>(static_cast<__uint128_t>(num.frac_num) * factor / num.frac_den);
    if (limit - whole < extra) return std::nullopt;
    whole += extra;
  }
  return whole;
}

}  // namespace

std::uint64_t parse_size(std::string_view raw) {
  std::string_view text = trim(raw);
  Number num;
  std::string_view suffix;
  if (!split_number(text, num, suffix)) {
    size_error(raw,
               "expected a number followed by an optional unit (B, KiB, MiB, GiB, KB, MB, GB)");
  }
  for (const auto& u : kSizeUnits) {
    if (suffix == u.name) {
      if (num.has_fraction && u.factor == 1) size_error(raw, "a byte count must be a whole number");
      auto bytes = scale_checked(num, u.factor, kMax);
      if (!bytes) size_error(raw, fmt::format("too large (at most {} bytes)", kMax));
      return *bytes;
    }
  }
  size_error(
      raw, fmt::format("unknown unit '{}', expected one of B, KiB, MiB, GiB, KB, MB, GB", suffix));
}

SizeSpec SizeSpec::bytes(std::uint64_t n) {
  SizeSpec s;
  s.bytes_ = n;
  return s;
}

SizeSpec SizeSpec::percent(double p) {
  SizeSpec s;
  s.percent_ = p;
  s.is_percent_ = true;
  return s;
}

SizeSpec SizeSpec::parse(std::string_view raw) {
  std::string_view text = trim(raw);
  if (!text.empty() && text.back() == '%') {
    Number num;
    std::string_view suffix;
    if (!split_number(text.substr(0, text.size() - 1), num, suffix) || !suffix.empty()) {
      throw ParseError(fmt::format(
          "invalid percentage '{}': expected a number from 0 to 100 followed by %", raw));
    }
    double p = num.as_double();
    if (num.overflow || p > 100.0) {
      throw ParseError(fmt::format(
          "invalid percentage '{}': expected a number from 0 to 100 followed by %", raw));
    }
    return percent(p);
  }
  return bytes(parse_size(text));
}

std::uint64_t SizeSpec::resolve(std::uint64_t total) const {
  if (!is_percent_) return bytes_;
  if (percent_ >= 100.0) return total;
  if (percent_ <= 0.0) return 0;
  // Whole percentages are exact on any size (128-bit integers); others go through long
  // double, which holds 64 bits of mantissa on x86-64.
  if (percent_ == std::floor(percent_)) {
    return static_cast<std::uint64_t>(static_cast<__uint128_t>(total) *
                                      static_cast<std::uint64_t>(percent_) / 100);
  }
  long double v = static_cast<long double>(total) * static_cast<long double>(percent_) / 100.0L;
  if (v >= static_cast<long double>(total)) return total;
  return static_cast<std::uint64_t>(v);
}

std::string SizeSpec::to_string() const {
  if (is_percent_) return fmt::format("{}%", percent_);
  return format_size(bytes_);
}

Duration parse_duration(std::string_view raw) {
  std::string_view text = trim(raw);
  Number num;
  std::string_view suffix;
  auto fail = [&](std::string_view why) -> Duration {
    throw ParseError(fmt::format("invalid duration '{}': {}", raw, why));
  };
  if (!split_number(text, num, suffix))
    return fail("expected a number followed by a unit (us, ms, s, m)");
  std::uint64_t factor = 0;
  if (suffix == "us")
    factor = 1;
  else if (suffix == "ms")
    factor = 1000;
  else if (suffix == "s")
    factor = 1000 * 1000;
  else if (suffix == "m")
    factor = 60ULL * 1000 * 1000;
  else if (suffix == "h")
    factor = 3600ULL * 1000 * 1000;
  else if (suffix.empty() && num.integer == 0 && !num.has_fraction)
    return Duration{0};
  else if (suffix.empty())
    return fail("missing unit, expected one of us, ms, s, m");
  else
    return fail(fmt::format("unknown unit '{}', expected one of us, ms, s, m", suffix));
  constexpr auto kMaxUs = static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max());
  auto us = scale_checked(num, factor, kMaxUs);
  if (!us) return fail(fmt::format("too large (at most {}us)", kMaxUs));
  return Duration{static_cast<Duration::rep>(*us)};
}

std::uint64_t parse_rate(std::string_view raw) {
  std::string_view text = trim(raw);
  if (text.size() < 2 || text.substr(text.size() - 2) != "/s") {
    throw ParseError(
        fmt::format("invalid rate '{}': expected a size per second such as 1MiB/s", raw));
  }
  std::uint64_t r = 0;
  try {
    r = parse_size(text.substr(0, text.size() - 2));
  } catch (const ParseError& e) {
    throw ParseError(
        fmt::format("invalid rate '{}': expected a size per second such as 1MiB/s", raw));
  }
  if (r == 0) throw ParseError(fmt::format("invalid rate '{}': must be greater than zero", raw));
  return r;
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<Unit, 4> binary{
      {{"TiB", 1ULL << 40}, {"GiB", 1ULL << 30}, {"MiB", 1ULL << 20}, {"KiB", 1ULL << 10}}};
  if (bytes != 0) {
    for (const auto& u : binary) {
      if (bytes % u.factor == 0) return fmt::format("{}{}", bytes / u.factor, u.name);
    }
  }
  return fmt::format("{}B", bytes);
}

std::string format_size_human(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 5> names{"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  std::size_t i = 0;
  while (v >= 1024.0 && i + 1 < names.size()) {
    v /= 1024.0;
    ++i;
  }
  if (i == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", v, names[i]);
}

std::string format_duration(Duration d) {
  auto us = d.count();
  if (us == 0) return "0s";
  if (us % 60'000'000 == 0) return fmt::format("{}m", us / 60'000'000);
  if (us % 1'000'000 == 0) return fmt::format("{}s", us / 1'000'000);
  if (us % 1'000 == 0) return fmt::format("{}ms", us / 1'000);
  return fmt::format("{}us", us);
}

}  // namespace sisyphus
