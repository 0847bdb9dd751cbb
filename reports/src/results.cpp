#include "sisyphus/reports/results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <tuple>
#include <utility>

#include "sisyphus/core/error.hpp"

namespace sisyphus::reports {
namespace {

constexpr std::array<std::pair<Verdict, std::string_view>, 5> kVerdictNames{{
    {Verdict::ok, "ok"},
    {Verdict::failed_clean, "failed-clean"},
    {Verdict::failed_dirty, "failed-dirty"},
    {Verdict::corrupt, "corrupt"},
    {Verdict::error, "error"},
}};

constexpr std::array<std::pair<CorruptionKind, std::string_view>, 3> kKindNames{{
    {CorruptionKind::mismatch, "mismatch"},
    {CorruptionKind::truncated, "truncated"},
    {CorruptionKind::extended, "extended"},
}};

}  // namespace

std::string_view to_string(Verdict v) {
  for (const auto& [verdict, name] : kVerdictNames) {
    if (verdict == v) return name;
  }
  return "error";
}

std::optional<Verdict> verdict_from_string(std::string_view text) {
  for (const auto& [verdict, name] : kVerdictNames) {
    if (name == text) return verdict;
  }
  return std::nullopt;
}

Verdict parse_verdict(std::string_view text) {
  if (auto v = verdict_from_string(text)) return *v;
  throw ParseError(fmt::format(
      "bad verdict \"{}\": expected ok, failed-clean, failed-dirty, corrupt or error", text));
}

std::string_view to_string(CorruptionKind k) {
  for (const auto& [kind, name] : kKindNames) {
    if (kind == k) return name;
  }
  return "mismatch";
}

std::optional<CorruptionKind> corruption_kind_from_string(std::string_view text) {
  for (const auto& [kind, name] : kKindNames) {
    if (name == text) return kind;
  }
  return std::nullopt;
}

std::uint64_t compute_bytes_wasted(Verdict verdict, std::uint64_t bytes_sent, std::uint64_t size,
                                   std::uint64_t reusable) {
  if (verdict != Verdict::ok) return bytes_sent;
  const std::uint64_t needed = size - std::min(reusable, size);
  return bytes_sent > needed ? bytes_sent - needed : 0;
}

bool all_expectations_passed(const std::vector<Expectation>& expectations) {
  return std::all_of(expectations.begin(), expectations.end(),
                     [](const Expectation& e) { return e.passed; });
}

Tally tally(const RunResults& results) {
  Tally t;
  for (const auto& s : results.scenarios) {
    ++t.total;
    if (s.passed) {
      ++t.passed;
    } else {
      ++t.failed;
    }
    if (s.verdict == Verdict::error) ++t.errors;
  }
  return t;
}

void sort_scenarios(RunResults& results) {
  std::stable_sort(results.scenarios.begin(), results.scenarios.end(),
                   [](const ScenarioResult& a, const ScenarioResult& b) {
                     return std::tie(a.name, a.client.label) < std::tie(b.name, b.client.label);
                   });
}

std::string iso8601_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace sisyphus::reports
