#include "yaml_params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "param_text.hpp"
#include "yaml_text.hpp"

namespace sisyphus::model {

namespace detail {

SourceLocation location_of(const YAML::Node& node, const std::string& file) {
  if (!node.IsDefined()) return {file, 0, 0};
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a sequence";
  return fmt::format("'{}'", node.Scalar());
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

}  // namespace detail

using detail::describe;
using detail::join;
using detail::location_of;

Params::Params(YAML::Node node, std::string file)
    : node_(std::move(node)), file_(std::move(file)) {}

Params::Params(YAML::Node node, std::string file, std::string section)
    : node_(std::move(node)), file_(std::move(file)), section_(std::move(section)) {}

Params::Params(YAML::Node node, std::string file, std::string section, SourceLocation where)
    : node_(std::move(node)),
      file_(std::move(file)),
      section_(std::move(section)),
      fallback_(std::move(where)) {}

Params& Params::operator=(const Params& other) {
  if (this == &other) return *this;
  node_.reset(other.node_);
  file_ = other.file_;
  section_ = other.section_;
  fallback_ = other.fallback_;
  return *this;
}

SourceLocation Params::location() const {
  // A null value's mark is wherever the parser went next (often the following line), so
  // an absent or empty value is reported at its key.
  if ((!node_.IsDefined() || node_.IsNull()) && fallback_.line != 0) return fallback_;
  SourceLocation here = location_of(node_, file_);
  if (here.line == 0) return fallback_.line != 0 ? fallback_ : SourceLocation{file_, 0, 0};
  return here;
}

SourceLocation Params::location(std::string_view key) const {
  if (node_.IsDefined() && node_.IsMap()) {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        SourceLocation at =
            it->second.IsNull() ? location_of(it->first, file_) : location_of(it->second, file_);
        if (at.line == 0) at = location_of(it->first, file_);
        if (at.line != 0) return at;
        break;
      }
    }
  }
  return location();
}

bool Params::is_map() const {
  return node_.IsDefined() && node_.IsMap();
}

bool Params::is_null() const {
  return !node_.IsDefined() || node_.IsNull() || (node_.IsMap() && node_.size() == 0);
}

bool Params::is_scalar() const {
  return node_.IsDefined() && node_.IsScalar();
}

YAML::Node Params::value(std::string_view key) const {
  if (is_map()) {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        if (it->second.IsNull()) break;
        return it->second;
      }
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool Params::has(std::string_view key) const {
  return value(key).IsDefined();
}

void Params::require_map() const {
  if (!node_.IsDefined() || node_.IsNull() || node_.IsMap()) return;
  fail(fmt::format("expected a mapping, got {}", describe(node_)));
}

std::vector<std::string> Params::keys() const {
  require_map();
  std::vector<std::string> out;
  if (!is_map()) return out;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (!it->first.IsScalar()) {
      throw ScenarioError(location_of(it->first, file_),
                          fmt::format("expected a string key, got {}", describe(it->first)));
    }
    out.push_back(it->first.Scalar());
  }
  return out;
}

void Params::allow_only(std::initializer_list<std::string_view> allowed) const {
  allow_only(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void Params::allow_only(const std::vector<std::string>& allowed) const {
  require_map();
  if (!is_map()) return;
  std::string where = section_.empty() ? "" : fmt::format(" in {}", section_);
  std::set<std::string, std::less<>> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    SourceLocation at = location_of(it->first, file_);
    if (at.line == 0) at = location();  // a key built in code is reported where its mapping is
    if (!it->first.IsScalar()) {
      throw ScenarioError(
          at, fmt::format("expected a string key{}, got {}", where, describe(it->first)));
    }
    const std::string& key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string close = closest_match(key, allowed);
      if (!close.empty()) {
        throw ScenarioError(
            at, fmt::format("unknown key '{}'{}, did you mean '{}'?", key, where, close));
      }
      throw ScenarioError(
          at, fmt::format("unknown key '{}'{}, expected one of {}", key, where, join(allowed)));
    }
    if (!seen.insert(key).second) {
      throw ScenarioError(at, fmt::format("duplicate key '{}'{}", key, where));
    }
  }
}

