// A matrix file (docs/matrix.md) -> Matrix. The scenario it names is read by the scenario
// loader, and every strategy's client keys by the scenario's own client rules
// (client_reading.hpp), so a key means and checks the same in both files.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>

#include "client_reading.hpp"
#include "scenario_reading.hpp"
#include "schema_rules.hpp"
#include "section_keys.hpp"
#include "sisyphus/core/rng.hpp"
#include "sisyphus/model/loader.hpp"
#include "sisyphus/model/matrix.hpp"
#include "source_text.hpp"
#include "yaml_params.hpp"
#include "yaml_text.hpp"

namespace sisyphus::model {
namespace {

namespace fs = std::filesystem;
using detail::describe;
using detail::join;
using detail::location_of;

// Each strategy runs every trial; past a thousand a comparison is no longer read by anyone,
// and a product of axes reaches that quickly.
constexpr std::size_t kMaxStrategies = 1'000;
// "expected one of" lists of strategy names stop here (axes make hundreds).
constexpr std::size_t kMaxListedNames = 12;

// The axis that is not a client key: the herd size of each combination.
constexpr std::string_view kClientsAxis = "clients";

// The herd size written as `text` (an axis value), else nullopt.
std::optional<std::uint32_t> herd_size(const std::string& text) {
  std::uint32_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > kMaxHerdClients)
    return std::nullopt;
  return n;
}

// `strategies:` names: one word for --filter globs, file names and table cells, which may
// spell the axes' own form ("backoff.base=1s"); `all` names every strategy in `expect:`.
bool valid_strategy_name(std::string_view name) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '=';
  };
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return !name.empty() && alnum(name.front()) && std::all_of(name.begin(), name.end(), allowed);
}

std::vector<std::string> split_dotted(const std::string& key) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
    out.push_back(key.substr(start, dot - start));
    start = dot + 1;
  }
  out.push_back(key.substr(start));
  return out;
}

// One `axes:` entry: a client key (dotted for a nested one) and the values it takes.
struct Axis {
  std::string key;                // as written: "backoff.strategy"
  std::vector<std::string> path;  // {"backoff", "strategy"}
  std::vector<YAML::Node> values;
  SourceLocation where;  // of the key
};

// The mapping under `key` in `map` (both built in code), made when absent. A YAML::Node is a
// handle: what is inserted through the copy returned is in `map`.
YAML::Node sub_mapping(YAML::Node& map, const std::string& key) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.Scalar() == key) return it->second;
  }
  YAML::Node made(YAML::NodeType::Map);
  map.force_insert(key, made);
  return made;
}

class MatrixReader {
 public:
  MatrixReader(const FaultCatalog& faults, std::string file)
      : faults_(faults), file_(std::move(file)) {}

  Matrix read(const YAML::Node& doc) {
    Params root(doc, file_, "matrix");
    root.allow_only(detail::kMatrixKeys);
    // Sections are named by their key alone in errors ("in strategies", "in expect.resume").
    Params sections(doc, file_);
    m_.source_file = file_;
    m_.name = detail::read_name(root);
    m_.description = root.optional_string("description").value_or("");
    m_.seed = root.optional_unsigned("seed").value_or(0);
    if (root.has("trials")) m_.trials = detail::bounded(root, "trials", 1, detail::kMaxTrials);
    read_scenario(root);
    if (root.has("clients")) {
      m_.herd = true;
      clients_ = detail::bounded(root, "clients", 1, kMaxHerdClients);
    }
    if (root.has("start_spread")) start_spread_ = root.location("start_spread");
    m_.start_spread = root.optional_duration("start_spread").value_or(Duration{0});
    if (root.has("strategies") && root.has("axes")) {
      root.fail("axes",
                "'strategies' and 'axes' are mutually exclusive: list the strategies, or give "
                "the client keys whose combinations are the strategies");
    }
    if (root.has("strategies")) {
      read_strategies(sections.child("strategies"));
    } else if (root.has("axes")) {
      read_axes(sections.child("axes"), key_location(doc, "axes"));
    } else {
      root.fail(
          "missing 'strategies' or 'axes' in matrix: expected a list of strategies ({name, "
          "client}) or a mapping of client keys to lists of values");
    }
    check_herd();
    read_expect(sections.child("expect"));
    return std::move(m_);
  }

