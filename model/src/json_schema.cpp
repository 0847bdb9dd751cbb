// The JSON Schemas of scenario and matrix files (json_schema.hpp), built as a yaml-cpp tree and
// written by the model's JSON writer. Draft-07: Debian 12's python3-jsonschema (4.10) and
// yaml-language-server both read it fully.
#include "sisyphus/model/json_schema.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <limits>
#include <map>
#include <span>
#include <stdexcept>

#include "client_reading.hpp"
#include "json_text.hpp"
#include "section_keys.hpp"
#include "sisyphus/core/statistics.hpp"
#include "sisyphus/model/matrix.hpp"

namespace sisyphus::model {
namespace {

using Node = YAML::Node;
using detail::kNarrowingKeys;

constexpr std::uint64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

// The unit grammar of core/units.cpp (parse_size, SizeSpec::parse, parse_duration,
// parse_rate), blanks included; model/test/json_schema_test.cpp holds them against it.
constexpr std::string_view kBlank = "[ \\t]*";
const std::string kByteCount = "[0-9]+[ \\t]*B?";  // a byte count is a whole number
const std::string kScaled = "[0-9]+(\\.[0-9]+)?[ \\t]*(KiB|MiB|GiB|TiB|KB|MB|GB)";
const std::string kSizeBody = fmt::format("({}|{})", kByteCount, kScaled);
const std::string kSizePattern = fmt::format("^{0}{1}{0}$", kBlank, kSizeBody);
const std::string kSignedSizePattern = fmt::format("^-?{0}{1}{0}$", kBlank, kSizeBody);
const std::string kPercentPattern =
    fmt::format("^{0}0*([0-9]{{1,2}}(\\.[0-9]+)?|100(\\.0+)?){0}%{0}$", kBlank);
const std::string kDurationPattern =
    fmt::format("^{0}([0-9]+(\\.[0-9]+)?{0}(us|ms|s|m|h)|0+){0}$", kBlank);
const std::string kRatePattern = fmt::format("^{0}{1}{0}/s{0}$", kBlank, kSizeBody);

// A scalar that is a string in the JSON whatever it looks like ("503", "true").
Node text(std::string_view s) {
  Node n{std::string(s)};
  n.SetTag("!");
  return n;
}

Node object() {
  return Node(YAML::NodeType::Map);
}

Node list(std::initializer_list<Node> items) {
  Node n(YAML::NodeType::Sequence);
  for (const Node& item : items) n.push_back(item);
  return n;
}

Node schema_ref(std::string_view name) {
  Node n = object();
  n["$ref"] = text(fmt::format("#/definitions/{}", name));
  return n;
}

Node typed(std::string_view type) {
  Node n = object();
  n["type"] = text(type);
  return n;
}

Node any_of(std::initializer_list<Node> options) {
  Node n = object();
  n["anyOf"] = list(options);
  return n;
}

Node integer(std::uint64_t min, std::uint64_t max = kMaxU32) {
  Node n = typed("integer");
  n["minimum"] = min;
  n["maximum"] = max;
  return n;
}

Node number(double min, double max) {
  Node n = typed("number");
  n["minimum"] = min;
  n["maximum"] = max;
  return n;
}

Node pattern(const std::string& re) {
  Node n = typed("string");
  n["pattern"] = text(re);
  return n;
}

// The words of a choice; one that is all digits ("503") is also the YAML integer it reads as.
Node choice(std::span<const std::string_view> words) {
  Node values(YAML::NodeType::Sequence);
  for (std::string_view w : words) {
    values.push_back(text(w));
    if (!w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }))
      values.push_back(Node(std::string(w)));
  }
  Node n = object();
  n["enum"] = values;
  return n;
}

// `key: ~` is the key left out, to the loader (Params::has); GET /v1/scenario writes it so.
Node or_null(const Node& schema) {
  return any_of({schema, typed("null")});
}

Node described(Node schema, std::string_view doc) {
  schema["description"] = text(doc);
  return schema;
}

