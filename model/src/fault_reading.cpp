#include "fault_reading.hpp"

#include <fmt/format.h>

#include "param_text.hpp"
#include "yaml_text.hpp"

namespace sisyphus::model::detail {
namespace {

// The key's written value read as its type, with its errors at the value.
FaultParams::Value written_value(const Params& yaml, const ParamKey& key) {
  const std::string text = yaml.scalar(key.name, expected_value(key));
  try {
    return value_from_text(key, text);
  } catch (const ParseError& e) {
    yaml.fail(key.name, e.what());
  }
}

std::vector<FaultParams::Typed> typed_values(const ParamTable& table, auto&& written) {
  std::vector<FaultParams::Typed> out;
  out.reserve(table.keys.size());
  for (const ParamKey& key : table.keys) {
    std::optional<FaultParams::Value> value = written(key);
    if (!value && !key.default_value.empty()) {
      value = value_from_text(key, key.default_value);  // check_table() made sure it reads
    }
    out.push_back(FaultParams::Typed{std::string(key.name), key.type, std::move(value)});
  }
  return out;
}

FaultParams read_bare(const Params& yaml, const ParamTable& table) {
  const ParamKey& bare = *table.find(table.bare_key);
  const std::string text = yaml.scalar(expected_value(bare));
  FaultParams out = FaultParams::bare(yaml.section(), yaml.location(), text);
  out.set_values(typed_values(table, [&](const ParamKey& key) -> std::optional<FaultParams::Value> {
    if (key.name != bare.name) return std::nullopt;
    try {
      return value_from_text(key, text);
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
  auto values = typed_values(table, [&](const ParamKey& key) -> std::optional<FaultParams::Value> {
    if (!yaml.has(key.name)) return std::nullopt;
    return written_value(yaml, key);
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
    if (!it->second.IsNull()) text = it->second.Scalar();
    written.push_back(FaultParams::Written{
        key, std::move(text), location_of(it->first, yaml.file()), yaml.location(key)});
  }
  FaultParams out = FaultParams::mapping(yaml.section(), yaml.location(), std::move(written));
  out.set_values(std::move(values));
  return out;
}

}  // namespace sisyphus::model::detail
