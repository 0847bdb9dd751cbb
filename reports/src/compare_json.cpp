// compare.json (schema 1, docs/reports.md): writer and reader. The writer puts each cell's
// summary and the bound results beside the trials for readers that want numbers without
// recomputing them; the reader rebuilds the model from the trials and bounds alone and
// checks everything it reads, naming the field.
#include <boost/json.hpp>
#include <limits>
#include <tuple>

#include "compare_text.hpp"
#include "json_support.hpp"
#include "sisyphus/reports/compare.hpp"

namespace sisyphus::reports {
namespace json = boost::json;
namespace {

using json_support::Reader;
using json_support::str;

json::value distribution_value(const Distribution& d) {
  return json::object{
      {"mean", d.mean}, {"p50", d.p50}, {"p95", d.p95}, {"p99", d.p99}, {"max", d.max}};
}

json::value trial_value(const Trial& t) {
  json::object o{{"trial", t.trial},
                 {"seed", t.seed},
                 {"verdict", to_string(t.verdict)},
                 {"timed_out", t.timed_out},
                 {"attempts", t.attempts},
                 {"bytes_sent", t.bytes_sent},
                 {"bytes_written", t.bytes_written},
                 {"bytes_wasted", t.bytes_wasted},
                 {"duration_s", t.duration_s},
                 {"error", t.error ? json::value(str(*t.error)) : json::value(nullptr)}};
  // Only in herds: one-client files stay as they were.
  if (t.client) o["client"] = *t.client;
  return o;
}

template <typename T>
json::array numbers(const std::vector<T>& v) {
  json::array out;
  out.reserve(v.size());
  for (const T& x : v) out.push_back(json::value(x));
  return out;
}

json::value series_value(const std::optional<ServerSeries>& s) {
  if (!s) return nullptr;
  return json::object{{"bin_s", s->bin_s},
                      {"arrivals", numbers(s->arrivals)},
                      {"active", numbers(s->active)},
                      {"bytes", numbers(s->bytes)},
                      {"requests", s->requests},
                      {"peak_arrivals_per_bin", s->peak_arrivals_per_bin},
                      {"over_capacity", s->over_capacity},
                      {"peak_active", s->peak_active},
                      {"trials", s->trials}};
}

json::value cell_value(const Cell& c) {
  const CellSummary s = summarize(c);
  json::array samples;
  for (const auto& t : c.trials) samples.push_back(trial_value(t));
  const auto worst = worst_trial(c);
  return json::object{
      {"strategy", str(c.strategy)},
      {"client", json::object{{"kind", str(c.client.kind)}, {"label", str(c.client.label)}}},
      {"clients", c.clients},
      {"trials", c.trials.size()},
      {"verdicts", json::object{{"ok", s.verdicts.ok},
                                {"corrupt", s.verdicts.corrupt},
                                {"failed-clean", s.verdicts.failed_clean},
                                {"failed-dirty", s.verdicts.failed_dirty},
                                {"error", s.verdicts.error}}},
      {"attempts", distribution_value(s.attempts)},
      {"bytes_sent", distribution_value(s.bytes_sent)},
      {"bytes_wasted", distribution_value(s.bytes_wasted)},
      {"duration_s", distribution_value(s.duration_s)},
      {"requests", s.requests},
      {"ok_rate", s.ok_rate},
      {"corrupt_rate", s.corrupt_rate},
      {"replay", str(c.replay)},
      {"worst_trial", worst ? json::value(worst->trial) : json::value(nullptr)},
      // Herds: which client of that trial (its replay names the trial; the client is what to
      // look for in the log, `Sisyphus-Client: c<i>`).
      {"worst_client", worst && worst->client ? json::value(*worst->client) : json::value(nullptr)},
      {"samples", std::move(samples)},
      {"server", series_value(c.server)},
  };
}

json::value matrix_value(const MatrixResult& m) {
  json::array bounds, expectations, cells;
  for (const auto& b : m.bounds) {
    bounds.push_back(json::object{{"strategy", str(b.strategy)},
                                  {"key", to_string(b.key)},
                                  {"limit", b.limit},
                                  {"written", str(b.written)}});
  }
  for (const auto& r : check_bounds(m)) {
    expectations.push_back(json::object{{"strategy", str(r.strategy)},
                                        {"key", r.key},
                                        {"expected", str(r.expected)},
                                        {"actual", r.actual},
                                        {"passed", r.passed}});
  }
  for (const auto& c : m.cells) cells.push_back(cell_value(c));
  return json::object{
      {"name", str(m.name)},
      {"description", str(m.description)},
      {"source_file", str(m.source_file)},
      {"scenario", str(m.scenario)},
      {"size", m.size},
      {"seed", m.seed},
      {"trials", m.trials},
      {"bounds", std::move(bounds)},
      {"expectations", std::move(expectations)},
      {"cells", std::move(cells)},
  };
}

std::uint32_t uint32(const Reader& r, const json::object& o, std::string_view key,
                     const std::string& path, std::int64_t lo = 0) {
  return static_cast<std::uint32_t>(r.integer(r.field(o, key, path), lo,
                                              std::numeric_limits<std::uint32_t>::max(),
                                              Reader::join(path, key)));
}

Trial read_trial(const Reader& r, const json::value& v, const std::string& path) {
  const auto& o = r.object(v, path);
  Trial t;
  t.trial = uint32(r, o, "trial", path);
  t.seed = r.uint(o, "seed", path);
  t.verdict = r.verdict(o, "verdict", path);
  t.timed_out = r.boolean(o, "timed_out", path);
  t.attempts = r.uint(o, "attempts", path);
  t.bytes_sent = r.uint(o, "bytes_sent", path);
  t.bytes_written = r.uint(o, "bytes_written", path);
  t.bytes_wasted = r.uint(o, "bytes_wasted", path);
  t.duration_s = r.number(o, "duration_s", path);
  r.field(o, "error", path);
  t.error = r.optional_string(o, "error", path);
  if (const auto client = r.optional_uint(o, "client", path)) {
    if (*client > std::numeric_limits<std::uint32_t>::max()) {
      r.fail(Reader::join(path, "client"), "expected an integer in 0..4294967295");
    }
    t.client = static_cast<std::uint32_t>(*client);
  }
  return t;
}

template <typename T, typename Read>
std::vector<T> read_numbers(const Reader& r, const json::object& o, std::string_view key,
                            const std::string& path, Read read) {
  const std::string here = Reader::join(path, key);
  const auto& a = r.array(r.field(o, key, path), here);
  std::vector<T> out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(read(a[i], Reader::index(here, i)));
  return out;
}

// The series as written, checked for what its fields promise of each other.
std::optional<ServerSeries> read_series(const Reader& r, const json::object& cell,
                                        const std::string& cell_path) {
  const auto* v = cell.if_contains("server");
  if (v == nullptr || v->is_null()) return std::nullopt;
  const std::string path = Reader::join(cell_path, "server");
  const auto& o = r.object(*v, path);
  ServerSeries s;
  s.bin_s = r.number(o, "bin_s", path);
  if (s.bin_s == 0) r.fail(Reader::join(path, "bin_s"), "expected a positive number");
  const auto uint = [&](const json::value& x, const std::string& p) { return r.uint(x, p); };
  s.arrivals = read_numbers<std::uint64_t>(r, o, "arrivals", path, uint);
  s.active = read_numbers<double>(
      r, o, "active", path,
      [&](const json::value& x, const std::string& p) { return r.number(x, p); });
  s.bytes = read_numbers<std::uint64_t>(r, o, "bytes", path, uint);
  if (s.active.size() != s.arrivals.size() || s.bytes.size() != s.arrivals.size()) {
    r.fail(path, fmt::format("arrivals, active and bytes must have one entry per bin, got {}, {} "
                             "and {}",
                             s.arrivals.size(), s.active.size(), s.bytes.size()));
  }
  s.requests = r.uint(o, "requests", path);
  s.peak_arrivals_per_bin = r.uint(o, "peak_arrivals_per_bin", path);
  s.over_capacity = r.uint(o, "over_capacity", path);
  s.peak_active = r.uint(o, "peak_active", path);
  s.trials = uint32(r, o, "trials", path);
  std::uint64_t sum = 0, peak = 0;
  for (auto a : s.arrivals) {
    sum += a;
    peak = std::max(peak, a);
  }
  if (s.requests != sum) {
    r.fail(Reader::join(path, "requests"),
           fmt::format("expected the sum of arrivals, {}, got {}", sum, s.requests));
  }
  if (s.peak_arrivals_per_bin != peak) {
    r.fail(
        Reader::join(path, "peak_arrivals_per_bin"),
        fmt::format("expected the largest of arrivals, {}, got {}", peak, s.peak_arrivals_per_bin));
  }
  if (s.over_capacity > s.requests) {
    r.fail(Reader::join(path, "over_capacity"),
           fmt::format("expected at most requests, {}, got {}", s.requests, s.over_capacity));
  }
  return s;
}

Cell read_cell(const Reader& r, const json::value& v, const std::string& path) {
  const auto& o = r.object(v, path);
  Cell c;
  c.strategy = r.string(o, "strategy", path);
  if (c.strategy.empty()) r.fail(Reader::join(path, "strategy"), "expected a non-empty name");
  c.client = r.client(o, "client", path);
  c.clients = uint32(r, o, "clients", path, 1);
  c.replay = r.string(o, "replay", path);
  const std::string spath = Reader::join(path, "samples");
  const auto& samples = r.array(r.field(o, "samples", path), spath);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string p = Reader::index(spath, i);
    Trial t = read_trial(r, samples[i], p);
    if (!c.trials.empty()) {
      const Trial& before = c.trials.back();
      if (t.client.has_value() != before.client.has_value()) {
        r.fail(Reader::join(p, "client"), "expected on every sample of a cell or on none");
      }
      if (std::tie(t.trial, t.client) <= std::tie(before.trial, before.client)) {
        r.fail(Reader::join(p, "trial"),
               fmt::format("trials must ascend without repeats: {} after {}",
                           compare_text::record(t), compare_text::record(before)));
      }
    }
    c.trials.push_back(std::move(t));
  }
  c.server = read_series(r, o, path);
  return c;
}

Bound read_bound(const Reader& r, const json::value& v, const std::string& path) {
  const auto& o = r.object(v, path);
  Bound b;
  b.strategy = r.string(o, "strategy", path);
  const std::string key = r.string(o, "key", path);
  const auto parsed = parse_bound_key(key);
  if (!parsed) {
    std::string names;
    for (const auto& n : bound_key_names()) names += (names.empty() ? "" : ", ") + n;
    r.fail(Reader::join(path, "key"), fmt::format("expected one of {}, got \"{}\"", names, key));
  }
  b.key = *parsed;
  b.limit = r.number(o, "limit", path);
  b.written = r.string(o, "written", path);
  return b;
}

MatrixResult read_matrix(const Reader& r, const json::value& v, const std::string& path) {
  const auto& o = r.object(v, path);
  MatrixResult m;
  m.name = r.string(o, "name", path);
  if (m.name.empty()) r.fail(Reader::join(path, "name"), "expected a non-empty name");
  m.description = r.string(o, "description", path);
  m.source_file = r.string(o, "source_file", path);
  m.scenario = r.string(o, "scenario", path);
  m.size = r.uint(o, "size", path);
  m.seed = r.uint(o, "seed", path);
  m.trials = uint32(r, o, "trials", path);
  const std::string bpath = Reader::join(path, "bounds");
  const auto& bounds = r.array(r.field(o, "bounds", path), bpath);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    m.bounds.push_back(read_bound(r, bounds[i], Reader::index(bpath, i)));
  }
  const std::string cpath = Reader::join(path, "cells");
  const auto& cells = r.array(r.field(o, "cells", path), cpath);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    m.cells.push_back(read_cell(r, cells[i], Reader::index(cpath, i)));
  }
  return m;
}

