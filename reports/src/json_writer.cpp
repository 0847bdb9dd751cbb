// results.json writer. Field order follows DESIGN.md so the file reads top to bottom.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <string>

#include "json_support.hpp"
#include "sisyphus/reports/json.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace json = boost::json;
namespace {

using json_support::str;

json::value optional_string(const std::optional<std::string>& s) {
  return s ? json::value(str(*s)) : json::value(nullptr);
}

json::value corruption_value(const std::optional<Corruption>& c) {
  if (!c) return nullptr;
  json::array ranges;
  for (const auto& r : c->bad_ranges) ranges.push_back(json::array{r.first, r.last});
  json::object out{{"kind", to_string(c->kind)},
                   {"first_bad_offset", c->first_bad_offset},
                   {"bad_bytes", c->bad_bytes},
                   {"bad_ranges", std::move(ranges)}};
  if (c->resource) out["resource"] = str(*c->resource);
  return out;
}

json::value expectations_value(const std::vector<Expectation>& expectations) {
  json::array out;
  for (const auto& e : expectations) {
    out.push_back(json::object{{"name", str(e.name)},
                               {"expected", str(e.expected)},
                               {"actual", str(e.actual)},
                               {"passed", e.passed}});
  }
  return out;
}

json::value attempt_log_value(const std::vector<AttemptRecord>& log) {
  json::array out;
  for (const auto& a : log) {
    json::object one{{"attempt", a.attempt},
                     {"t", a.t},
                     {"range", optional_string(a.range)},
                     {"if_range", optional_string(a.if_range)},
                     {"status", a.status},
                     {"bytes_sent", a.bytes_sent},
                     {"bytes_written", a.bytes_written},
                     {"fault", optional_string(a.fault)},
                     {"gap_s", a.gap_s ? json::value(*a.gap_s) : json::value(nullptr)}};
    if (a.path) one["path"] = str(*a.path);
    out.push_back(std::move(one));
  }
  return out;
}

json::value scenario_value(const ScenarioResult& s) {
  return json::object{
      {"name", str(s.name)},
      {"description", str(s.description)},
      {"client", json::object{{"kind", str(s.client.kind)}, {"label", str(s.client.label)}}},
      {"verdict", to_string(s.verdict)},
      {"timed_out", s.timed_out},
      {"client_exit_code",
       s.client_exit_code ? json::value(*s.client_exit_code) : json::value(nullptr)},
      {"attempts", s.attempts},
      {"bytes_sent", s.bytes_sent},
      {"bytes_written", s.bytes_written},
      {"bytes_wasted", s.bytes_wasted},
      {"size", s.size},
      {"duration_s", s.duration_s},
      {"seed", s.seed},
      {"corruption", corruption_value(s.corruption)},
      {"expectations", expectations_value(s.expectations)},
      {"passed", s.passed},
      {"replay", str(s.replay)},
      {"attempt_log", attempt_log_value(s.attempt_log)},
      {"client_output", optional_string(s.client_output)},
      {"error", optional_string(s.error)},
  };
}

}  // namespace

json::value to_json_value(const RunResults& results) {
  json::array scenarios;
  for (const auto& s : results.scenarios) scenarios.push_back(scenario_value(s));
  return json::object{
      {"schema", results.schema},
      {"seed", results.seed ? json::value(*results.seed) : json::value(nullptr)},
      {"started_at", str(results.started_at)},
      {"client", str(results.client)},
      {"sisyphus_version", str(results.sisyphus_version)},
      {"scenarios", std::move(scenarios)},
  };
}

std::string to_json(const RunResults& results) {
  return json_support::pretty(to_json_value(results));
}

}  // namespace sisyphus::reports
