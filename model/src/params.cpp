#include "sisyphus/model/params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "yaml_text.hpp"

namespace sisyphus::model {
namespace {

std::string format_error(const SourceLocation& where, const std::string& message) {
  if (where.line == 0)
    return where.file.empty() ? message : fmt::format("{}: {}", where.file, message);
  return fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, message);
}

// Optimal string alignment (Damerau-Levenshtein with adjacent transpositions).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

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

ScenarioError::ScenarioError(SourceLocation where, const std::string& message)
    : ParseError(format_error(where, message)), where_(std::move(where)), message_(message) {}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& c : candidates) {
    std::size_t d = edit_distance(word, c);
    // A word that must be rewritten entirely ("ab" -> "xy") is not a typo of it.
    if (d < best_distance && d < std::max(word.size(), c.size())) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

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

std::string Params::scalar_at(std::string_view key, std::string_view what) const {
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

std::string Params::string(std::string_view key) const {
  return scalar_at(key, "a string");
}

std::optional<std::string> Params::optional_string(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return string(key);
}

std::string Params::choice(std::string_view key,
                           std::initializer_list<std::string_view> choices) const {
  std::vector<std::string> names(choices.begin(), choices.end());
  std::string text = scalar_at(key, fmt::format("one of {}", join(names)));
  if (std::find(names.begin(), names.end(), text) == names.end()) {
    fail(key, fmt::format("expected one of {}, got '{}'", join(names), text));
  }
  return text;
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
  std::string text = scalar_at(key, "a number");
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
  std::string text = scalar_at(key, "a non-negative integer");
  std::uint64_t out = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, out);
  bool digits = !text.empty() &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits && ec == std::errc::result_out_of_range) {
    fail(key, fmt::format("integer '{}' is too large (at most {})", text,
                          std::numeric_limits<std::uint64_t>::max()));
  }
  if (!digits || ec != std::errc{} || p != end) {
    fail(key, fmt::format("expected a non-negative integer, got '{}'", text));
  }
  return out;
}

std::optional<std::uint64_t> Params::optional_unsigned(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return unsigned_integer(key);
}

std::int64_t Params::signed_size(std::string_view key) const {
  std::string text = scalar_at(key, "a size (e.g. 1KiB or -1KiB)");
  std::string_view body = text;
  bool negative = !body.empty() && body.front() == '-';
  if (negative) body.remove_prefix(1);
  std::uint64_t magnitude = 0;
  try {
    magnitude = parse_size(body);
  } catch (const ParseError& e) {
    fail(key, fmt::format(
                  "invalid size '{}': expected an optionally negative size such as 1KiB or -512B",
                  text));
  }
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (magnitude > kMax)
    fail(key,
         fmt::format("invalid size '{}': too large (at most {} bytes either way)", text, kMax));
  auto v = static_cast<std::int64_t>(magnitude);
  return negative ? -v : v;
}

SizeSpec Params::size(std::string_view key) const {
  std::string text = scalar_at(key, "a size (e.g. 4MiB or 95%)");
  try {
    return SizeSpec::parse(text);
  } catch (const ParseError& e) {
    fail(key, e.what());
  }
}

std::optional<SizeSpec> Params::optional_size(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return size(key);
}

Duration Params::duration(std::string_view key) const {
  std::string text = scalar_at(key, "a duration (e.g. 100ms or 2s)");
  try {
    return parse_duration(text);
  } catch (const ParseError& e) {
    fail(key, e.what());
  }
}

std::optional<Duration> Params::optional_duration(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return duration(key);
}

std::uint64_t Params::rate(std::string_view key) const {
  std::string text = scalar_at(key, "a rate (e.g. 1MiB/s)");
  try {
    return parse_rate(text);
  } catch (const ParseError& e) {
    fail(key, e.what());
  }
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