std::optional<Shard> read_shard(const Reader& r, const json::object& o) {
  const auto& v = r.field(o, "shard", "");
  if (v.is_null()) return std::nullopt;
  const auto& s = r.object(v, "shard");
  Shard out{uint32(r, s, "index", "shard", 1), uint32(r, s, "count", "shard", 1)};
  if (out.index > out.count) {
    r.fail("shard.index", fmt::format("expected 1..{}, got {}", out.count, out.index));
  }
  return out;
}

}  // namespace

std::string to_compare_json(const CompareResults& results) {
  json::array matrices;
  for (const auto& m : results.matrices) matrices.push_back(matrix_value(m));
  const json::value shard = results.shard
                                ? json::value(json::object{{"index", results.shard->index},
                                                           {"count", results.shard->count}})
                                : json::value(nullptr);
  return json_support::pretty(json::object{
      {"schema", results.schema},
      {"started_at", str(results.started_at)},
      {"sisyphus_version", str(results.sisyphus_version)},
      {"time_scale", results.time_scale},
      {"shard", shard},
      {"matrices", std::move(matrices)},
  });
}

CompareResults from_compare_json(std::string_view text, std::string_view where) {
  const json::value v = json_support::parse(text, where);
  const Reader r(where);
  const auto& o = r.object(v, "(top level)");
  CompareResults out;
  const auto schema = r.integer(r.field(o, "schema", ""), std::numeric_limits<int>::min(),
                                std::numeric_limits<int>::max(), "schema");
  if (schema != kCompareSchemaVersion) {
    r.fail("schema", fmt::format("this sisyphus reads compare schema {}, the file has {}",
                                 kCompareSchemaVersion, schema));
  }
  out.schema = static_cast<int>(schema);
  out.started_at = r.string(o, "started_at", "");
  out.sisyphus_version = r.string(o, "sisyphus_version", "");
  out.time_scale = r.number(o, "time_scale", "");
  out.shard = read_shard(r, o);
  const auto& matrices = r.array(r.field(o, "matrices", ""), "matrices");
  for (std::size_t i = 0; i < matrices.size(); ++i) {
    out.matrices.push_back(read_matrix(r, matrices[i], Reader::index("matrices", i)));
  }
  return out;
}

CompareResults read_compare(const std::filesystem::path& path) {
  std::filesystem::path file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) file /= "compare.json";
  return from_compare_json(json_support::read_file(file), file.string());
}

}  // namespace sisyphus::reports
