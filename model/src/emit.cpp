// Scenario -> YAML tree / JSON text, every default explicit, loadable again.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <stdexcept>

#include "json_text.hpp"
#include "sisyphus/model/loader.hpp"

namespace sisyphus::model {
namespace {

// Tag "!" marks a scalar as a string for the JSON writer ("42" stays "42"); the YAML
// emitter does not print it.
YAML::Node text(const std::string& v) {
  YAML::Node n(v);
  n.SetTag("!");
  return n;
}

YAML::Node null_node() {
  return YAML::Node(YAML::NodeType::Null);
}

template <typename T>
YAML::Node optional_node(const std::optional<T>& v, std::string (*format)(const T&)) {
  return v ? YAML::Node(format(*v)) : null_node();
}

std::string duration_text(const Duration& d) {
  return format_duration(d);
}
std::string size_text(const SizeSpec& s) {
  return s.to_string();
}

std::string etag_name(EtagKind k) {
  switch (k) {
    case EtagKind::strong:
      return "strong";
    case EtagKind::weak:
      return "weak";
    case EtagKind::none:
      return "none";
  }
  return "strong";
}

std::string outage_how_name(OutageHow how) {
  switch (how) {
    case OutageHow::reset:
      return "reset";
    case OutageHow::refuse:
      return "refuse";
    case OutageHow::unavailable:
      return "503";
  }
  return "reset";
}

YAML::Node over_capacity_node(const OverCapacity& answer) {
  if (answer.refuse) return YAML::Node("refuse");
  YAML::Node m(YAML::NodeType::Map);
  m["status"] = answer.status;
  m["retry_after"] =
      answer.retry_after ? YAML::Node(format_duration(*answer.retry_after)) : null_node();
  m.SetStyle(YAML::EmitterStyle::Flow);
  return m;
}

// Fault parameters as written, on one line as the docs write them (`drop: {at: 95%}`, a
// random key's `after: {mean: 4MiB}` included). They
// are read as text whatever their YAML type, so whether a scalar was quoted carries no
// meaning and is not kept: the JSON of `code: "503"` and `code: 503` is the same (and
// survives a trip through YAML text, which loses quoting).
YAML::Node params_node(const FaultParams& p) {
  if (p.is_scalar()) return YAML::Node(p.scalar());
  if (!p.is_map()) return null_node();
  YAML::Node m(YAML::NodeType::Map);
  for (const auto& w : p.written()) {
    if (w.mean && w.text) {
      YAML::Node mean(YAML::NodeType::Map);
      mean["mean"] = *w.text;
      mean.SetStyle(YAML::EmitterStyle::Flow);
      m[w.key] = mean;
    } else {
      m[w.key] = w.text ? YAML::Node(*w.text) : null_node();
    }
  }
  m.SetStyle(YAML::EmitterStyle::Flow);
  return m;
}

YAML::Node resource_node(const Resource& r) {
  YAML::Node resource(YAML::NodeType::Map);
  resource["path"] = text(r.path);
  if (!r.relayed) {  // a relayed resource is the upstream's: only its path glob applies
    const bool sized = !r.file && !r.text;
    resource["size"] = sized ? YAML::Node(format_size(r.size)) : null_node();
    resource["seed"] = r.text ? null_node() : YAML::Node(r.seed);
    resource["file"] = r.file ? text(*r.file) : null_node();
    if (r.text) resource["text"] = text(*r.text);
    resource["etag"] = etag_name(r.etag);
    resource["last_modified"] = r.last_modified;
    resource["digest"] = r.digest;
  }
  return resource;
}

YAML::Node attempts_node(const std::vector<AttemptEntry>& entries) {
  YAML::Node attempts(YAML::NodeType::Sequence);
  for (const auto& entry : entries) {
    YAML::Node m(YAML::NodeType::Map);
    for (const auto& f : entry.faults) m[f.kind] = params_node(f.params);
    if (entry.faults.empty()) m.SetStyle(YAML::EmitterStyle::Flow);
    attempts.push_back(m);
  }
  return attempts;
}

YAML::Node changes_node(const std::vector<Change>& list) {
  YAML::Node changes(YAML::NodeType::Sequence);
  for (const auto& c : list) {
    YAML::Node m(YAML::NodeType::Map);
    if (c.before_attempt) m["before_attempt"] = *c.before_attempt;
    if (c.at_time) m["at_time"] = format_duration(*c.at_time);
    if (c.before_each_attempt) {
      m["before_each_attempt"] = true;
      m["probability"] = fmt::format("{}", c.probability);
    }
    changes.push_back(m);
  }
  return changes;
}

YAML::Node rule_node(const FaultRule& rule) {
  bool narrowed = !rule.attempts.empty() || rule.probability != 1.0 || !rule.resource.empty();
  YAML::Node params = params_node(rule.fault.params);
  if (narrowed) {
    if (params.IsNull()) params = YAML::Node(YAML::NodeType::Map);
    if (!params.IsMap()) {
      throw std::invalid_argument(fmt::format(
          "fault rule '{}' has a scalar parameter and attempts/probability/resource: it "
          "cannot "
          "be written as YAML",
          rule.fault.kind));
    }
    if (!rule.attempts.empty()) {
      YAML::Node list(YAML::NodeType::Sequence);
      for (auto a : rule.attempts) list.push_back(a);
      list.SetStyle(YAML::EmitterStyle::Flow);
      params["attempts"] = list;
    }
    if (rule.probability != 1.0) params["probability"] = fmt::format("{}", rule.probability);
    if (!rule.resource.empty()) params["resource"] = text(rule.resource);
  }
  YAML::Node m(YAML::NodeType::Map);
  m[rule.fault.kind] = params;
  return m;
}

void write_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// RFC 8259 number grammar.
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

void write_json(std::string& out, const YAML::Node& node, int indent) {
  std::string pad(static_cast<std::size_t>(indent) + 2, ' ');
  std::string close_pad(static_cast<std::size_t>(indent), ' ');
  if (!node.IsDefined() || node.IsNull()) {
    out += "null";
  } else if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    // Plain YAML scalars that read as JSON literals stay bare; quoted ones stay strings.
    if (node.Tag() != "!" && (s == "true" || s == "false" || is_json_number(s))) {
      out += s;
    } else {
      write_string(out, s);
    }
  } else if (node.IsSequence()) {
    if (node.size() == 0) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& item : node) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      write_json(out, item, indent + 2);
    }
    out += "\n" + close_pad + "]";
  } else if (node.IsMap()) {
    if (node.size() == 0) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      write_string(out, it->first.IsScalar() ? it->first.Scalar() : YAML::Dump(it->first));
      out += ": ";
      write_json(out, it->second, indent + 2);
    }
    out += "\n" + close_pad + "}";
  }
}

}  // namespace

