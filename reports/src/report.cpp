#include "sisyphus/reports/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/html.hpp"
#include "sisyphus/reports/json.hpp"
#include "sisyphus/reports/junit.hpp"
#include "sisyphus/reports/markdown.hpp"
#include "write_file.hpp"

namespace sisyphus::reports {

void write_all(const RunResults& results, const std::filesystem::path& dir) {
  create_report_dir(dir);
  write_file(dir / "results.json", to_json(results));
  write_file(dir / "junit.xml", to_junit(results));
  write_file(dir / "summary.md", to_markdown(results));
  write_file(dir / "report.html", to_html(results));
}

RunResults merge(std::vector<RunResults> shards) {
  if (shards.empty()) throw ParseError("nothing to merge: no results given");
  RunResults out;
  out.seed = shards.front().seed;
  out.started_at = shards.front().started_at;
  out.sisyphus_version = shards.front().sisyphus_version;
  std::set<std::string> labels;
  for (auto& shard : shards) {
    if (shard.schema != kSchemaVersion) {
      throw ParseError(fmt::format("cannot merge schema {} results; this sisyphus writes schema {}",
                                   shard.schema, kSchemaVersion));
    }
    if (shard.sisyphus_version != out.sisyphus_version) {
      throw ParseError(fmt::format("cannot merge results of sisyphus {} and {}",
                                   out.sisyphus_version, shard.sisyphus_version));
    }
    if (shard.seed != out.seed) out.seed.reset();
    // ISO 8601 UTC strings of one format order as text; an empty one is "unknown".
    if (out.started_at.empty() ||
        (!shard.started_at.empty() && shard.started_at < out.started_at)) {
      out.started_at = shard.started_at;
    }
    labels.insert(shard.client);
    std::move(shard.scenarios.begin(), shard.scenarios.end(), std::back_inserter(out.scenarios));
  }
  for (const auto& label : labels) {
    out.client += out.client.empty() ? label : ", " + label;
  }
  sort_scenarios(out);
  const auto dup = std::adjacent_find(out.scenarios.begin(), out.scenarios.end(),
                                      [](const ScenarioResult& a, const ScenarioResult& b) {
                                        return a.name == b.name && a.client.label == b.client.label;
                                      });
  if (dup != out.scenarios.end()) {
    throw ParseError(
        fmt::format("scenario \"{}\" with client \"{}\" appears in more than one shard", dup->name,
                    dup->client.label));
  }
  return out;
}

}  // namespace sisyphus::reports