// The object of a section: a schema for each key of `keys` (the loader's list), in its
// order, none missing and none extra; `required` keys may not be null.
Node section(const std::vector<std::string>& keys, std::map<std::string, Node> schemas,
             std::string_view where, const std::vector<std::string>& required = {}) {
  Node properties = object();
  for (const std::string& key : keys) {
    auto it = schemas.find(key);
    if (it == schemas.end()) {
      throw std::logic_error(fmt::format("JSON Schema of {}: no schema for key '{}'", where, key));
    }
    const bool must = std::find(required.begin(), required.end(), key) != required.end();
    properties[key] = must ? it->second : or_null(it->second);
    schemas.erase(it);
  }
  if (!schemas.empty()) {
    throw std::logic_error(fmt::format("JSON Schema of {}: '{}' is not a key the loader allows",
                                       where, schemas.begin()->first));
  }
  Node n = typed("object");
  n["properties"] = properties;
  n["additionalProperties"] = false;
  if (!required.empty()) {
    Node req(YAML::NodeType::Sequence);
    for (const std::string& key : required) req.push_back(text(key));
    n["required"] = req;
  }
  return n;
}

// Present with a value other than null: what the loader's has() says.
Node present(std::string_view key) {
  Node n = object();
  n["required"] = list({text(key)});
  Node not_null = object();
  not_null["not"] = typed("null");
  n["properties"][std::string(key)] = not_null;
  return n;
}

Node exactly_one_of(std::initializer_list<std::string_view> keys) {
  Node options(YAML::NodeType::Sequence);
  for (std::string_view key : keys) options.push_back(present(key));
  Node n = object();
  n["oneOf"] = options;
  return n;
}

// ---- values of fault keys, by ParamType ---------------------------------------------------

Node value_of(const ParamKey& key) {
  switch (key.type) {
    case ParamType::size:
      return schema_ref("size_or_percent");
    case ParamType::signed_size:
      return schema_ref("signed_size");
    case ParamType::duration:
      return schema_ref("duration");
    case ParamType::rate:
      return schema_ref("rate");
    case ParamType::unsigned_integer:
      return integer(0, std::numeric_limits<std::uint64_t>::max());
    case ParamType::choice:
      return choice(key.choices);
    case ParamType::boolean:
      return typed("boolean");
    case ParamType::string: {
      Node n = object();
      n["type"] = list({text("string"), text("number")});
      return n;
    }
  }
  throw std::logic_error("unknown parameter type");
}

// A random key's value, or `{mean: VALUE}`.
Node fixed_or_mean(const Node& fixed) {
  Node mean = typed("object");
  mean["properties"]["mean"] = fixed;
  mean["required"] = list({text("mean")});
  mean["additionalProperties"] = false;
  return any_of({fixed, described(mean, "an exponential mean: a value drawn per request")});
}

// (A YAML::Node assigned to writes through to the node it refers to: no Node here is
// assigned twice, or the tree would hold itself.)
Node key_schema(const ParamKey& key) {
  const Node value = key.random ? fixed_or_mean(value_of(key)) : value_of(key);
  std::string doc(key.doc);
  if (!key.default_value.empty()) doc += fmt::format(" (default {})", key.default_value);
  Node out = described(key.required ? value : or_null(value), doc);
  if (!key.default_value.empty()) out["default"] = Node(std::string(key.default_value));
  return out;
}

// A kind's parameters: in `attempts:` entries, or (`rule`) in a `faults:` rule, which also
// takes the narrowing keys.
Node fault_params(std::string_view kind, const ParamTable& table, bool rule) {
  Node properties = object();
  Node required(YAML::NodeType::Sequence);
  for (const ParamKey& key : table.keys) {
    if (std::find(kNarrowingKeys.begin(), kNarrowingKeys.end(), key.name) != kNarrowingKeys.end())
      throw std::logic_error(
          fmt::format("fault kind '{}' declares '{}', a rule's own key", kind, key.name));
    properties[std::string(key.name)] = key_schema(key);
    if (key.required) required.push_back(text(key.name));
  }
  if (rule) {
    properties["attempts"] =
        or_null(described(any_of({integer(1),
                                  [] {
                                    Node n = typed("array");
                                    n["items"] = integer(1);
                                    n["minItems"] = 1;
                                    return n;
                                  }()}),
                          "the attempts (1-based) the rule applies to; every attempt when absent"));
    properties["probability"] =
        or_null(described(number(0, 1), "the chance, per request, that the rule applies (seeded)"));
    properties["resource"] = or_null(
        described(typed("string"), "the resources it applies to: an id, or a glob of their paths"));
  }
  Node mapping = typed("object");
  mapping["properties"] = properties;
  mapping["additionalProperties"] = false;
  if (required.size() > 0) mapping["required"] = required;
  Node forms(YAML::NodeType::Sequence);
  forms.push_back(mapping);
  if (required.size() == 0) forms.push_back(typed("null"));  // `kind: ~` or `kind:`
  if (!table.bare_key.empty()) {
    Node bare = value_of(*table.find(table.bare_key));
    forms.push_back(described(bare, fmt::format("short for {{{}: VALUE}}", table.bare_key)));
  }
  Node n = object();
  n["anyOf"] = forms;
  return n;
}

