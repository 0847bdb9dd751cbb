#include "sisyphus/model/param_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "param_text.hpp"

namespace sisyphus::model {

const ParamKey* ParamTable::find(std::string_view name) const {
  auto it =
      std::find_if(keys.begin(), keys.end(), [&](const ParamKey& key) { return key.name == name; });
  return it == keys.end() ? nullptr : &*it;
}

namespace {

std::string fixed_type_label(const ParamKey& key) {
  switch (key.type) {
    case ParamType::size:
      return "size or %";
    case ParamType::signed_size:
      return "signed size";
    case ParamType::duration:
      return "duration";
    case ParamType::rate:
      return "rate";
    case ParamType::unsigned_integer:
      return "integer";
    case ParamType::choice:
      return fmt::format("{}", fmt::join(key.choices, " | "));
    case ParamType::string:
      return "string";
    case ParamType::boolean:
      return "true | false";
  }
  return "value";
}

}  // namespace

std::string type_label(const ParamKey& key) {
  if (key.random) return fixed_type_label(key) + ", or {mean: …}";
  return fixed_type_label(key);
}

std::string expected_value(const ParamKey& key) {
  if (key.type == ParamType::choice) {
    return fmt::format("one of {}", fmt::join(key.choices, ", "));
  }
  if (key.random) {
    return fmt::format("{} or an exponential mean (e.g. {{mean: {}}})",
                       detail::expected_text(key.type),
                       key.type == ParamType::duration ? "2s" : "4MiB");
  }
  return std::string(detail::expected_text(key.type));
}

void check_table(std::string_view kind, const ParamTable& table) {
  auto bad = [&](std::string_view key, std::string_view why) {
    throw std::logic_error(fmt::format("key table of fault kind '{}': '{}' {}", kind, key, why));
  };
  for (const ParamKey& key : table.keys) {
    if (key.name.empty()) bad(key.name, "has no name");
    if (table.find(key.name) != &key) bad(key.name, "is declared twice");
    if (key.doc.empty()) bad(key.name, "has no doc line");
    if (key.required && !key.default_value.empty()) bad(key.name, "is required and has a default");
    if ((key.type == ParamType::choice) == key.choices.empty()) {
      bad(key.name, "must list choices exactly when it is a choice");
    }
    if (key.random && key.type != ParamType::size && key.type != ParamType::duration) {
      bad(key.name, "is random but not a size or a duration");
    }
    if (!key.default_value.empty()) {
      try {
        detail::value_from_text(key, key.default_value);
      } catch (const ParseError& e) {
        bad(key.name, fmt::format("has a default that does not read as its type: {}", e.what()));
      }
    }
  }
  if (!table.bare_key.empty() && table.find(table.bare_key) == nullptr) {
    bad(table.bare_key, "is the bare key but is not declared");
  }
}

}  // namespace sisyphus::model
