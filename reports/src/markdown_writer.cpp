// summary.md: meant to be appended to $GITHUB_STEP_SUMMARY, so it is plain GFM (no HTML
// beyond entities), one headline, one table, then the failures with their replay commands.
#include <fmt/format.h>

#include "sisyphus/reports/markdown.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace {

std::string verdict_cell(const ScenarioResult& s) {
  std::string v(to_string(s.verdict));
  if (s.timed_out) v += ", timed out";
  return s.passed ? v : "**FAIL** " + v;
}

}  // namespace

std::string to_markdown(const RunResults& results) {
  const Tally t = tally(results);
  std::string out = fmt::format("## sisyphus: {} passed, {} failed", t.passed, t.failed);
  if (t.errors > 0) out += fmt::format(" ({} harness error{})", t.errors, t.errors == 1 ? "" : "s");
  out += fmt::format(" of {} scenario{}\n\n", t.total, t.total == 1 ? "" : "s");

  out += fmt::format(
      "Client {} · seed {} · sisyphus {} · started {}\n\n", text::markdown_cell(results.client),
      results.seed ? std::to_string(*results.seed) : "per scenario",
      text::markdown_cell(results.sisyphus_version), text::markdown_cell(results.started_at));

  if (!results.scenarios.empty()) {
    out += "| Scenario | Client | Verdict | Attempts | Bytes sent | Wasted | Duration |\n";
    out += "|---|---|---|---:|---:|---:|---:|\n";
    for (const auto& s : results.scenarios) {
      out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", text::markdown_cell(s.name),
                         text::markdown_cell(s.client.label), verdict_cell(s), s.attempts,
                         text::bytes(s.bytes_sent), text::wasted(s), text::seconds(s.duration_s));
    }
    out += "\n";
  }

  if (t.failed == 0) return out;
  out += "### Failed scenarios\n";
  for (const auto& s : results.scenarios) {
    if (s.passed) continue;
    out += fmt::format("\n#### {} ({}): {}\n\n", text::markdown_cell(s.name),
                       text::markdown_cell(s.client.label), verdict_cell(s));
    if (!s.description.empty()) out += text::markdown_cell(s.description) + "\n\n";
    for (const auto& e : s.expectations) {
      if (!e.passed) out += "- " + text::markdown_cell(text::expectation_line(e)) + "\n";
    }
    if (s.corruption) {
      out += "- corruption: " + text::markdown_cell(text::corruption_line(*s.corruption)) + "\n";
    }
    if (s.error) out += "- error: " + text::markdown_cell(*s.error) + "\n";
    out += "\nReplay:\n\n" + text::markdown_code_block(s.replay);
  }
  return out;
}

}  // namespace sisyphus::reports
