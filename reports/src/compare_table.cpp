#include "compare_table.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

#include "text.hpp"

namespace sisyphus::reports::compare_table {
namespace {

struct Spec {
  Column column;
  bool higher_is_better;
  std::function<double(const CellSummary&)> value;
  std::function<std::string(double)> show;
};

std::string count(double v) {
  return text::decimal(v, 0);
}
std::string attempts(double v) {
  return text::decimal(v, 2);
}
std::string size(double v) {
  return text::bytes(static_cast<std::uint64_t>(std::llround(v)));
}
std::string duration(double v) {
  return text::seconds(v);
}

const std::vector<Spec>& specs() {
  static const std::vector<Spec> all{
      {{"ok", "trials with verdict ok"},
       true,
       [](const CellSummary& s) { return static_cast<double>(s.verdicts.ok); },
       count},
      {{"corrupt", "trials whose client said success over wrong bytes"},
       false,
       [](const CellSummary& s) { return static_cast<double>(s.verdicts.corrupt); },
       count},
      {{"failed", "trials that failed: failed-clean + failed-dirty + error"},
       false,
       [](const CellSummary& s) {
         return static_cast<double>(s.verdicts.failed_clean + s.verdicts.failed_dirty +
                                    s.verdicts.error);
       },
       count},
      {{"mean attempts", "mean requests for the resource per trial"},
       false,
       [](const CellSummary& s) { return s.attempts.mean; },
       attempts},
      {{"p95 attempts", "95th percentile (nearest rank) of attempts"},
       false,
       [](const CellSummary& s) { return s.attempts.p95; },
       attempts},
      {{"p50 sent", "median bytes sent per trial"},
       false,
       [](const CellSummary& s) { return s.bytes_sent.p50; },
       size},
      {{"p95 sent", "95th percentile of bytes sent per trial"},
       false,
       [](const CellSummary& s) { return s.bytes_sent.p95; },
       size},
      {{"mean wasted", "mean bytes wasted per trial"},
       false,
       [](const CellSummary& s) { return s.bytes_wasted.mean; },
       size},
      {{"p95 wasted", "95th percentile of bytes wasted per trial"},
       false,
       [](const CellSummary& s) { return s.bytes_wasted.p95; },
       size},
      {{"p50 duration", "median wall time per trial"},
       false,
       [](const CellSummary& s) { return s.duration_s.p50; },
       duration},
      {{"p95 duration", "95th percentile of wall time per trial"},
       false,
       [](const CellSummary& s) { return s.duration_s.p95; },
       duration},
  };
  return all;
}

}  // namespace

Table build(const MatrixResult& m) {
  Table t;
  for (const auto& s : specs()) t.columns.push_back(s.column);
  std::vector<CellSummary> summaries;
  for (const auto& cell : m.cells) summaries.push_back(summarize(cell));
  for (std::size_t r = 0; r < m.cells.size(); ++r) {
    Row row{m.cells[r].strategy, m.cells[r].client.label, {}};
    for (const auto& s : specs()) {
      row.entries.push_back(
          {m.cells[r].trials.empty() ? "–" : s.show(s.value(summaries[r])), false});
    }
    t.rows.push_back(std::move(row));
  }
  for (std::size_t c = 0; c < specs().size(); ++c) {
    const Spec& s = specs()[c];
    std::vector<std::size_t> candidates;
    for (std::size_t r = 0; r < m.cells.size(); ++r) {
      if (!m.cells[r].trials.empty()) candidates.push_back(r);
    }
    if (candidates.size() < 2) continue;
    // Compared as shown, so that two values that look equal are both best or neither.
    std::vector<double> values;
    for (std::size_t r : candidates) values.push_back(s.value(summaries[r]));
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    if (s.show(*lo) == s.show(*hi)) continue;
    const std::string best = s.show(s.higher_is_better ? *hi : *lo);
    for (std::size_t r : candidates) {
      auto& e = t.rows[r].entries[c];
      e.best = e.text == best;
    }
  }
  return t;
}

}  // namespace sisyphus::reports::compare_table
