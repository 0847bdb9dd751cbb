#include "sisyphus/reports/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
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

// Both ways through a table of (value, name) pairs.
template <typename Enum, std::size_t N>
std::string_view name_in(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value,
                         std::string_view fallback) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return fallback;
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_in(const std::array<std::pair<Enum, std::string_view>, N>& names,
                             std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Verdict v) {
  return name_in(kVerdictNames, v, "error");
}

std::optional<Verdict> verdict_from_string(std::string_view text) {
  return value_in(kVerdictNames, text);
}

Verdict parse_verdict(std::string_view text) {
  if (auto v = verdict_from_string(text)) return *v;
  throw ParseError(fmt::format(
      "bad verdict \"{}\": expected ok, failed-clean, failed-dirty, corrupt or error", text));
}

std::string_view to_string(CorruptionKind k) {
  return name_in(kKindNames, k, "mismatch");
}

std::optional<CorruptionKind> corruption_kind_from_string(std::string_view text) {
  return value_in(kKindNames, text);
}

Classification classify(bool client_success, const OutputCheck& check, std::uint64_t expected_size,
                        bool clean_prefix_of_other_version) {
  Classification out;
  if (client_success) {
    if (check.identical() || (expected_size == 0 && check.exists && check.size == 0)) {
      out.verdict = Verdict::ok;
    } else {
      out.verdict = Verdict::corrupt;
      out.corruption = check.corruption;
    }
    return out;
  }
  if (check.clean_prefix(expected_size) || clean_prefix_of_other_version) {
    out.verdict = Verdict::failed_clean;
    return out;
  }
  out.verdict = Verdict::failed_dirty;
  out.corruption = check.corruption;
  return out;
}

std::uint64_t compute_bytes_wasted(Verdict verdict, std::uint64_t bytes_sent, std::uint64_t size,
                                   std::uint64_t reusable) {
  if (verdict != Verdict::ok) return bytes_sent;
  const std::uint64_t needed = size - std::min(reusable, size);
  return bytes_sent > needed ? bytes_sent - needed : 0;
}

}  // namespace sisyphus::reports
