// compare.md: plain GFM for $GITHUB_STEP_SUMMARY. A headline, then per matrix its table
// (best values bold), the bounds that failed, harness errors and the worst trial of every
// strategy with the command that replays it.
#include <fmt/format.h>

#include <algorithm>

#include "compare_table.hpp"
#include "compare_text.hpp"
#include "sisyphus/reports/compare.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace {

std::string table(const MatrixResult& m) {
  const compare_table::Table t = compare_table::build(m);
  std::string out = "| Strategy |";
  std::string rule = "|---|";
  for (const auto& c : t.columns) {
    out += " " + c.header + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (const auto& row : t.rows) {
    out += "| " + text::markdown_cell(row.strategy) + " |";
    for (const auto& e : row.entries) out += e.best ? " **" + e.text + "** |" : " " + e.text + " |";
    out += "\n";
  }
  return out + "\n";
}

std::string matrix_section(const MatrixResult& m) {
  std::string out = "### " + text::markdown_cell(m.name) + "\n\n";
  if (!m.description.empty()) out += text::markdown_cell(m.description) + "\n\n";
  out += text::markdown_cell(compare_text::matrix_meta(m)) + "\n\n";
  if (m.cells.empty()) return out + "No strategies ran.\n\n";
  out += table(m);

  const auto bounds = check_bounds(m);
  if (!bounds.empty()) {
    const auto failed = static_cast<std::size_t>(std::count_if(
        bounds.begin(), bounds.end(), [](const BoundResult& b) { return !b.passed; }));
    out += fmt::format("Bounds: {} of {} held.\n\n", bounds.size() - failed, bounds.size());
    for (const auto& b : bounds) {
      if (!b.passed) out += "- **FAIL** " + text::markdown_cell(compare_text::bound_line(b)) + "\n";
    }
    if (failed > 0) out += "\n";
  }

  std::string errors;
  for (const auto& cell : m.cells) {
    for (const auto& t : cell.trials) {
      if (t.verdict != Verdict::error) continue;
      errors +=
          "- " + text::markdown_cell(cell.strategy + " " + compare_text::trial_line(t)) + "\n";
    }
  }
  if (!errors.empty()) out += "Harness errors:\n\n" + errors + "\n";

  std::string server;
  for (const auto& cell : m.cells) {
    if (cell.server) server += "- " + text::markdown_cell(compare_text::server_line(cell)) + "\n";
  }
  if (!server.empty()) out += "Server:\n\n" + server + "\n";

  out += "Worst trial of each strategy:\n\n";
  for (const auto& cell : m.cells) {
    const auto worst = worst_trial(cell);
    if (!worst) {
      out += "**" + text::markdown_cell(cell.strategy) + "**: no trials\n\n";
      continue;
    }
    out += "**" + text::markdown_cell(cell.strategy) + "** " +
           text::markdown_cell(compare_text::trial_line(*worst)) + "\n\n" +
           text::markdown_code_block(compare_text::replay_command(cell, *worst)) + "\n";
  }
  return out;
}

}  // namespace

std::string to_compare_markdown(const CompareResults& results) {
  std::string out = "## " + compare_text::headline(results) + "\n\n";
  out += fmt::format("sisyphus {} · started {} · time scale {}",
                     text::markdown_cell(results.sisyphus_version),
                     text::markdown_cell(results.started_at), text::decimal(results.time_scale, 6));
  if (results.shard) {
    out += fmt::format(" · shard {}/{} only (join the shards with `sisyphus report merge`)",
                       results.shard->index, results.shard->count);
  }
  out += "\n\n";
  for (const auto& m : results.matrices) out += matrix_section(m);
  return out;
}

}  // namespace sisyphus::reports