std::string Params::scalar(std::string_view key, std::string_view what) const {
  YAML::Node v = value(key);
  if (!v.IsDefined()) {
    require_map();
    std::string where = section_.empty() ? "" : fmt::format(" in {}", section_);
    fail(fmt::format("missing required key '{}'{}", key, where));
  }
  if (!v.IsScalar()) fail(key, fmt::format("expected {}, got {}", what, describe(v)));
  return v.Scalar();
}

std::string Params::scalar(std::string_view what) const {
  if (!is_scalar()) fail(fmt::format("expected {}, got {}", what, describe(node_)));
  return node_.Scalar();
}

namespace {

// Reads the key's text by `rule`; a ParseError from the rule is reported at the key's value.
template <typename Rule>
auto read_text(const Params& p, std::string_view key, std::string_view what, Rule rule) {
  const std::string text = p.scalar(key, what);
  try {
    return rule(text);
  } catch (const ParseError& e) {
    p.fail(key, e.what());
  }
}

}  // namespace

std::string Params::string(std::string_view key) const {
  return scalar(key, detail::expected_text(ParamType::string));
}

std::optional<std::string> Params::optional_string(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return string(key);
}

std::string Params::choice(std::string_view key,
                           std::initializer_list<std::string_view> choices) const {
  return choice(key, std::span<const std::string_view>(choices.begin(), choices.size()));
}

std::string Params::choice(std::string_view key, std::span<const std::string_view> choices) const {
  return read_text(*this, key, fmt::format("one of {}", fmt::join(choices, ", ")),
                   [&](std::string_view text) { return detail::choice_from_text(text, choices); });
}

bool Params::boolean(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  YAML::Node v = value(key);
  bool out = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, out)) {
    fail(key, fmt::format("expected true or false, got {}", describe(v)));
  }
  return out;
}

double Params::number(std::string_view key) const {
  std::string text = scalar(key, "a number");
  double out = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  if (ec != std::errc{} || p != end || !std::isfinite(out)) {
    fail(key, fmt::format("expected a number, got '{}'", text));
  }
  return out;
}

std::optional<double> Params::optional_number(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return number(key);
}

std::uint64_t Params::unsigned_integer(std::string_view key) const {
  return read_text(*this, key, detail::expected_text(ParamType::unsigned_integer),
                   detail::unsigned_from_text);
}

std::optional<std::uint64_t> Params::optional_unsigned(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return unsigned_integer(key);
}

std::int64_t Params::signed_size(std::string_view key) const {
  return read_text(*this, key, detail::expected_text(ParamType::signed_size),
                   detail::signed_size_from_text);
}

SizeSpec Params::size(std::string_view key) const {
  return read_text(*this, key, detail::expected_text(ParamType::size), SizeSpec::parse);
}

std::optional<SizeSpec> Params::optional_size(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return size(key);
}

Duration Params::duration(std::string_view key) const {
  return read_text(*this, key, detail::expected_text(ParamType::duration), parse_duration);
}

std::optional<Duration> Params::optional_duration(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return duration(key);
}

std::uint64_t Params::rate(std::string_view key) const {
  return read_text(*this, key, detail::expected_text(ParamType::rate), parse_rate);
}

Params Params::child(std::string_view key) const {
  std::string name = section_.empty() ? std::string(key) : fmt::format("{}.{}", section_, key);
  YAML::Node v(YAML::NodeType::Undefined);
  if (is_map()) {
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        v.reset(it->second);
        break;
      }
    }
  }
  Params out(v, file_, std::move(name));
  out.fallback_ = location(key);
  return out;
}

void Params::fail(std::string_view message) const {
  throw ScenarioError(location(), std::string(message));
}

void Params::fail(std::string_view key, std::string_view message) const {
  throw ScenarioError(location(key), std::string(message));
}

}  // namespace sisyphus::model