// ---- the sections -------------------------------------------------------------------------

Node name_schema() {
  return described(pattern("^[a-z0-9-]+$"), "lowercase letters, digits and '-'");
}

std::map<std::string, Node> resource_properties(std::string_view path_default) {
  return {
      {"path", described(pattern("^/[^?# \\u0000-\\u001f\\u007f]*$"),
                         fmt::format("the URL path it is served at (default {})", path_default))},
      {"size", described(schema_ref("size"), "synthetic content of this size")},
      {"seed", described(integer(0, std::numeric_limits<std::uint64_t>::max()),
                         "content seed (default 1)")},
      {"file", described(pattern("^.+$"), "serve this file's bytes instead")},
      {"text", described(typed("string"),
                         "serve this text; {sha256:ID} {size:ID} {path:ID} describe another "
                         "resource as served")},
      {"etag", choice(detail::kEtagKinds)},
      {"last_modified", typed("boolean")},
      {"digest", typed("boolean")}};
}

Node resource_schema() {
  Node n = section(detail::kResourceKeys, resource_properties("/file"), "resource");
  n["allOf"] = list({exactly_one_of({"size", "file", "text"})});
  return n;
}

// `resources:`: entries with an id, their own attempts: and changes: allowed.
Node resources_schema(Node attempts, Node changes) {
  std::map<std::string, Node> properties = resource_properties("/ID");
  properties["id"] = described(pattern("^[a-z0-9._-]+$"),
                               "names the resource: {url:ID}, "
                               "expect.verify, a rule's resource");
  properties["attempts"] =
      described(attempts, "this resource's own attempts (else the scenario's)");
  properties["changes"] = described(changes, "this resource's own changes (else the scenario's)");
  Node entry = section(detail::kResourceEntryKeys, std::move(properties), "resources", {"id"});
  entry["allOf"] = list({exactly_one_of({"size", "file", "text"})});
  Node n = typed("array");
  n["items"] = entry;
  n["minItems"] = 1;
  return n;
}

Node server_schema() {
  Node over_capacity = section(
      detail::kOverCapacityKeys,
      {{"status", integer(400, 599)}, {"retry_after", schema_ref("duration")}}, "over_capacity");
  Node refuse = object();
  refuse["enum"] = list({text("refuse")});
  Node outage = section(detail::kOutageKeys,
                        {{"at", schema_ref("duration")},
                         {"for", schema_ref("duration")},
                         {"how", choice(detail::kOutageHows)}},
                        "outage", {"at", "for"});
  Node outages = typed("array");
  outages["items"] = outage;
  Node n = section(detail::kServerKeys,
                   {{"ranges", typed("boolean")},
                    {"chunked", typed("boolean")},
                    {"tls", typed("boolean")},
                    {"max_active", integer(1)},
                    {"over_capacity", any_of({refuse, over_capacity})},
                    {"outages", outages}},
                   "server");
  n["dependencies"]["over_capacity"] = list({text("max_active")});
  return n;
}

Node changes_schema() {
  Node yes = object();
  yes["enum"] = list({Node(true)});
  Node change = section(detail::kChangeKeys,
                        {{"before_attempt", integer(1)},
                         {"at_time", schema_ref("duration")},
                         {"before_each_attempt", yes},
                         {"probability", number(0, 1)}},
                        "changes");
  change["allOf"] = list({exactly_one_of({"before_attempt", "at_time", "before_each_attempt"})});
  change["dependencies"]["probability"] = list({text("before_each_attempt")});
  Node n = typed("array");
  n["items"] = change;
  return n;
}

