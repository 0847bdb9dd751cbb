// results.json writer. Field order follows DESIGN.md so the file reads top to bottom.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <string>

#include "sisyphus/reports/json.hpp"
#include "text.hpp"

namespace sisyphus::reports {
namespace json = boost::json;
namespace {

// Client output and labels are arbitrary bytes; JSON text must be UTF-8 or readers (ours
// included) reject the whole file.
json::string str(std::string_view s) {
  return json::string(text::sanitize_utf8(s));
}

json::value optional_string(const std::optional<std::string>& s) {
  return s ? json::value(str(*s)) : json::value(nullptr);
}

json::value corruption_value(const std::optional<Corruption>& c) {
  if (!c) return nullptr;
  json::array ranges;
  for (const auto& r : c->bad_ranges) ranges.push_back(json::array{r.first, r.last});
  return json::object{{"kind", to_string(c->kind)},
                      {"first_bad_offset", c->first_bad_offset},
                      {"bad_bytes", c->bad_bytes},
                      {"bad_ranges", std::move(ranges)}};
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
    out.push_back(json::object{{"attempt", a.attempt},
                               {"t", a.t},
                               {"range", optional_string(a.range)},
                               {"if_range", optional_string(a.if_range)},
                               {"status", a.status},
                               {"bytes_sent", a.bytes_sent},
                               {"bytes_written", a.bytes_written},
                               {"fault", optional_string(a.fault)},
                               {"gap_s", a.gap_s ? json::value(*a.gap_s) : json::value(nullptr)}});
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

// Boost.JSON 1.81 has no pretty printer; scalars go through json::serialize so numbers
// keep their shortest round-trip spelling and strings their escaping.
void pretty(const json::value& v, std::string& out, int indent) {
  const auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  if (const auto* obj = v.if_object()) {
    if (obj->empty()) {
      out += "{}";
      return;
    }
    out += '{';
    bool first = true;
    for (const auto& kv : *obj) {
      if (!first) out += ',';
      first = false;
      newline(indent + 1);
      out += json::serialize(json::string(kv.key()));
      out += ": ";
      pretty(kv.value(), out, indent + 1);
    }
    newline(indent);
    out += '}';
  } else if (const auto* arr = v.if_array()) {
    if (arr->empty()) {
      out += "[]";
      return;
    }
    // Short arrays of scalars (bad ranges) stay on one line.
    const bool flat = arr->size() <= 2 && std::all_of(arr->begin(), arr->end(), [](const auto& e) {
                        return !e.is_object() && !e.is_array();
                      });
    out += '[';
    bool first = true;
    for (const auto& e : *arr) {
      if (!first) out += flat ? ", " : ",";
      first = false;
      if (!flat) newline(indent + 1);
      pretty(e, out, indent + 1);
    }
    if (!flat) newline(indent);
    out += ']';
  } else if (v.is_double()) {
    // Boost.JSON spells 0.25 as "2.5E-1"; fmt gives the shortest form that reads back
    // exactly ("0.25", "1e-09"). Non-finite numbers are not JSON: null, which the reader
    // then rejects by name.
    const double d = v.get_double();
    out += std::isfinite(d) ? fmt::format("{}", d) : "null";
  } else {
    out += json::serialize(v);
  }
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
  std::string out;
  pretty(to_json_value(results), out, 0);
  out += '\n';
  return out;
}

}  // namespace sisyphus::reports