YAML::Node to_yaml(const Scenario& s) {
  YAML::Node root(YAML::NodeType::Map);
  root["name"] = text(s.name);
  root["description"] = text(s.description);
  root["seed"] = s.seed;

  // One `resource:` unless the scenario needs `resources:` (several, an id, or a resource's
  // own attempts or changes).
  const Resource& first = s.resource();
  if (s.resources.size() == 1 && first.id == "resource" && !first.attempts && !first.changes) {
    root["resource"] = resource_node(first);
  } else {
    YAML::Node list(YAML::NodeType::Sequence);
    for (const Resource& r : s.resources) {
      YAML::Node entry(YAML::NodeType::Map);
      entry["id"] = text(r.id);
      for (auto it : resource_node(r)) entry[it.first.Scalar()] = it.second;
      if (r.attempts) entry["attempts"] = attempts_node(*r.attempts);
      if (r.changes) entry["changes"] = changes_node(*r.changes);
      list.push_back(entry);
    }
    root["resources"] = list;
  }

  YAML::Node server(YAML::NodeType::Map);
  server["ranges"] = s.server.ranges;
  server["chunked"] = s.server.chunked;
  server["tls"] = s.server.tls;
  server["max_active"] = s.server.max_active ? YAML::Node(*s.server.max_active) : null_node();
  server["over_capacity"] =
      s.server.max_active ? over_capacity_node(s.server.over_capacity) : null_node();
  YAML::Node outages(YAML::NodeType::Sequence);
  for (const auto& o : s.server.outages) {
    YAML::Node m(YAML::NodeType::Map);
    m["at"] = format_duration(o.at);
    m["for"] = format_duration(o.length);
    m["how"] = text(outage_how_name(o.how));
    m.SetStyle(YAML::EmitterStyle::Flow);
    outages.push_back(m);
  }
  server["outages"] = outages;
  root["server"] = server;

  root["attempts"] = attempts_node(s.attempts);
  root["changes"] = changes_node(s.changes);

  YAML::Node faults(YAML::NodeType::Sequence);
  for (const auto& rule : s.faults) faults.push_back(rule_node(rule));
  root["faults"] = faults;

  const ClientOptions& c = s.client;
  YAML::Node client(YAML::NodeType::Map);
  client["kind"] = c.kind;
  client["command"] = c.kind == "command" ? text(c.command) : null_node();
  client["max_attempts"] = c.max_attempts;
  YAML::Node backoff(YAML::NodeType::Map);
  backoff["strategy"] = c.backoff.strategy;
  backoff["base"] = format_duration(c.backoff.base);
  backoff["cap"] = format_duration(c.backoff.cap);
  client["backoff"] = backoff;
  client["resume"] = c.resume;
  if (c.prefill && c.prefill_changed) {
    YAML::Node prefill(YAML::NodeType::Map);
    prefill["size"] = c.prefill->to_string();
    prefill["changed"] = true;
    client["prefill"] = prefill;
  } else {
    client["prefill"] = optional_node(c.prefill, size_text);
  }
  client["sha256"] = c.sha256;
  client["read_timeout"] = optional_node(c.read_timeout, duration_text);
  client["connect_timeout"] = optional_node(c.connect_timeout, duration_text);
  root["client"] = client;

  const Expectations& e = s.expect;
  YAML::Node expect(YAML::NodeType::Map);
  expect["verdict"] = e.verdict ? YAML::Node(*e.verdict) : null_node();
  expect["max_attempts"] = e.max_attempts ? YAML::Node(*e.max_attempts) : null_node();
  expect["min_attempts"] = e.min_attempts ? YAML::Node(*e.min_attempts) : null_node();
  expect["max_wasted_bytes"] = optional_node(e.max_wasted_bytes, size_text);
  expect["max_duration"] = optional_node(e.max_duration, duration_text);
  if (!e.verify.empty()) {
    YAML::Node verify(YAML::NodeType::Sequence);
    for (const auto& id : e.verify) verify.push_back(text(id));
    verify.SetStyle(YAML::EmitterStyle::Flow);
    expect["verify"] = verify;
  }
  root["expect"] = expect;
  return root;
}

std::string detail::json_text(const YAML::Node& node) {
  std::string out;
  write_json(out, node, 0);
  out += '\n';
  return out;
}

std::string to_json(const Scenario& scenario) {
  return detail::json_text(to_yaml(scenario));
}

bool equivalent(const Scenario& a, const Scenario& b) {
  return to_json(a) == to_json(b);
}

}  // namespace sisyphus::model
