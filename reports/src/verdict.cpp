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
