// The merge of compare shards (`sisyphus compare --shard I/N`, then `sisyphus report merge`).
// Each shard ran every strategy on its slice of the trials (Shard::contains); the merge checks the
// shards belong to one comparison and unites the trials, so the result is what one run
// without --shard writes.
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <tuple>

#include "compare_text.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace {

std::string shard_name(const std::optional<Shard>& s) {
  return s ? fmt::format("shard {}/{}", s->index, s->count) : "the whole run";
}

// The shards present must be 1..N of one N, each once (or one whole run alone).
void check_shard_set(const std::vector<CompareResults>& shards) {
  if (shards.size() == 1 && !shards.front().shard) return;
  std::set<std::uint32_t> present;
  const std::uint32_t count = shards.front().shard ? shards.front().shard->count : 0;
  for (const auto& s : shards) {
    if (!s.shard) {
      throw ParseError("cannot merge a whole run (shard null) with other results");
    }
    if (s.shard->count != count) {
      throw ParseError(fmt::format("cannot merge shards of {} and of {}", count, s.shard->count));
    }
    if (s.shard->index < 1 || s.shard->index > count) {
      throw ParseError(
          fmt::format("shard {}/{} is not one of 1..{}", s.shard->index, count, count));
    }
    if (!present.insert(s.shard->index).second) {
      throw ParseError(fmt::format("shard {}/{} is given twice", s.shard->index, count));
    }
  }
  std::string missing;
  for (std::uint32_t i = 1; i <= count; ++i) {
    if (!present.contains(i))
      missing += fmt::format("{}{}/{}", missing.empty() ? "" : ", ", i, count);
  }
  if (!missing.empty()) throw ParseError(fmt::format("missing shard {}", missing));
}

// Two shards of one comparison agree on everything but their trials.
void check_same_matrix(const MatrixResult& a, const MatrixResult& b, const std::string& where) {
  const auto differs = [&](std::string_view what) {
    throw ParseError(
        fmt::format("{}: matrix \"{}\": the shards differ in {}", where, a.name, what));
  };
  if (a.description != b.description) differs("description");
  if (a.source_file != b.source_file) differs("source_file");
  if (a.scenario != b.scenario) differs("scenario");
  if (a.size != b.size) differs("size");
  if (a.seed != b.seed) differs("seed");
  if (a.trials != b.trials) differs("trials");
  if (a.bounds != b.bounds) differs("bounds");
  if (a.cells.size() != b.cells.size()) differs("strategies");
  for (std::size_t i = 0; i < a.cells.size(); ++i) {
    const Cell& x = a.cells[i];
    const Cell& y = b.cells[i];
    if (x.strategy != y.strategy) differs("strategies");
    if (x.client != y.client || x.clients != y.clients || x.replay != y.replay) {
      differs(fmt::format("strategy \"{}\"", x.strategy));
    }
  }
}

// Shards hold disjoint trials, so the run's series is the sum of theirs.
void add_shard_series(Cell& into, const Cell& shard, const std::string& matrix) {
  if (!shard.server) return;
  if (!into.server) {
    into.server = shard.server;
    return;
  }
  try {
    add_series(*into.server, *shard.server);
  } catch (const std::invalid_argument& e) {
    throw ParseError(
        fmt::format("matrix \"{}\", strategy \"{}\": {}", matrix, shard.strategy, e.what()));
  }
}

}  // namespace

CompareResults merge(std::vector<CompareResults> shards) {
  if (shards.empty()) throw ParseError("nothing to merge: no compare results given");
  for (const auto& s : shards) {
    if (s.schema != kCompareSchemaVersion) {
      throw ParseError(fmt::format("cannot merge compare schema {}; this sisyphus writes {}",
                                   s.schema, kCompareSchemaVersion));
    }
  }
  check_shard_set(shards);
  // Shard order, so that the result does not depend on the order given.
  std::sort(shards.begin(), shards.end(), [](const CompareResults& a, const CompareResults& b) {
    return a.shard && b.shard && a.shard->index < b.shard->index;
  });
  CompareResults out = shards.front();
  out.shard.reset();
  for (auto& m : out.matrices) {
    for (auto& c : m.cells) {
      c.trials.clear();
      c.server.reset();
    }
  }
  for (const auto& s : shards) {
    const std::string where = shard_name(s.shard);
    if (s.sisyphus_version != out.sisyphus_version) {
      throw ParseError(fmt::format("cannot merge results of sisyphus {} and {}",
                                   out.sisyphus_version, s.sisyphus_version));
    }
    if (s.time_scale != out.time_scale) {
      throw ParseError(fmt::format("cannot merge runs with time scales {} and {}", out.time_scale,
                                   s.time_scale));
    }
    // ISO 8601 UTC strings of one format order as text; an empty one is "unknown".
    if (out.started_at.empty() || (!s.started_at.empty() && s.started_at < out.started_at)) {
      out.started_at = s.started_at;
    }
    if (s.matrices.size() != out.matrices.size()) {
      throw ParseError(fmt::format("{} and {} hold different matrices ({} and {})",
                                   shard_name(shards.front().shard), where, out.matrices.size(),
                                   s.matrices.size()));
    }
    for (std::size_t i = 0; i < s.matrices.size(); ++i) {
      const MatrixResult& m = s.matrices[i];
      MatrixResult& into = out.matrices[i];
      if (m.name != into.name) {
        throw ParseError(fmt::format("{}: matrix {} is \"{}\", expected \"{}\"", where, i + 1,
                                     m.name, into.name));
      }
      check_same_matrix(into, m, where);
      for (std::size_t c = 0; c < m.cells.size(); ++c) {
        for (const Trial& t : m.cells[c].trials) {
          if (s.shard && !s.shard->contains(t.trial)) {
            throw ParseError(
                fmt::format("{}: matrix \"{}\", strategy \"{}\": trial {} is not "
                            "in this shard",
                            where, m.name, m.cells[c].strategy, t.trial));
          }
          into.cells[c].trials.push_back(t);
        }
        add_shard_series(into.cells[c], m.cells[c], m.name);
      }
    }
  }
  for (auto& m : out.matrices) {
    for (auto& c : m.cells) {
      const auto key = [](const Trial& t) { return std::tie(t.trial, t.client); };
      std::sort(c.trials.begin(), c.trials.end(),
                [&](const Trial& a, const Trial& b) { return key(a) < key(b); });
      const auto dup =
          std::adjacent_find(c.trials.begin(), c.trials.end(),
                             [&](const Trial& a, const Trial& b) { return key(a) == key(b); });
      if (dup != c.trials.end()) {
        throw ParseError(fmt::format("matrix \"{}\", strategy \"{}\": trial {} is present twice",
                                     m.name, c.strategy, compare_text::record(*dup)));
      }
    }
  }
  return out;
}

}  // namespace sisyphus::reports
