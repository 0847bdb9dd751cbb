#pragma once
// The per-matrix table of compare.md and compare.html (internal): one row per strategy, the
// same columns, numbers and best marks in both, rendered by each in its own markup.
#include <string>
#include <vector>

#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports::compare_table {

struct Column {
  std::string header;  // "p95 attempts"
  std::string title;   // a longer explanation (HTML tooltips)
};

struct Entry {
  std::string text;   // as shown: "3", "2.75", "4.0 MiB", "0.25 s", "–" without trials
  bool best = false;  // the best value of its column (ties: every holder)
};

struct Row {
  std::string strategy;
  std::string label;           // the client label
  std::vector<Entry> entries;  // one per column
};

struct Table {
  std::vector<Column> columns;  // the numeric columns; the strategy comes first in each row
  std::vector<Row> rows;        // in cell order
};

// Best marks: most ok, fewest corrupt and failed, least of every other column; only among
// strategies with trials, and only when at least two of them differ in that column.
Table build(const MatrixResult& m);

}  // namespace sisyphus::reports::compare_table
