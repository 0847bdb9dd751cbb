#include "sisyphus/model/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "client_reading.hpp"
#include "fault_reading.hpp"
#include "scenario_reading.hpp"
#include "schema_rules.hpp"
#include "section_keys.hpp"
#include "server_reading.hpp"
#include "source_text.hpp"
#include "yaml_params.hpp"
#include "yaml_text.hpp"

namespace sisyphus::model {
namespace {

namespace fs = std::filesystem;
using detail::bounded;
using detail::describe;
using detail::join;
using detail::location_of;

constexpr std::uint64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

// Fault parameters are small; aliases can make a few lines stand for billions of nodes
// ("billion laughs"), which every later walk (to_json, validators) would pay for.
constexpr std::size_t kMaxParamNodes = 10'000;

bool within_node_budget(const YAML::Node& node, std::size_t& budget) {
  if (budget == 0) return false;
  --budget;
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (!within_node_budget(item, budget)) return false;
    }
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!within_node_budget(it->first, budget) || !within_node_budget(it->second, budget))
        return false;
    }
  }
  return true;
}

// Reads one scenario document. Faults are validated last, against the whole scenario, so
// that a fault can check its offsets against the resource size.
class Reader {
 public:
  Reader(const FaultCatalog& catalog, std::string file, LoadMode mode = LoadMode::serve)
      : catalog_(catalog), file_(std::move(file)), mode_(mode) {
    base_dir_ = fs::path(file_).parent_path();
  }

  // One `faults:` rule on its own (POST /v1/faults), read and checked as read() reads the
  // rules of a file, against `scenario` (its resource, its other faults).
  FaultRule read_rule(const YAML::Node& doc, Scenario scenario) {
    s_ = std::move(scenario);
    s_.source_file = file_;
    const std::size_t at = s_.faults.size();
    YAML::Node one(YAML::NodeType::Sequence);  // the node keeps its positions in `doc`
    one.push_back(doc);
    read_faults(Params(one, file_, "faults"));
    check_fault(s_.faults[at].fault, rule_params_[0]);
    return std::move(s_.faults[at]);
  }

  Scenario read(const YAML::Node& doc) {
    Params root(doc, file_, "scenario");
    root.allow_only(detail::kScenarioKeys);
    s_.source_file = file_;
    // Sections are named by their key alone in errors ("in resource", "in client.backoff").
    Params sections(doc, file_);
    s_.name = detail::read_name(root);
    s_.description = root.optional_string("description").value_or("");
    s_.seed = root.optional_unsigned("seed").value_or(0);
    read_resource(sections.child("resource"));
    detail::read_server(sections.child("server"), s_.server);
    read_attempts(sections.child("attempts"));
    read_changes(sections.child("changes"));
    read_faults(sections.child("faults"));
    detail::read_client(sections.child("client"), s_.client, s_.resource, s_.changes);
    read_expect(sections.child("expect"));
    for (std::size_t i = 0; i < s_.attempts.size(); ++i) {
      for (std::size_t j = 0; j < s_.attempts[i].faults.size(); ++j) {
        check_fault(s_.attempts[i].faults[j], attempt_params_[i][j]);
      }
    }
    for (std::size_t r = 0; r < s_.faults.size(); ++r)
      check_fault(s_.faults[r].fault, rule_params_[r]);
    return std::move(s_);
  }

 private:
  void read_resource(const Params& r) {
    r.allow_only(detail::kResourceKeys);
    if (mode_ == LoadMode::relay) return read_relayed_resource(r);
    Resource& res = s_.resource;
    if (auto path = r.optional_string("path")) {
      bool ok = !path->empty() && path->front() == '/' &&
                std::none_of(path->begin(), path->end(), [](char c) {
                  return c == '?' || c == '#' || c == ' ' || static_cast<unsigned char>(c) < 0x20 ||
                         c == 0x7f;
                });
      if (!ok) {
        r.fail(
            "path",
            fmt::format("invalid path '{}': expected a URL path starting with '/', without spaces, "
                        "'?' or '#'",
                        *path));
      }
      res.path = *path;
    }
    if (r.has("file") && r.has("size")) {
      r.fail("file",
             "'file' and 'size' are mutually exclusive: a file resource has the file's size");
    }
    if (r.has("file")) {
      read_file_resource(r);
    } else if (auto size = r.optional_size("size")) {
      if (size->is_percent()) {
        r.fail("size",
               fmt::format("invalid resource size '{}': expected an absolute size such as 64MiB, "
                           "not a percentage",
                           size->to_string()));
      }
      res.size = size->byte_count();
    } else {
      r.require_map();
      r.fail(
          fmt::format("missing required key 'size' in resource (or 'file' to serve a real file)"));
    }
    res.seed = r.optional_unsigned("seed").value_or(1);
    if (r.has("etag")) {
      std::string etag = r.choice("etag", detail::kEtagKinds);
      res.etag = etag == "strong" ? EtagKind::strong
                 : etag == "weak" ? EtagKind::weak
                                  : EtagKind::none;
    }
    res.last_modified = r.boolean("last_modified", true);
    res.digest = r.boolean("digest", false);
  }

