#pragma once
// Writing a report directory and joining shards of one.
#include <filesystem>
#include <vector>

#include "sisyphus/reports/results.hpp"

namespace sisyphus::reports {

// Creates `dir` if needed and writes results.json, junit.xml, summary.md, report.html.
// Throws std::runtime_error naming the file on an I/O failure.
void write_all(const RunResults& results, const std::filesystem::path& dir);

// Joins shards: scenarios concatenated and sorted by (name, client label); the seed is kept
// when every shard agrees, else null; started_at is the earliest; the client label is kept
// when all agree, else the distinct labels sorted and joined with ", ". Throws
// sisyphus::ParseError on no input, a schema other than 1, differing sisyphus versions, or
// a (name, client label) pair present twice. Independent of the order of `shards`.
RunResults merge(std::vector<RunResults> shards);

}  // namespace sisyphus::reports
