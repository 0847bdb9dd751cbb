#pragma once
// One fault's parameters, YAML-free: what the scenario wrote (kept to write the scenario
// back) and the typed values the loader read from it by the kind's ParamTable, defaults
// included. A fault's parser reads the typed values and reports its own cross-key rules at
// the positions kept here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sisyphus/core/units.hpp"
#include "sisyphus/model/param_table.hpp"
#include "sisyphus/model/scenario_error.hpp"

namespace sisyphus::model {

class FaultParams {
 public:
  // size -> SizeSpec, signed_size -> int64, duration -> Duration, rate and unsigned_integer ->
  // uint64, choice and string -> the text.
  using Value = std::variant<SizeSpec, std::int64_t, Duration, std::uint64_t, std::string, bool>;

  // One key as written, in document order.
  struct Written {
    std::string key;
    std::optional<std::string> text;  // nullopt: `key: ~`, which counts as absent
    SourceLocation key_at;
    SourceLocation value_at;  // of the value; of the key when the value is null
    bool mean = false;        // written `key: {mean: TEXT}` (a random key, ParamKey::random)
  };

  // One key of the kind's table: the written value or the default, read as its type;
  // nullopt when the key is absent and has no default.
  struct Typed {
    std::string key;
    ParamType type = ParamType::string;
    std::optional<Value> value;
    bool mean = false;  // `value` is the mean of an exponential distribution ({mean: …})
  };

  // No parameters at all: `kind:` or `kind: ~`. `section` names the fault in errors
  // ("missing required key 'for' in stall"); `where` is where errors about it point.
  FaultParams() = default;
  static FaultParams none(std::string section, SourceLocation where);
  // `kind: {key: value, ...}`, `{}` included.
  static FaultParams mapping(std::string section, SourceLocation where,
                             std::vector<Written> written);
  // `kind: VALUE`, short for the table's bare key.
  static FaultParams bare(std::string section, SourceLocation where, std::string text);

  // The loader sets these once the written keys passed the kind's table.
  void set_values(std::vector<Typed> values) { values_ = std::move(values); }

  const std::string& section() const { return section_; }
  bool is_map() const { return form_ == Form::mapping; }
  bool is_scalar() const { return form_ == Form::bare; }
  bool is_null() const { return form_ == Form::none || (is_map() && written_.empty()); }
  const std::string& scalar() const { return bare_; }  // the text of `kind: VALUE`
  const std::vector<Written>& written() const { return written_; }
  std::vector<std::string> keys() const;  // as written, `key: ~` included

  // The key was written with a value (not absent, not `~`); a default does not count.
  bool has(std::string_view key) const;
  // The key (one its table marks random) was written `{mean: VALUE}`: its typed read below
  // gives the mean, and the fault draws the value per request (docs/faults.md, "Memoryless
  // links").
  bool is_mean(std::string_view key) const;
  SourceLocation location() const { return where_; }
  SourceLocation location(std::string_view key) const;  // of its value, else location()

  // Typed reads of a key the kind's table declares with that type: the written value or the
  // default. An absent key without a default is "missing required key" (ScenarioError); a key
  // the table does not declare, or with another type, is a bug in the fault (std::logic_error).
  SizeSpec size(std::string_view key) const;
  std::int64_t signed_size(std::string_view key) const;
  Duration duration(std::string_view key) const;
  std::uint64_t rate(std::string_view key) const;
  std::uint64_t unsigned_integer(std::string_view key) const;
  const std::string& string(std::string_view key) const;  // choice and string keys
  bool boolean(std::string_view key) const;

  // ScenarioError at location() / location(key).
  [[noreturn]] void fail(std::string_view message) const;
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;

 private:
  enum class Form { none, mapping, bare };
  const Value& value(std::string_view key, ParamType type) const;

  std::string section_;
  SourceLocation where_;
  Form form_ = Form::none;
  std::string bare_;
  std::vector<Written> written_;
  std::vector<Typed> values_;
};

}  // namespace sisyphus::model