  // `sisyphus proxy`: the upstream decides the bytes, their size and their validators.
  void read_relayed_resource(const Params& r) {
    for (const char* key : {"size", "seed", "file", "etag", "last_modified", "digest"}) {
      if (r.has(key)) {
        r.fail(key, fmt::format("resource.{} does not apply to `sisyphus proxy`: the proxy relays "
                                "the upstream's bytes and validators; only resource.path (a glob "
                                "of the request paths to break) may be given",
                                key));
      }
    }
    Resource& res = s_.resource;
    res = Resource{};
    res.relayed = true;
    res.path = r.optional_string("path").value_or("/*");
    const bool ok =
        res.path.starts_with('/') && std::none_of(res.path.begin(), res.path.end(), [](char c) {
          return c == '#' || c == ' ' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        });
    if (!ok) {
      r.fail("path", fmt::format("invalid path glob '{}': expected a URL path starting with '/' "
                                 "(`*` matches any characters), without spaces or '#'",
                                 res.path));
    }
  }

  void read_file_resource(const Params& r) {
    std::string written = r.string("file");
    if (written.empty()) r.fail("file", "expected a file path, got ''");
    fs::path p(written);
    if (p.is_relative()) p = base_dir_ / p;
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (!fs::exists(st))
      r.fail("file", fmt::format("file not found: '{}' (looked for {})", written, p.string()));
    if (!fs::is_regular_file(st)) r.fail("file", fmt::format("not a regular file: '{}'", written));
    std::uintmax_t size = fs::file_size(p, ec);
    if (ec) r.fail("file", fmt::format("cannot read '{}': {}", written, ec.message()));
    s_.resource.file = written;
    s_.resource.resolved_file = p.lexically_normal().string();
    s_.resource.size = size;
  }

  // The items of a sequence section; absent or null is an empty sequence.
  std::vector<YAML::Node> items(const Params& p, std::string_view what) const {
    std::vector<YAML::Node> out;
    if (!p.node().IsDefined() || p.node().IsNull()) return out;
    if (!p.node().IsSequence())
      p.fail(fmt::format("expected a sequence of {}, got {}", what, describe(p.node())));
    for (const auto& item : p.node()) out.push_back(item);
    return out;
  }

  // The parameters under a fault's kind, kept as YAML until every section is read.
  Params fault_params(const Params& owner, const std::string& kind) const {
    Params params = owner.child(kind);
    std::size_t budget = kMaxParamNodes;
    if (!within_node_budget(params.node(), budget)) {
      params.fail(fmt::format(
          "parameters of '{}' are too large: more than {} YAML nodes (aliases expanded)", kind,
          kMaxParamNodes));
    }
    return params;
  }

  // The kind's key table, then its own rules against the whole scenario.
  void check_fault(FaultSpec& spec, const Params& params) {
    spec.params = detail::read_fault_params(params, catalog_.params(spec.kind));
    catalog_.validate(spec, s_);
  }

  void check_kind(const YAML::Node& key) const {
    SourceLocation at = location_of(key, file_);
    if (!key.IsScalar())
      throw ScenarioError(at, fmt::format("expected a fault kind, got {}", describe(key)));
    const std::string& kind = key.Scalar();
    if (catalog_.knows(kind)) return;
    std::vector<std::string> kinds = catalog_.kinds();
    std::string close = closest_match(kind, kinds);
    if (!close.empty())
      throw ScenarioError(at,
                          fmt::format("unknown fault kind '{}', did you mean '{}'?", kind, close));
    throw ScenarioError(
        at, fmt::format("unknown fault kind '{}', expected one of {}", kind, join(kinds)));
  }

