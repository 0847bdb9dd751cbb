#include "fault_reading.hpp"

#include <fmt/format.h>

#include <string>
#include <variant>
#include <vector>

#include "param_text.hpp"
#include "yaml_text.hpp"

namespace sisyphus::model::detail {
namespace {

// A written value: fixed, or the mean of a random key's `{mean: VALUE}`.
struct Read {
  FaultParams::Value value;
  bool mean = false;
};

bool is_zero(const FaultParams::Value& v) {
  if (const auto* size = std::get_if<SizeSpec>(&v)) {
    return size->is_percent() ? size->percent_value() == 0 : size->byte_count() == 0;
  }
  if (const auto* d = std::get_if<Duration>(&v)) return d->count() == 0;
  return false;
}

// `key: {mean: VALUE}` of a random key, with its errors at the mean (or at the mapping).
FaultParams::Value mean_value(const Params& yaml, const ParamKey& key) {
  const Params form = yaml.child(key.name);  // errors name it "drop.after"
  form.allow_only({"mean"});
  const std::string text = form.scalar("mean", expected_text(key.type));
  FaultParams::Value value;
  try {
    value = value_from_text(key, text);
  } catch (const ParseError& e) {
    form.fail("mean", e.what());
  }
  if (is_zero(value)) {
    form.fail("mean", fmt::format("expected a mean greater than zero, got '{}'", text));
  }
  return value;
}

// A mapping given to a key that takes a fixed value: if it is a mean, say which keys take one.
[[noreturn]] void not_random(const Params& yaml, const ParamTable& table, const ParamKey& key) {
  std::vector<std::string> random;
  for (const ParamKey& k : table.keys) {
    if (k.random) random.push_back(fmt::format("'{}'", k.name));
  }
  std::string only;
  if (!random.empty()) {
    only = fmt::format(" (in {} only {} can be)", yaml.section(), fmt::join(random, ", "));
  }
  yaml.fail(key.name, fmt::format("'{}' takes a fixed value, not {{mean: …}}{}", key.name, only));
}

// The key's written value read as its type, with its errors at the value.
Read written_value(const Params& yaml, const ParamTable& table, const ParamKey& key) {
  const YAML::Node node = yaml.child(key.name).node();
  if (node.IsMap()) {
    if (key.random) return Read{mean_value(yaml, key), true};
    if (node["mean"]) not_random(yaml, table, key);
  }
  const std::string text = yaml.scalar(key.name, expected_value(key));
  try {
    return Read{value_from_text(key, text)};
  } catch (const ParseError& e) {
    yaml.fail(key.name, e.what());
  }
}

std::vector<FaultParams::Typed> typed_values(const ParamTable& table, auto&& written) {
  std::vector<FaultParams::Typed> out;
  out.reserve(table.keys.size());
  for (const ParamKey& key : table.keys) {
    std::optional<Read> read = written(key);
    if (!read && !key.default_value.empty()) {
      read = Read{value_from_text(key, key.default_value)};  // check_table() made sure it reads
    }
    FaultParams::Typed typed{std::string(key.name), key.type, std::nullopt};
    if (read) {
      typed.value = std::move(read->value);
      typed.mean = read->mean;
    }
    out.push_back(std::move(typed));
  }
  return out;
}

FaultParams read_bare(const Params& yaml, const ParamTable& table) {
  const ParamKey& bare = *table.find(table.bare_key);
  const std::string text = yaml.scalar(expected_value(bare));
  FaultParams out = FaultParams::bare(yaml.section(), yaml.location(), text);
  out.set_values(typed_values(table, [&](const ParamKey& key) -> std::optional<Read> {
    if (key.name != bare.name) return std::nullopt;
    try {
      return Read{value_from_text(key, text)};
    } catch (const ParseError& e) {
      yaml.fail(e.what());
    }
  }));
  return out;
}

}  // namespace

FaultParams read_fault_params(const Params& yaml, const ParamTable& table) {
  if (yaml.is_scalar() && !table.bare_key.empty()) return read_bare(yaml, table);
  yaml.require_map();
  if (table.keys.empty()) {
    if (!yaml.is_null()) {
      const std::string key = yaml.node().begin()->first.Scalar();
      yaml.fail(key, fmt::format("'{}' takes no parameters, got '{}'", yaml.section(), key));
    }
  } else {
    std::vector<std::string> names;
    for (const ParamKey& key : table.keys) names.emplace_back(key.name);
    yaml.allow_only(names);
  }
  for (const ParamKey& key : table.keys) {
    if (key.required && !yaml.has(key.name)) {
      yaml.fail(fmt::format("expected '{}' ({})", key.name, key.doc));
    }
  }
  auto values = typed_values(table, [&](const ParamKey& key) -> std::optional<Read> {
    if (!yaml.has(key.name)) return std::nullopt;
    return written_value(yaml, table, key);
  });
  if (!yaml.is_map()) {
    FaultParams out = FaultParams::none(yaml.section(), yaml.location());
    out.set_values(std::move(values));
    return out;
  }
  std::vector<FaultParams::Written> written;
  for (auto it = yaml.node().begin(); it != yaml.node().end(); ++it) {
    const std::string& key = it->first.Scalar();
    std::optional<std::string> text;
    // Every value passed its key's table: a mapping is a random key's `{mean: VALUE}`.
    const bool mean = it->second.IsMap();
    if (mean) {
      text = it->second.begin()->second.Scalar();
    } else if (!it->second.IsNull()) {
      text = it->second.Scalar();
    }
    written.push_back(FaultParams::Written{
        key, std::move(text), location_of(it->first, yaml.file()), yaml.location(key), mean});
  }
  FaultParams out = FaultParams::mapping(yaml.section(), yaml.location(), std::move(written));
  out.set_values(std::move(values));
  return out;
}

}  // namespace sisyphus::model::detail
