// results.json reader: strict, so a merge never silently drops or invents a metric. Every
// field the writer emits is required; nullable ones may be null (client_output and error
// may also be absent). Unknown fields are
// ignored so a newer writer's additions do not break an older reader.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>

#include "json_support.hpp"
#include "sisyphus/core/error.hpp"
#include "sisyphus/reports/json.hpp"

namespace sisyphus::reports {
namespace json = boost::json;
namespace {

using Reader = json_support::Reader;

std::optional<Corruption> read_corruption(const Reader& r, const json::object& o,
                                          const std::string& path) {
  const auto& v = r.field(o, "corruption", path);
  const std::string here = Reader::join(path, "corruption");
  if (v.is_null()) return std::nullopt;
  const auto& c = r.object(v, here);
  Corruption out;
  const std::string kind = r.string(c, "kind", here);
  const auto k = corruption_kind_from_string(kind);
  if (!k) {
    r.fail(Reader::join(here, "kind"),
           fmt::format("expected mismatch, truncated or extended, got \"{}\"", kind));
  }
  out.kind = *k;
  out.first_bad_offset = r.uint(c, "first_bad_offset", here);
  out.bad_bytes = r.uint(c, "bad_bytes", here);
  out.resource = r.optional_string(c, "resource", here);
  const std::string rpath = Reader::join(here, "bad_ranges");
  const auto& ranges = r.array(r.field(c, "bad_ranges", here), rpath);
  if (ranges.size() > kMaxBadRanges) {
    r.fail(rpath, fmt::format("at most {} ranges, got {}", kMaxBadRanges, ranges.size()));
  }
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const std::string p = Reader::index(rpath, i);
    const auto& pair = r.array(ranges[i], p);
    if (pair.size() != 2) r.fail(p, "expected [first, last]");
    ByteRange br{r.uint(pair[0], p + "[0]"), r.uint(pair[1], p + "[1]")};
    if (br.last < br.first) r.fail(p, "last is before first");
    out.bad_ranges.push_back(br);
  }
  return out;
}

std::vector<Expectation> read_expectations(const Reader& r, const json::object& o,
                                           const std::string& path) {
  const std::string here = Reader::join(path, "expectations");
  std::vector<Expectation> out;
  const auto& arr = r.array(r.field(o, "expectations", path), here);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string p = Reader::index(here, i);
    const auto& e = r.object(arr[i], p);
    out.push_back({r.string(e, "name", p), r.string(e, "expected", p), r.string(e, "actual", p),
                   r.boolean(e, "passed", p)});
  }
  return out;
}

std::vector<AttemptRecord> read_attempt_log(const Reader& r, const json::object& o,
                                            const std::string& path) {
  const std::string here = Reader::join(path, "attempt_log");
  std::vector<AttemptRecord> out;
  const auto& arr = r.array(r.field(o, "attempt_log", path), here);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string p = Reader::index(here, i);
    const auto& a = r.object(arr[i], p);
    AttemptRecord rec;
    rec.attempt = static_cast<std::uint32_t>(r.integer(r.field(a, "attempt", p), 1,
                                                       std::numeric_limits<std::uint32_t>::max(),
                                                       Reader::join(p, "attempt")));
    rec.t = r.number(a, "t", p);
    rec.range = r.optional_string(a, "range", p);
    rec.if_range = r.optional_string(a, "if_range", p);
    rec.status =
        static_cast<int>(r.integer(r.field(a, "status", p), 0, 999, Reader::join(p, "status")));
    rec.bytes_sent = r.uint(a, "bytes_sent", p);
    rec.bytes_written = r.bytes_written(a, rec.bytes_sent, p);
    rec.fault = r.optional_string(a, "fault", p);
    const auto& gap = r.field(a, "gap_s", p);
    if (!gap.is_null()) rec.gap_s = r.number(gap, Reader::join(p, "gap_s"));
    rec.path = r.optional_string(a, "path", p);
    out.push_back(std::move(rec));
  }
  return out;
}

ScenarioResult read_scenario(const Reader& r, const json::value& v, const std::string& path) {
  const auto& o = r.object(v, path);
  ScenarioResult s;
  s.name = r.string(o, "name", path);
  if (s.name.empty()) r.fail(Reader::join(path, "name"), "expected a non-empty name");
  s.description = r.string(o, "description", path);
  s.client = r.client(o, "client", path);
  s.verdict = r.verdict(o, "verdict", path);
  s.timed_out = r.boolean(o, "timed_out", path);
  const auto& code = r.field(o, "client_exit_code", path);
  if (!code.is_null()) {
    s.client_exit_code = static_cast<int>(r.integer(code, std::numeric_limits<int>::min(),
                                                    std::numeric_limits<int>::max(),
                                                    Reader::join(path, "client_exit_code")));
  }
  s.attempts = r.uint(o, "attempts", path);
  s.bytes_sent = r.uint(o, "bytes_sent", path);
  s.bytes_written = r.bytes_written(o, s.bytes_sent, path);
  s.bytes_wasted = r.uint(o, "bytes_wasted", path);
  s.size = r.uint(o, "size", path);
  s.duration_s = r.number(o, "duration_s", path);
  s.seed = r.uint(o, "seed", path);
  s.corruption = read_corruption(r, o, path);
  s.expectations = read_expectations(r, o, path);
  s.passed = r.boolean(o, "passed", path);
  s.replay = r.string(o, "replay", path);
  s.attempt_log = read_attempt_log(r, o, path);
  s.client_output = r.optional_string(o, "client_output", path);
  s.error = r.optional_string(o, "error", path);
  return s;
}

}  // namespace

RunResults from_json_value(const json::value& v, std::string_view where) {
  const Reader r(where);
  const auto& o = r.object(v, "(top level)");
  RunResults out;
  const auto schema = r.integer(r.field(o, "schema", ""), std::numeric_limits<int>::min(),
                                std::numeric_limits<int>::max(), "schema");
  if (schema != kSchemaVersion) {
    r.fail("schema",
           fmt::format("this sisyphus reads schema {}, the file has {}", kSchemaVersion, schema));
  }
  out.schema = static_cast<int>(schema);
  r.field(o, "seed", "");
  out.seed = r.optional_uint(o, "seed", "");
  out.started_at = r.string(o, "started_at", "");
  out.client = r.string(o, "client", "");
  out.sisyphus_version = r.string(o, "sisyphus_version", "");
  const auto& scenarios = r.array(r.field(o, "scenarios", ""), "scenarios");
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    out.scenarios.push_back(read_scenario(r, scenarios[i], Reader::index("scenarios", i)));
  }
  return out;
}

RunResults from_json(std::string_view text, std::string_view where) {
  return from_json_value(json_support::parse(text, where), where);
}

RunResults read_results(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) file /= "results.json";
  return from_json(json_support::read_file(file), file.string());
}

}  // namespace sisyphus::reports
