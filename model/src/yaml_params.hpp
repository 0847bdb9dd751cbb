#pragma once
// Typed, position-aware access to one YAML mapping of a scenario. Every error names
// file:line:column and what was expected, and is thrown as ScenarioError. Private to the
// model: YAML stays behind the loader.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sisyphus/core/units.hpp"
#include "sisyphus/model/scenario_error.hpp"

namespace sisyphus::model {

class Params {
 public:
  Params() = default;
  Params(YAML::Node node, std::string file);
  // `section` names the mapping in errors: "unknown key 'sied' in resource, ...".
  Params(YAML::Node node, std::string file, std::string section);
  // For a node built in code (no position of its own): errors about the node itself, and
  // about its keys when they were built in code too, are reported at `where`; the nodes it
  // took from a parsed tree keep their own positions.
  Params(YAML::Node node, std::string file, std::string section, SourceLocation where);

  // YAML::Node's assignment writes through to the node it referred to (it is a reference
  // into a shared tree); Params assignment rebinds instead, so assigning one Params never
  // edits the tree another one reads.
  Params(const Params&) = default;
  Params(Params&&) = default;
  Params& operator=(const Params& other);
  Params& operator=(Params&& other) { return *this = static_cast<const Params&>(other); }
  ~Params() = default;

  const std::string& section() const { return section_; }

  const YAML::Node& node() const { return node_; }
  const std::string& file() const { return file_; }
  SourceLocation location() const;                      // of this node
  SourceLocation location(std::string_view key) const;  // of the key's value (or this node)

  bool is_map() const;
  bool is_null() const;  // absent, `~`, or `{}`
  bool is_scalar() const;
  // The key is present with a non-null value (`key: ~` counts as absent everywhere).
  bool has(std::string_view key) const;
  // Throws for a key not in `allowed`, with "did you mean 'x'?" when one is close, and for
  // duplicate or non-scalar keys. Null counts as an empty mapping; any other non-mapping
  // is "expected a mapping".
  void allow_only(std::initializer_list<std::string_view> allowed) const;
  void allow_only(const std::vector<std::string>& allowed) const;
  // A mapping or null (absent, `~`: no keys); anything else is "expected a mapping".
  void require_map() const;
  // The keys of the mapping in document order (empty for null).
  std::vector<std::string> keys() const;

  std::string string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  // One of `choices`, else an error listing them.
  std::string choice(std::string_view key, std::initializer_list<std::string_view> choices) const;
  std::string choice(std::string_view key, std::span<const std::string_view> choices) const;
  bool boolean(std::string_view key, bool fallback) const;
  double number(std::string_view key) const;
  std::optional<double> optional_number(std::string_view key) const;
  std::uint64_t unsigned_integer(std::string_view key) const;
  std::optional<std::uint64_t> optional_unsigned(std::string_view key) const;
  std::int64_t signed_size(std::string_view key) const;  // "-1KiB" allowed
  SizeSpec size(std::string_view key) const;             // "4MiB", "95%"
  std::optional<SizeSpec> optional_size(std::string_view key) const;
  Duration duration(std::string_view key) const;
  std::optional<Duration> optional_duration(std::string_view key) const;
  std::uint64_t rate(std::string_view key) const;  // "1MiB/s"
  Params child(std::string_view key) const;        // null Params when absent
  // This node itself as a scalar, for faults written as `throttle: 1MiB/s`.
  std::string scalar(std::string_view what) const;
  // The key's value as text, for reading it by a rule of its own: "missing required key"
  // when absent, "expected <what>, got a mapping" when not a scalar.
  std::string scalar(std::string_view key, std::string_view what) const;

  [[noreturn]] void fail(std::string_view message) const;
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;

 private:
  YAML::Node value(std::string_view key) const;  // undefined node when absent or null
  YAML::Node node_;
  std::string file_;
  std::string section_;
  SourceLocation fallback_;  // where an absent child was looked up (its parent)
};

}  // namespace sisyphus::model