 private:
  // Where the n-th key `key` of `map` is (the value's position is what Params reports).
  SourceLocation key_location(const YAML::Node& map, std::string_view key, int n = 1) const {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key && --n == 0)
        return location_of(it->first, file_);
    }
    return {file_, 0, 0};
  }

  void read_scenario(const Params& root) {
    if (!root.has("scenario")) {
      root.fail(
          "missing required key 'scenario' in matrix: expected a scenario file (relative to the "
          "matrix) or an inline scenario mapping");
    }
    const Params sc = root.child("scenario");
    if (sc.is_map()) {
      m_.scenario = detail::read_scenario(sc.node(), file_, faults_);
    } else if (sc.is_scalar()) {
      read_scenario_file(root);
    } else {
      sc.fail(fmt::format(
          "expected a scenario file (relative to the matrix) or an inline scenario mapping, got {}",
          describe(sc.node())));
    }
  }

  void read_scenario_file(const Params& root) {
    const std::string written = root.string("scenario");
    if (written.empty()) root.fail("scenario", "expected a scenario file path, got ''");
    fs::path p(written);
    if (p.is_relative()) p = fs::path(file_).parent_path() / p;
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (!fs::exists(st)) {
      root.fail("scenario",
                fmt::format("scenario file not found: '{}' (looked for {})", written, p.string()));
    }
    if (!fs::is_regular_file(st))
      root.fail("scenario", fmt::format("not a regular file: '{}'", written));
    m_.scenario = load_file(p, faults_);
  }

  // A herd runs in-process reference clients that stream (client::Options::on_body): nothing
  // else can be started ten thousand times in one process and verified without a file.
  void check_herd() const {
    if (!m_.herd) {
      if (start_spread_) {
        throw ScenarioError(*start_spread_,
                            "start_spread is for herds: give 'clients: N' (or a 'clients' axis)");
      }
      return;
    }
    for (const Strategy& s : m_.strategies) {
      if (s.client.kind != "reference") {
        throw ScenarioError(
            s.where, fmt::format("strategy '{}' uses the {} client: a herd (clients: N) runs "
                                 "in-process reference clients only",
                                 s.name, s.client.kind));
      }
      if (s.client.prefill) {
        throw ScenarioError(s.where, fmt::format("strategy '{}' has a prefill: a herd's clients "
                                                 "start with nothing",
                                                 s.name));
      }
    }
  }

  void add_strategy(Strategy s, const Params& at, std::string_view key) {
    if (m_.strategies.size() == kMaxStrategies) {
      at.fail(key, fmt::format("too many strategies: at most {}", kMaxStrategies));
    }
    auto [first, fresh] = first_seen_.emplace(s.name, s.where);
    if (!fresh) {
      at.fail(key, fmt::format("duplicate strategy name '{}' (first at {}:{})", s.name,
                               first->second.line, first->second.column));
    }
    m_.strategies.push_back(std::move(s));
  }

  void read_strategies(const Params& list) {
    if (!list.node().IsSequence() || list.node().size() == 0) {
      list.fail(fmt::format("expected a non-empty list of strategies ({{name, client}}), got {}",
                            list.node().IsSequence() ? "an empty list" : describe(list.node())));
    }
    for (const YAML::Node& node : list.node()) {
      Params item(node, file_, "strategies");
      item.allow_only(detail::kStrategyKeys);
      Strategy s;
      s.where = item.location();
      s.name = item.string("name");
      if (!valid_strategy_name(s.name)) {
        item.fail("name", fmt::format("invalid strategy name '{}': expected lowercase letters, "
                                      "digits, '-', '_', '.' and '=', starting with a letter or "
                                      "digit",
                                      s.name));
      }
      if (s.name == "all") {
        item.fail("name", "'all' cannot name a strategy: in expect: it means every strategy");
      }
      s.client = m_.scenario.client;
      s.clients = clients_;
      const Params client(item.child("client").node(), file_, "client", item.location("client"));
      detail::read_client(client, s.client, m_.scenario.resource(), m_.scenario.changes);
      add_strategy(std::move(s), item, "name");
    }
  }

  // The key names a client key that takes one value: `resume`, `backoff`, `backoff.base`.
  // Checked here, before any combination is read, so that an error points at this axis.
  void check_axis_key(const Axis& axis) const {
    if (axis.key == kClientsAxis) return;
    const auto only = [&](const std::string& key, std::string section,
                          const std::vector<std::string>& allowed) {
      YAML::Node probe(YAML::NodeType::Map);
      probe.force_insert(key, YAML::Node(YAML::NodeType::Null));
      Params(probe, file_, std::move(section), axis.where).allow_only(allowed);
    };
    only(axis.path[0], "client", detail::client_keys());
    if (axis.path.size() == 1) return;
    const std::vector<std::string>& subkeys = detail::client_subkeys(axis.path[0]);
    if (subkeys.empty()) {
      throw ScenarioError(axis.where,
                          fmt::format("client key '{}' takes one value and has no keys of its own "
                                      "(axis '{}')",
                                      axis.path[0], axis.key));
    }
    only(axis.path[1], "client." + axis.path[0], subkeys);
    if (axis.path.size() > 2) {
      throw ScenarioError(axis.where,
                          fmt::format("client key '{}.{}' takes one value and has no keys of its "
                                      "own (axis '{}')",
                                      axis.path[0], axis.path[1], axis.key));
    }
  }

  Axis read_axis(const YAML::Node& key, const YAML::Node& values,
                 const std::vector<Axis>& earlier) const {
    Axis axis;
    axis.where = location_of(key, file_);
    if (!key.IsScalar()) {
      throw ScenarioError(axis.where,
                          fmt::format("expected a client key in axes, got {}", describe(key)));
    }
    axis.key = key.Scalar();
    axis.path = split_dotted(axis.key);
    check_axis_key(axis);
    for (const Axis& other : earlier) {
      const std::size_t common = std::min(other.path.size(), axis.path.size());
      if (std::equal(other.path.begin(), other.path.begin() + static_cast<std::ptrdiff_t>(common),
                     axis.path.begin())) {
        throw ScenarioError(axis.where, other.key == axis.key
                                            ? fmt::format("duplicate axis '{}'", axis.key)
                                            : fmt::format("axis '{}' sets what axis '{}' sets",
                                                          axis.key, other.key));
      }
    }
    const Params list(values, file_, "axes", axis.where);
    if (!values.IsSequence() || values.size() == 0) {
      list.fail(fmt::format("expected a non-empty list of values for axis '{}', got {}", axis.key,
                            values.IsSequence() ? "an empty list" : describe(values)));
    }
    if (values.size() > kMaxStrategies) {
      list.fail(fmt::format("axis '{}' has {} values: at most {} strategies in all", axis.key,
                            values.size(), kMaxStrategies));
    }
    for (const YAML::Node& v : values) {
      const Params value(v, file_, "axes", axis.where);
      // The value is part of the strategy's name: one line of text.
      std::string text = value.scalar(fmt::format("a single value for axis '{}'", axis.key));
      if (text.find_first_of("\r\n") != std::string::npos)
        value.fail(fmt::format("expected a one-line value for axis '{}'", axis.key));
      if (axis.key == kClientsAxis && !herd_size(text)) {
        value.fail(
            fmt::format("expected a number of clients from 1 to {} in axis 'clients', got {}",
                        kMaxHerdClients, text));
      }
      bool repeated = std::any_of(axis.values.begin(), axis.values.end(),
                                  [&](const YAML::Node& n) { return n.Scalar() == text; });
      if (repeated) value.fail(fmt::format("duplicate value '{}' in axis '{}'", text, axis.key));
      axis.values.push_back(v);
    }
    return axis;
  }

  void read_axes(const Params& section, const SourceLocation& axes_key) {
    if (!section.is_map() || section.node().size() == 0) {
      section.fail(fmt::format(
          "expected a mapping of client keys to lists of values (`resume: [range, if-range]`), "
          "got {}",
          section.is_map() ? "an empty mapping" : describe(section.node())));
    }
    std::vector<Axis> axes;
    std::size_t product = 1;
    for (auto it = section.node().begin(); it != section.node().end(); ++it) {
      axes.push_back(read_axis(it->first, it->second, axes));
      if (axes.back().key == kClientsAxis) {
        if (m_.herd) {
          throw ScenarioError(axes.back().where,
                              "the 'clients' axis and the matrix's 'clients:' both set the herd "
                              "size: give one");
        }
        m_.herd = true;
      }
      product *= axes.back().values.size();  // each at most kMaxStrategies: no overflow
      if (product > kMaxStrategies) {
        throw ScenarioError(axes_key, fmt::format("axes make more than {} strategies (the product "
                                                  "of the lengths of their lists)",
                                                  kMaxStrategies));
      }
    }
    // yaml-cpp 0.7 copies the node set of the inserted node's tree into the receiving
    // tree's on each insert across trees: a fresh mapping per combination that took the
    // parsed values would copy the whole document each time (quadratic in strategies). The
    // combinations are made inside one tree that took the document once.
    YAML::Node arena(YAML::NodeType::Sequence);
    arena.push_back(section.node());
    // The first axis varies slowest: an odometer whose last wheel turns fastest.
    std::vector<std::size_t> wheel(axes.size(), 0);
    for (std::size_t n = 0; n < product; ++n) {
      add_combination(axes, wheel, axes_key, arena);
      for (std::size_t i = axes.size(); i-- > 0;) {
        if (++wheel[i] < axes[i].values.size()) break;
        wheel[i] = 0;
      }
    }
  }

  // All of a combination's values in one mapping, read at once: the client's cross-key rules
  // (backoff cap >= base) judge the combination, not the axes one at a time.
  void add_combination(const std::vector<Axis>& axes, const std::vector<std::size_t>& wheel,
                       const SourceLocation& axes_key, YAML::Node& arena) {
    YAML::Node client(YAML::NodeType::Map);
    arena.push_back(client);
    Strategy s;
    s.clients = clients_;
    for (std::size_t i = 0; i < axes.size(); ++i) {
      const YAML::Node& value = axes[i].values[wheel[i]];
      if (axes[i].key == kClientsAxis) {
        s.clients = *herd_size(value.Scalar());  // checked by read_axis
      } else if (axes[i].path.size() == 1) {
        client.force_insert(axes[i].path[0], value);
      } else {
        sub_mapping(client, axes[i].path[0]).force_insert(axes[i].path[1], value);
      }
      if (!s.name.empty()) s.name += ' ';
      s.name += fmt::format("{}={}", axes[i].key, value.Scalar());
    }
    s.where = axes_key;
    s.client = m_.scenario.client;
    detail::read_client(Params(client, file_, "client", axes_key), s.client, m_.scenario.resource(),
                        m_.scenario.changes);
    // Unique: the axes' keys are, and so are the values of each.
    first_seen_.emplace(s.name, s.where);
    m_.strategies.push_back(std::move(s));
  }

  void check_expect_name(const YAML::Node& key) const {
    const SourceLocation at = location_of(key, file_);
    if (!key.IsScalar())
      throw ScenarioError(at,
                          fmt::format("expected a strategy name in expect, got {}", describe(key)));
    const std::string& name = key.Scalar();
    if (name == "all" || first_seen_.count(name) != 0) return;
    std::vector<std::string> names;
    for (const Strategy& s : m_.strategies) names.push_back(s.name);
    const std::string close = closest_match(name, names);
    if (!close.empty()) {
      throw ScenarioError(
          at, fmt::format("no strategy named '{}' in expect, did you mean '{}'?", name, close));
    }
    const std::size_t listed = std::min(names.size(), kMaxListedNames);
    std::string list = join(std::vector<std::string>(names.begin(), names.begin() + listed));
    if (listed < names.size()) list += fmt::format(", and {} more", names.size() - listed);
    throw ScenarioError(
        at,
        fmt::format("no strategy named '{}' in expect: expected 'all' or one of {}", name, list));
  }

  void read_expect(const Params& e) {
    e.require_map();
    std::vector<std::string> seen;
    for (const std::string& name : e.keys()) {
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
        throw ScenarioError(key_location(e.node(), name, 2),
                            fmt::format("duplicate key '{}' in expect", name));
      }
      seen.push_back(name);
    }
    for (auto it = e.node().begin(); it != e.node().end(); ++it) {
      check_expect_name(it->first);
      const std::string name = it->first.Scalar();
      const Params bounds = e.child(name);
      bounds.allow_only(bound_key_names());
      for (const std::string& key : bounds.keys()) {
        if (bounds.has(key)) m_.expect.push_back(read_bound(bounds, name, key));
      }
    }
  }

  MatrixBound read_bound(const Params& bounds, const std::string& strategy,
                         const std::string& key) const {
    MatrixBound b;
    b.strategy = strategy;
    b.key = *parse_bound_key(key);  // allow_only took only bound_key_names()
    b.where = bounds.location(key);
    if (b.key.kind != BoundKey::Kind::statistic) {
      b.limit = bounds.number(key);
      b.written = bounds.scalar(key, "a number");
      if (b.limit < 0 || b.limit > 1) {
        bounds.fail(
            key, fmt::format("expected a fraction of the trials from 0 to 1, got {}", b.written));
      }
      return b;
    }
    switch (b.key.metric) {
      case TrialMetric::attempts:
        b.limit = bounds.number(key);
        if (b.limit < 0) {
          bounds.fail(key, fmt::format("expected a non-negative number of attempts, got {}",
                                       bounds.scalar(key, "a number")));
        }
        break;
      case TrialMetric::bytes_sent:
      case TrialMetric::wasted_bytes:
        b.limit = static_cast<double>(bounds.size(key).resolve(m_.scenario.resource().size));
        break;
      case TrialMetric::duration:
        b.limit = std::chrono::duration<double>(bounds.duration(key)).count();
        break;
    }
    b.written = bounds.scalar(key, "a bound");
    return b;
  }

  const FaultCatalog& faults_;
  std::string file_;
  Matrix m_;
  std::uint32_t clients_ = 1;                   // the matrix's `clients:`
  std::optional<SourceLocation> start_spread_;  // where `start_spread:` was written
  // Each strategy's name and its entry, for "duplicate" errors and expect: names.
  std::map<std::string, SourceLocation, std::less<>> first_seen_;
};

}  // namespace

std::uint64_t trial_seed(std::uint64_t matrix_seed, std::uint32_t trial) {
  return derive_seed(matrix_seed, "trial:" + std::to_string(trial));
}

Matrix load_matrix_string(std::string_view text, std::string_view file_name,
                          const FaultCatalog& faults) {
  std::string file(file_name);
  const YAML::Node doc = detail::read_one_document(
      text, file,
      {"matrix", "a mapping with at least 'name', 'scenario' and 'strategies' or 'axes'"});
  return MatrixReader(faults, file).read(doc);
}

Matrix load_matrix_file(const std::filesystem::path& file, const FaultCatalog& faults) {
  return load_matrix_string(detail::read_source_file(file), file.string(), faults);
}

}  // namespace sisyphus::model