  void read_attempts(const Params& section) {
    for (const YAML::Node& node :
         items(section, "attempts (one mapping of faults per attempt, {} for clean)")) {
      Params item(node, file_);
      AttemptEntry entry;
      std::vector<Params>& params = attempt_params_.emplace_back();
      entry.where = item.location();
      if (!item.is_null()) {
        if (!item.is_map()) {
          item.fail(
              fmt::format("expected a mapping of fault kinds ({{}} for a clean attempt), got {}",
                          describe(node)));
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
          check_kind(it->first);
          const std::string& kind = it->first.Scalar();
          bool duplicate = std::any_of(entry.faults.begin(), entry.faults.end(),
                                       [&](const FaultSpec& f) { return f.kind == kind; });
          if (duplicate) {
            throw ScenarioError(location_of(it->first, file_),
                                fmt::format("duplicate fault kind '{}' in this attempt", kind));
          }
          entry.faults.push_back(FaultSpec{kind, {}});
          params.push_back(fault_params(item, kind));
        }
      }
      s_.attempts.push_back(std::move(entry));
    }
  }

  // "3" -> 3, for the attempt numbers of a fault rule.
  std::uint32_t attempt_number(const YAML::Node& node) const {
    Params p(node, file_);
    std::string text = p.scalar("an attempt number (1-based)");
    std::uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > kMaxU32) {
      p.fail(fmt::format("expected an attempt number from 1 to {}, got '{}'", kMaxU32, text));
    }
    return static_cast<std::uint32_t>(n);
  }

  void read_changes(const Params& section) {
    for (const YAML::Node& node : items(section, "changes")) {
      Params item(node, file_, "changes");
      item.allow_only(detail::kChangeKeys);
      Change change;
      change.where = item.location();
      const int forms = int{item.has("before_attempt")} + int{item.has("at_time")} +
                        int{item.has("before_each_attempt")};
      if (forms != 1) {
        item.fail("expected exactly one of before_attempt, at_time, before_each_attempt");
      }
      if (item.has("before_attempt")) change.before_attempt = bounded(item, "before_attempt", 1);
      if (item.has("at_time")) change.at_time = item.duration("at_time");
      if (item.has("before_each_attempt")) {
        if (!item.boolean("before_each_attempt", false)) {
          item.fail("before_each_attempt",
                    "expected before_each_attempt: true (leave the change out for none)");
        }
        change.before_each_attempt = true;
      }
      if (item.has("probability")) {
        if (!change.before_each_attempt) {
          item.fail("probability", "'probability' applies only to before_each_attempt: true");
        }
        const double p = item.number("probability");
        if (p < 0 || p > 1) {
          item.fail("probability", fmt::format("expected a probability from 0 to 1, got {}", p));
        }
        change.probability = p;
      }
      s_.changes.push_back(change);
    }
  }

  void read_faults(const Params& section) {
    for (YAML::Node node : items(section, "fault rules")) {
      Params item(node, file_);
      if (!item.is_map() || node.size() != 1) {
        item.fail(fmt::format(
            "expected one fault kind per rule, such as '- latency: {{first_byte: 100ms}}', got {}",
            node.IsMap() ? fmt::format("{} keys", node.size()) : describe(node)));
      }
      auto kv = node.begin();
      check_kind(kv->first);
      const std::string kind = kv->first.Scalar();
      FaultRule rule;
      rule.where = item.location();
      Params params = fault_params(item, kind);
      if (params.is_map()) {
        if (params.has("attempts")) rule.attempts = rule_attempts(params);
        if (params.has("probability")) {
          double p = params.number("probability");
          if (p < 0 || p > 1) {
            params.fail("probability",
                        fmt::format("expected a probability from 0 to 1, got {}", p));
          }
          rule.probability = p;
        }
        params = without_narrowing_keys(params);
      }
      rule.fault = FaultSpec{kind, {}};
      rule_params_.push_back(params);
      s_.faults.push_back(std::move(rule));
    }
  }

  // The narrowing keys belong to the rule, not to the fault. A new mapping holding the same
  // key and value nodes keeps their file positions (YAML::Clone would reset them) and leaves
  // the parsed tree alone: an alias (`- drop: *d`) may share this mapping with another rule.
  static Params without_narrowing_keys(const Params& params) {
    YAML::Node rest(YAML::NodeType::Map);
    for (auto it = params.node().begin(); it != params.node().end(); ++it) {
      bool narrowing = it->first.IsScalar() &&
                       (it->first.Scalar() == "attempts" || it->first.Scalar() == "probability");
      if (!narrowing) rest.force_insert(it->first, it->second);
    }
    return Params(rest, params.file(), params.section(), params.location());
  }

  std::vector<std::uint32_t> rule_attempts(const Params& params) const {
    YAML::Node v = params.node()["attempts"];
    std::vector<std::uint32_t> out;
    if (v.IsScalar()) {
      out.push_back(attempt_number(v));
    } else if (v.IsSequence()) {
      for (const auto& n : v) out.push_back(attempt_number(n));
      if (out.empty())
        params.fail("attempts", "expected at least one attempt number (omit 'attempts' for all)");
    } else {
      params.fail("attempts",
                  fmt::format("expected an attempt number or a list of them, got {}", describe(v)));
    }
    return out;
  }

  void read_expect(const Params& e) {
    e.allow_only(detail::kExpectKeys);
    Expectations& expect = s_.expect;
    if (e.has("verdict")) expect.verdict = e.choice("verdict", detail::kVerdicts);
    if (e.has("max_attempts")) expect.max_attempts = bounded(e, "max_attempts", 1);
    if (e.has("min_attempts")) expect.min_attempts = bounded(e, "min_attempts", 0);
    if (expect.min_attempts && expect.max_attempts && *expect.min_attempts > *expect.max_attempts) {
      e.fail("min_attempts", fmt::format("min_attempts ({}) is greater than max_attempts ({})",
                                         *expect.min_attempts, *expect.max_attempts));
    }
    expect.max_wasted_bytes = e.optional_size("max_wasted_bytes");
    expect.max_duration = e.optional_duration("max_duration");
  }

  const FaultCatalog& catalog_;
  std::string file_;
  LoadMode mode_;
  fs::path base_dir_;
  Scenario s_;
  std::vector<std::vector<Params>> attempt_params_;  // per attempts: entry, per fault
  std::vector<Params> rule_params_;                  // per faults: rule
};

}  // namespace

