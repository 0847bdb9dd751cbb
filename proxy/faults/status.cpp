// status: answer with another status code and a short text body instead of the resource,
// optionally with Retry-After (503 storms, 429 rate limits, 500s, 404s).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <variant>

#include "engine/retry_after.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::proxy::faults {
namespace {

// Retry-After is either delay-seconds (a duration here, time-scaled, sent rounded up to whole
// seconds) or an HTTP-date sent verbatim (RFC 9110 §10.2.3).
using RetryAfter = std::variant<Duration, std::string>;

class Status final : public Fault {
 public:
  Status(int code, std::optional<RetryAfter> retry_after, bool as_date)
      : code_(code), retry_after_(std::move(retry_after)), as_date_(as_date) {}

  std::string_view kind() const override { return "status"; }

  void apply(ResponsePlan& plan, const RequestContext& ctx, Rng&) const override {
    // The last status fault to apply wins, with its own Retry-After (never two of them).
    plan.status = code_;
    std::erase_if(plan.headers, [](const auto& h) { return h.first == "Retry-After"; });
    plan.retry_after_date_in.reset();
    if (retry_after_) {
      if (const auto* d = std::get_if<Duration>(&*retry_after_)) {
        const std::string seconds = retry_after_seconds(*d, ctx.time_scale);
        if (as_date_) {
          // Clamped to a century past Date, so the year stays a four-digit one.
          plan.retry_after_date_in = std::min<std::uint64_t>(std::stoull(seconds), kCentury);
        } else {
          plan.headers.emplace_back("Retry-After", seconds);
        }
      } else {
        plan.headers.emplace_back("Retry-After", std::get<std::string>(*retry_after_));
      }
    }
    plan.applied.emplace_back("status");
  }

 private:
  static constexpr std::uint64_t kCentury = 100ULL * 365 * 24 * 3600;
  int code_;
  std::optional<RetryAfter> retry_after_;
  bool as_date_;
};

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// IMF-fixdate, the one HTTP-date form a server may send: "Wed, 21 Oct 2026 07:28:00 GMT".
// Returns an explanation when `s` is not one, empty when it is.
std::string check_imf_fixdate(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kDays{"Sun", "Mon", "Tue", "Wed",
                                                         "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string shape = "expected an IMF-fixdate such as \"Wed, 21 Oct 2026 07:28:00 GMT\"";
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT" || !all_digits(s.substr(5, 2)) ||
      !all_digits(s.substr(12, 4)) || !all_digits(s.substr(17, 2)) ||
      !all_digits(s.substr(20, 2)) || !all_digits(s.substr(23, 2))) {
    return shape;
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    return std::stoi(std::string(s.substr(pos, len)));
  };
  unsigned month = 0;
  for (unsigned m = 0; m < kMonths.size(); ++m) {
    if (s.substr(8, 3) == kMonths[m]) month = m + 1;
  }
  if (month == 0) return shape + " (unknown month '" + std::string(s.substr(8, 3)) + "')";
  const std::chrono::year_month_day date{std::chrono::year{num(12, 4)}, std::chrono::month{month},
                                         std::chrono::day{static_cast<unsigned>(num(5, 2))}};
  if (!date.ok()) return "no such date: " + std::string(s.substr(5, 11));
  if (num(17, 2) > 23 || num(20, 2) > 59 || num(23, 2) > 60) {
    return "no such time of day: " + std::string(s.substr(17, 8));
  }
  const std::string_view weekday =
      kDays[std::chrono::weekday{std::chrono::sys_days{date}}.c_encoding()];
  if (s.substr(0, 3) != weekday) {
    return fmt::format("{} is a {}, not a {}", s.substr(5, 11), weekday, s.substr(0, 3));
  }
  return {};
}

constexpr std::string_view kForms[] = {"seconds", "date"};

constexpr model::ParamKey kKeys[] = {
    {.name = "code",
     .type = model::ParamType::unsigned_integer,
     .doc = "an HTTP status from 300 to 599",
     .required = true},
    {.name = "retry_after",
     .type = model::ParamType::string,
     .doc = "adds Retry-After: a duration (1s), whole seconds (120) or an HTTP-date"},
    {.name = "retry_after_as",
     .type = model::ParamType::choice,
     .default_value = "seconds",
     .doc = "a duration or seconds go out as delay-seconds, or as the HTTP-date that long "
            "after Date",
     .choices = kForms},
};

// Its three forms: delay-seconds, an HTTP-date, or a duration of the scenario's units.
RetryAfter read_retry_after(const model::FaultParams& params) {
  const std::string& text = params.string("retry_after");
  if (all_digits(text)) {
    if (text.size() > 12) params.fail("retry_after", "too many seconds (at most 12 digits)");
    return std::chrono::duration_cast<Duration>(std::chrono::seconds(std::stoll(text)));
  }
  if (text.find("GMT") != std::string::npos || text.find(',') != std::string::npos) {
    if (std::string why = check_imf_fixdate(text); !why.empty()) {
      params.fail("retry_after", fmt::format("invalid HTTP-date '{}': {}", text, why));
    }
    return text;
  }
  try {
    return parse_duration(text);
  } catch (const ParseError& e) {
    params.fail("retry_after", e.what());
  }
}

std::unique_ptr<Fault> parse(const model::FaultParams& params, const model::Scenario&) {
  const std::uint64_t code = params.unsigned_integer("code");
  // 1xx is not a final answer and a 2xx would pass for the resource itself.
  if (code < 300 || code > 599) {
    params.fail("code", fmt::format("expected an HTTP status from 300 to 599, got {}", code));
  }
  std::optional<RetryAfter> retry_after;
  if (params.has("retry_after")) retry_after = read_retry_after(params);
  const bool as_date = params.string("retry_after_as") == "date";
  if (as_date && !retry_after) {
    params.fail("retry_after_as", "retry_after_as: date needs a retry_after duration or seconds");
  }
  if (as_date && std::holds_alternative<std::string>(*retry_after)) {
    params.fail("retry_after_as",
                "retry_after is already an HTTP-date; retry_after_as: date takes a duration or "
                "seconds");
  }
  return std::make_unique<Status>(static_cast<int>(code), std::move(retry_after), as_date);
}

}  // namespace

const FaultKind& status_kind() {
  static const FaultKind kind{
      .name = "status",
      .summary = "answer with another status code (503, 429, 500...) and optional Retry-After",
      .params = {kKeys},
      .parse = &parse,
  };
  return kind;
}

}  // namespace sisyphus::proxy::faults