// `client:` of a scenario, and of a matrix's strategies.
Node client_schema() {
  Node strategy = choice(detail::kBackoffStrategies);
  Node backoff = section(
      detail::client_subkeys("backoff"),
      {{"strategy", strategy}, {"base", schema_ref("duration")}, {"cap", schema_ref("duration")}},
      "client.backoff");
  Node prefill = section(detail::client_subkeys("prefill"),
                         {{"size", schema_ref("size_or_percent")}, {"changed", typed("boolean")}},
                         "client.prefill", {"size"});
  Node command = described(
      typed("string"),
      "a command template: {url} {output} {max_attempts} {workdir} {ca_file} {url:ID} {output:ID}");
  return section(detail::client_keys(),
                 {{"kind", choice(detail::kClientKinds)},
                  {"command", command},
                  {"max_attempts", integer(1)},
                  {"backoff", any_of({strategy, backoff})},
                  {"resume", choice(detail::kResumePolicies)},
                  {"prefill", any_of({schema_ref("size_or_percent"), prefill})},
                  {"sha256", typed("boolean")},
                  {"read_timeout", schema_ref("duration")},
                  {"connect_timeout", schema_ref("duration")}},
                 "client");
}

Node expect_schema() {
  return section(detail::kExpectKeys,
                 {{"verdict", choice(detail::kVerdicts)},
                  {"max_attempts", integer(1)},
                  {"min_attempts", integer(0)},
                  {"max_wasted_bytes", schema_ref("size_or_percent")},
                  {"max_duration", schema_ref("duration")},
                  {"verify",
                   [] {
                     Node n = typed("array");
                     n["items"] = pattern("^[a-z0-9._-]+$");
                     n["minItems"] = 1;
                     n["uniqueItems"] = true;
                     return described(n,
                                      "the resources whose downloads are checked (default: "
                                      "the first)");
                   }()}},
                 "expect");
}

// The `attempts:` list, the scenario's or a resource's.
Node attempts_schema(const FaultCatalog& faults) {
  Node attempt_faults = object();
  for (const std::string& kind : faults.kinds()) attempt_faults[kind] = schema_ref("fault." + kind);
  Node entry = typed("object");
  entry["properties"] = attempt_faults;
  entry["additionalProperties"] = false;
  Node attempts = typed("array");
  attempts["items"] =
      described(or_null(entry), "the faults of the k-th request for the resource ({} for clean)");
  return attempts;
}

Node scenario_object(const FaultCatalog& faults) {
  Node rule_faults = object();
  for (const std::string& kind : faults.kinds()) rule_faults[kind] = schema_ref("rule." + kind);
  Node rule = typed("object");
  rule["properties"] = rule_faults;
  rule["additionalProperties"] = false;
  rule["minProperties"] = 1;
  rule["maxProperties"] = 1;
  Node rules = typed("array");
  rules["items"] = described(rule, "one fault kind per rule, for every request");
  Node n = section(detail::kScenarioKeys,
                   {{"name", name_schema()},
                    {"description", typed("string")},
                    {"seed", integer(0, std::numeric_limits<std::uint64_t>::max())},
                    {"resource", resource_schema()},
                    {"resources", resources_schema(attempts_schema(faults), changes_schema())},
                    {"server", server_schema()},
                    {"attempts", attempts_schema(faults)},
                    {"changes", changes_schema()},
                    {"faults", rules},
                    {"client", client_schema()},
                    {"expect", expect_schema()}},
                   "scenario", {"name"});
  n["allOf"] = list({exactly_one_of({"resource", "resources"})});
  return n;
}

// What each `expect:` bound of a matrix takes (parse_bound_key says which metric it bounds).
Node bound_schema(const std::string& name) {
  const BoundKey key = *parse_bound_key(name);
  if (key.kind != BoundKey::Kind::statistic) return number(0, 1);
  switch (key.metric) {
    case TrialMetric::attempts:
      return typed("number");
    case TrialMetric::bytes_sent:
    case TrialMetric::wasted_bytes:
      return schema_ref("size_or_percent");
    case TrialMetric::duration:
      return schema_ref("duration");
  }
  throw std::logic_error("unknown trial metric");
}