namespace detail {

Scenario read_scenario(const YAML::Node& doc, const std::string& file, const FaultCatalog& faults) {
  return Reader(faults, file).read(doc);
}

}  // namespace detail

Scenario load_string(std::string_view text, std::string_view file_name,
                     const FaultCatalog& faults) {
  return load_string(text, file_name, faults, LoadMode::serve);
}

Scenario load_string(std::string_view text, std::string_view file_name, const FaultCatalog& faults,
                     LoadMode mode) {
  std::string file(file_name);
  const YAML::Node doc = detail::read_one_document(
      text, file, {"scenario", "a mapping with at least 'name' and 'resource'"});
  return Reader(faults, file, mode).read(doc);
}

Scenario load_file(const std::filesystem::path& file, const FaultCatalog& faults) {
  return load_file(file, faults, LoadMode::serve);
}

FaultRule load_fault_rule_string(std::string_view text, std::string_view file_name,
                                 const FaultCatalog& faults, const Scenario& scenario) {
  std::string file(file_name);
  const YAML::Node doc = detail::read_one_document(
      text, file,
      {"fault rule", "one fault kind and its parameters, e.g. {\"drop\": {\"at\": \"50%\"}}"});
  const LoadMode mode = scenario.resource.relayed ? LoadMode::relay : LoadMode::serve;
  return Reader(faults, file, mode).read_rule(doc, scenario);
}

Scenario load_file(const std::filesystem::path& file, const FaultCatalog& faults, LoadMode mode) {
  return load_string(detail::read_source_file(file), file.string(), faults, mode);
}

std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec)
    throw ScenarioError({dir.string(), 0, 0},
                        fmt::format("cannot list scenarios: {}", ec.message()));
  for (const auto& entry : it) {
    auto ext = entry.path().extension();
    if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file(ec)) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.filename().string() < b.filename().string();
  });
  return out;
}

}  // namespace sisyphus::model
