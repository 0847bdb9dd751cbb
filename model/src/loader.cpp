#include "sisyphus/model/loader.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "client_reading.hpp"
#include "fault_reading.hpp"
#include "scenario_reading.hpp"
#include "schema_rules.hpp"
#include "section_keys.hpp"
#include "server_reading.hpp"
#include "sisyphus/model/command_template.hpp"
#include "sisyphus/model/text_template.hpp"
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
    if (root.has("resources")) {
      if (root.has("resource")) {
        root.fail("resources",
                  "'resource' and 'resources' are mutually exclusive: write one resource under "
                  "'resource', or all of them under 'resources'");
      }
      read_resources(sections.child("resources"));
    } else {
      const Params resource = sections.child("resource");
      s_.resource().where = resource.location();
      read_resource(resource, s_.resource(), detail::kResourceKeys);
      if (mode_ != LoadMode::relay) check_text(resource, s_.resource());
    }
    detail::read_server(sections.child("server"), s_.server);
    read_attempts(sections.child("attempts"), s_.attempts);
    read_changes(sections.child("changes"), s_.changes);
    read_faults(sections.child("faults"));
    detail::read_client(sections.child("client"), s_.client, s_.resource(), s_.changes);
    check_command_resources(sections.child("client"));
    read_expect(sections.child("expect"));
    if (s_.client.prefill && s_.verified().front() != &s_.resource()) {
      sections.child("expect").fail(
          "verify", "client.prefill fills the first resource's download: list it first in verify");
    }
    for (const PendingFault& pending : pending_faults_) check_fault(*pending.spec, pending.params);
    for (std::size_t r = 0; r < s_.faults.size(); ++r)
      check_fault(s_.faults[r].fault, rule_params_[r]);
    return std::move(s_);
  }

 private:
  // `resources:`: each entry is a resource with an id, and may carry its own attempts: and
  // changes:. Text placeholders are checked once every id is known.
  void read_resources(const Params& section) {
    if (mode_ == LoadMode::relay) {
      section.fail(
          "'resources' does not apply to `sisyphus proxy`: the upstream serves the resources; "
          "write one 'resource: {path: GLOB}' for the paths to break");
    }
    std::vector<YAML::Node> nodes = items(section, "resources (each with an id)");
    if (nodes.empty()) section.fail("expected at least one resource under 'resources'");
    s_.resources.clear();
    std::vector<Params> texts;
    for (const YAML::Node& node : nodes) {
      Params item(node, file_, "resources");
      item.allow_only(detail::kResourceEntryKeys);
      Resource res;
      res.where = item.location();
      res.id = item.string("id");
      const bool id_ok = !res.id.empty() && std::all_of(res.id.begin(), res.id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
      if (!id_ok) {
        item.fail("id", fmt::format("invalid resource id '{}': expected lower-case letters, "
                                    "digits, '.', '_' and '-'",
                                    res.id));
      }
      if (const Resource* same = s_.find_resource_id(res.id)) {
        item.fail("id", fmt::format("duplicate resource id '{}' (first at line {})", res.id,
                                    same->where.line));
      }
      res.path = "/" + res.id;
      read_resource(item, res, detail::kResourceEntryKeys);
      if (const Resource* same = s_.find_resource(res.path)) {
        item.fail(item.has("path") ? "path" : "id",
                  fmt::format("resources '{}' and '{}' are both served at '{}'", same->id, res.id,
                              res.path));
      }
      if (item.has("attempts")) {
        res.attempts.emplace();
        read_attempts(item.child("attempts"), *res.attempts);
      }
      if (item.has("changes")) {
        res.changes.emplace();
        read_changes(item.child("changes"), *res.changes);
      }
      texts.push_back(item);
      s_.resources.push_back(std::move(res));
    }
    // The attempts' faults are checked at the end, by pointer: the vectors are final now.
    for (Resource& res : s_.resources) {
      if (!res.attempts) continue;
      for (AttemptEntry& entry : *res.attempts) {
        for (FaultSpec& spec : entry.faults) pending_faults_[pending_index_++].spec = &spec;
      }
    }
    for (std::size_t i = 0; i < s_.resources.size(); ++i) check_text(texts[i], s_.resources[i]);
  }

  // A text's placeholders describe one other resource, which is not itself a text; its size
  // is fixed from that resource's (a SHA-256 is always 64 hex digits).
  void check_text(const Params& r, Resource& res) {
    if (!res.text) return;
    std::optional<std::string> described;
    for (const TextPlaceholder& p : text_placeholders(*res.text)) {
      const Resource* other = s_.find_resource_id(p.id);
      if (other == nullptr) {
        r.fail("text", fmt::format("placeholder '{{{}:{}}}' names no resource; expected one of {}",
                                   p.what, p.id, join(resource_ids())));
      }
      if (other == &res || other->is_text()) {
        r.fail("text", fmt::format("placeholder '{{{}:{}}}' names a text resource: a text "
                                   "describes a resource of bytes (size, file)",
                                   p.what, p.id));
      }
      if (described && *described != p.id) {
        r.fail("text", fmt::format("a text describes one resource, but it names '{}' and '{}'",
                                   *described, p.id));
      }
      described = p.id;
    }
    const Resource* other = described ? s_.find_resource_id(*described) : nullptr;
    DescribedResource d;
    if (other != nullptr) d = {other->path, other->size, [] { return std::string(64, '0'); }};
    res.size = expand_text(*res.text, d).size();
  }

  void read_resource(const Params& r, Resource& res, const std::vector<std::string>& keys) {
    r.allow_only(keys);
    if (mode_ == LoadMode::relay) return read_relayed_resource(r);
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
    if (r.has("text")) {
      for (const char* key : {"size", "file", "seed"}) {
        if (r.has(key)) {
          r.fail(key, fmt::format("'{}' does not apply to a text resource: its bytes are the "
                                  "text, its size theirs",
                                  key));
        }
      }
      res.text = r.string("text");
    } else if (r.has("file")) {
      read_file_resource(r, res);
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
          fmt::format("missing required key 'size' in {} (or 'file' to serve a real file, or "
                      "'text' for a small text)",
                      r.section().empty() ? "resource" : r.section()));
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
    for (const char* key : {"size", "seed", "file", "text", "etag", "last_modified", "digest"}) {
      if (r.has(key)) {
        r.fail(key, fmt::format("resource.{} does not apply to `sisyphus proxy`: the proxy relays "
                                "the upstream's bytes and validators; only resource.path (a glob "
                                "of the request paths to break) may be given",
                                key));
      }
    }
    Resource& res = s_.resource();
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

  void read_file_resource(const Params& r, Resource& res) {
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
    res.file = written;
    res.resolved_file = p.lexically_normal().string();
    res.size = size;
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

  // The attempts' faults are checked at the end of read() (against the whole scenario);
  // `out` is either the scenario's attempts or a resource's.
  void read_attempts(const Params& section, std::vector<AttemptEntry>& out) {
    std::vector<Params> params;
    for (const YAML::Node& node :
         items(section, "attempts (one mapping of faults per attempt, {} for clean)")) {
      Params item(node, file_);
      AttemptEntry entry;
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
      out.push_back(std::move(entry));
    }
    // The specs' addresses are known once `out` is final: the scenario's now, a resource's
    // when every resource is read (read_resources()).
    const bool final = &out == &s_.attempts;
    std::size_t next = 0;
    for (AttemptEntry& entry : out) {
      for (FaultSpec& spec : entry.faults) {
        pending_faults_.push_back({final ? &spec : nullptr, std::move(params[next++])});
      }
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

  void read_changes(const Params& section, std::vector<Change>& out) {
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
      out.push_back(change);
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
        if (params.has("resource")) {
          rule.resource = params.string("resource");
          rule.resources = selected_resources(params, rule.resource);
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
                       std::find(detail::kNarrowingKeys.begin(), detail::kNarrowingKeys.end(),
                                 it->first.Scalar()) != detail::kNarrowingKeys.end();
      if (!narrowing) rest.force_insert(it->first, it->second);
    }
    return Params(rest, params.file(), params.section(), params.location());
  }

  // A rule's `resource:`: a resource id, else a glob of resource paths.
  std::vector<std::size_t> selected_resources(const Params& params, const std::string& what) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < s_.resources.size(); ++i) {
      if (s_.resources[i].id == what) return {i};
    }
    for (std::size_t i = 0; i < s_.resources.size(); ++i) {
      if (::fnmatch(what.c_str(), s_.resources[i].path.c_str(), 0) == 0) out.push_back(i);
    }
    if (out.empty()) {
      params.fail("resource",
                  fmt::format("no resource has id or path '{}'; expected an id ({}) or a glob "
                              "of their paths",
                              what, join(resource_ids())));
    }
    return out;
  }

  // The ids of the scenario's resources, for "expected one of …" in errors.
  std::vector<std::string> resource_ids() const {
    std::vector<std::string> ids;
    for (const Resource& r : s_.resources) ids.push_back(r.id);
    return ids;
  }

  // `{url:ID}` and `{output:ID}` in client.command name resources of this scenario.
  void check_command_resources(const Params& c) const {
    for (const CommandResource& p : command_resources(s_.client.command)) {
      if (s_.find_resource_id(p.id) != nullptr) continue;
      c.fail("command", fmt::format("placeholder '{{{}:{}}}' names no resource; expected one of {}",
                                    p.what, p.id, join(resource_ids())));
    }
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
    if (e.has("verify")) read_verify(e);
    expect.max_duration = e.optional_duration("max_duration");
  }

  // `expect.verify: [ID, …]`: existing ids, each once.
  void read_verify(const Params& e) {
    const Params list = e.child("verify");
    std::vector<YAML::Node> nodes = items(list, "resource ids");
    if (nodes.empty())
      e.fail("verify", "expected at least one resource id (omit 'verify' for the first resource)");
    for (const YAML::Node& node : nodes) {
      Params item(node, file_);
      const std::string id = item.scalar("a resource id");
      if (s_.find_resource_id(id) == nullptr) {
        item.fail(
            fmt::format("unknown resource '{}'; expected one of {}", id, join(resource_ids())));
      }
      if (std::find(s_.expect.verify.begin(), s_.expect.verify.end(), id) != s_.expect.verify.end())
        item.fail(fmt::format("resource '{}' is listed twice", id));
      s_.expect.verify.push_back(id);
    }
  }

  const FaultCatalog& catalog_;
  std::string file_;
  LoadMode mode_;
  fs::path base_dir_;
  Scenario s_;
  // The faults of every attempts: list (the scenario's and the resources'), checked last.
  struct PendingFault {
    FaultSpec* spec = nullptr;
    Params params;
  };
  std::vector<PendingFault> pending_faults_;
  std::size_t pending_index_ = 0;    // the next resource fault read_resources() points at
  std::vector<Params> rule_params_;  // per faults: rule
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
  const LoadMode mode = scenario.resource().relayed ? LoadMode::relay : LoadMode::serve;
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