Node matrix_object() {
  Node strategy =
      section(detail::kStrategyKeys,
              {{"name", pattern("^[a-z0-9][a-z0-9._=-]*$")}, {"client", client_schema()}},
              "strategies", {"name"});
  Node strategies = typed("array");
  strategies["items"] = strategy;
  strategies["minItems"] = 1;

  // An axis is a client key, or `key.subkey` of one that has keys, or `clients`.
  Node axis_names(YAML::NodeType::Sequence);
  axis_names.push_back(text("clients"));
  for (const std::string& key : detail::client_keys()) {
    axis_names.push_back(text(key));
    for (const std::string& sub : detail::client_subkeys(key))
      axis_names.push_back(text(key + "." + sub));
  }
  Node scalar = object();
  scalar["type"] = list({text("string"), text("number"), text("boolean")});
  Node values = typed("array");
  values["items"] = scalar;
  values["minItems"] = 1;
  Node axes = typed("object");
  axes["propertyNames"]["enum"] = axis_names;
  axes["additionalProperties"] = values;
  axes["minProperties"] = 1;

  std::map<std::string, Node> bounds_schemas;
  for (const std::string& name : bound_key_names())
    bounds_schemas.emplace(name, bound_schema(name));
  Node bounds = section(bound_key_names(), bounds_schemas, "expect");
  Node expect = typed("object");
  expect["additionalProperties"] =
      described(bounds, "bounds of a strategy by name, or of every one ('all')");

  Node scenario = any_of({described(pattern("^.+$"), "a scenario file, relative to the matrix"),
                          schema_ref("scenario")});
  Node n = section(detail::kMatrixKeys,
                   {{"name", name_schema()},
                    {"description", typed("string")},
                    {"seed", integer(0, std::numeric_limits<std::uint64_t>::max())},
                    {"trials", integer(1, detail::kMaxTrials)},
                    {"scenario", scenario},
                    {"clients", integer(1, kMaxHerdClients)},
                    {"start_spread", schema_ref("duration")},
                    {"strategies", strategies},
                    {"axes", axes},
                    {"expect", expect}},
                   "matrix", {"name", "scenario"});
  n["allOf"] = list({exactly_one_of({"strategies", "axes"})});
  return n;
}

Node definitions(const FaultCatalog& faults) {
  Node d = object();
  d["size"] = described(
      any_of({integer(0, std::numeric_limits<std::uint64_t>::max()), pattern(kSizePattern)}),
      "bytes: 1000, 4MiB, 1.5GB (B KiB MiB GiB TiB KB MB GB)");
  d["size_or_percent"] = described(any_of({schema_ref("size"), pattern(kPercentPattern)}),
                                   "a size, or 0-100% of the resource");
  d["signed_size"] = described(any_of({typed("integer"), pattern(kSignedSizePattern)}),
                               "a size that may be negative: -1KiB");
  Node zero = object();
  zero["enum"] = list({Node(0)});
  d["duration"] =
      described(any_of({zero, pattern(kDurationPattern)}), "100ms, 2s, 1.5m (us ms s m h)");
  d["rate"] = described(pattern(kRatePattern), "a size per second: 1MiB/s");
  for (const std::string& kind : faults.kinds()) {
    d["fault." + kind] = fault_params(kind, faults.params(kind), false);
    d["rule." + kind] = fault_params(kind, faults.params(kind), true);
  }
  d["scenario"] = scenario_object(faults);
  return d;
}

Node schema_root(std::string_view title, std::string_view root, const Node& defs) {
  Node n = object();
  n["$schema"] = text("http://json-schema.org/draft-07/schema#");
  n["title"] = text(title);
  n["description"] = text(
      "Generated by `sisyphus schema` from the fault kinds' key tables and the loader's "
      "key lists; the loader has the last word (docs/scenarios.md, JSON Schema).");
  n["definitions"] = defs;
  n["allOf"] = list({schema_ref(root)});
  return n;
}

}  // namespace

std::string scenario_schema(const FaultCatalog& faults) {
  return detail::json_text(schema_root("sisyphus scenario", "scenario", definitions(faults)));
}

std::string matrix_schema(const FaultCatalog& faults) {
  Node defs = definitions(faults);
  defs["matrix"] = matrix_object();
  return detail::json_text(schema_root("sisyphus matrix", "matrix", defs));
}

}  // namespace sisyphus::model
