#pragma once
// A small fault catalogue for the loader's tests. It stands in for the proxy's fault
// registry (which this library must not depend on): the same kinds, each with a key table
// the loader checks first, and rules of its own that read the typed values, so that errors
// raised inside validate() carry file positions.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "sisyphus/model/loader.hpp"

namespace sisyphus::model::testing {

namespace keys {
constexpr std::string_view kHows[] = {"close", "reset", "stall"};
constexpr ParamKey kCorrupt[] = {
    {.name = "at", .type = ParamType::size, .doc = "first corrupted position"},
    {.name = "bytes", .type = ParamType::unsigned_integer, .doc = "how many bytes"},
};
constexpr ParamKey kDrop[] = {
    {.name = "at", .type = ParamType::size, .doc = "position in the resource"},
    {.name = "after", .type = ParamType::size, .doc = "body bytes of this response"},
    {.name = "how", .type = ParamType::choice, .doc = "what happens at the cut", .choices = kHows},
};
constexpr ParamKey kLatency[] = {
    {.name = "first_byte", .type = ParamType::duration, .doc = "before the status line"},
    {.name = "per_chunk", .type = ParamType::duration, .doc = "before each body write"},
    {.name = "jitter", .type = ParamType::duration, .doc = "added to first_byte"},
};
constexpr ParamKey kStall[] = {
    {.name = "at", .type = ParamType::size, .doc = "position in the resource"},
    {.name = "for", .type = ParamType::duration, .doc = "how long it stays silent"},
};
constexpr ParamKey kStatus[] = {
    {.name = "code", .type = ParamType::unsigned_integer, .doc = "the status"},
    {.name = "retry_after", .type = ParamType::duration, .doc = "adds Retry-After"},
};
constexpr ParamKey kThrottle[] = {
    {.name = "rate", .type = ParamType::rate, .doc = "body bytes per second"},
};
constexpr ParamKey kWrongRange[] = {
    {.name = "shift", .type = ParamType::signed_size, .doc = "how far the body is off"},
};
}  // namespace keys

// A catalogue of one kind, "cut", with the given table and no rules of its own: for tests of
// what the table alone does.
class OneKind final : public FaultCatalog {
 public:
  explicit OneKind(ParamTable table) : table_(table) {}
  std::vector<std::string> kinds() const override { return {"cut"}; }
  bool knows(std::string_view kind) const override { return kind == "cut"; }
  const ParamTable& params(std::string_view) const override { return table_; }
  void validate(const FaultSpec&, const Scenario&) const override {}

 private:
  ParamTable table_;
};

class TestCatalog final : public FaultCatalog {
 public:
  std::vector<std::string> kinds() const override {
    std::vector<std::string> out;
    for (const auto& [kind, table] : tables_) out.push_back(kind);
    return out;
  }
  bool knows(std::string_view kind) const override {
    return tables_.find(std::string(kind)) != tables_.end();
  }
  const ParamTable& params(std::string_view kind) const override {
    return tables_.at(std::string(kind));
  }
  void validate(const FaultSpec& spec, const Scenario& scenario) const override {
    const FaultParams& p = spec.params;
    if (spec.kind == "drop") {
      if (p.has("at") == p.has("after")) p.fail("drop needs exactly one of 'at' or 'after'");
      if (p.has("at")) offset_in_resource(p, "at", scenario);
    } else if (spec.kind == "status") {
      auto code = p.unsigned_integer("code");
      if (code < 100 || code > 599)
        p.fail("code", fmt::format("expected an HTTP status from 100 to 599, got {}", code));
    } else if (spec.kind == "throttle") {
      p.rate("rate");
    } else if (spec.kind == "stall") {
      offset_in_resource(p, "at", scenario);
      p.duration("for");
    } else if (spec.kind == "corrupt") {
      offset_in_resource(p, "at", scenario);
    } else if (spec.kind == "wrong_range") {
      p.signed_size("shift");
    }
  }

 private:
  static void offset_in_resource(const FaultParams& p, std::string_view key,
                                 const Scenario& scenario) {
    SizeSpec at = p.size(key);
    if (at.resolve(scenario.resource().size) > scenario.resource().size) {
      p.fail(key, fmt::format("offset {} is beyond the end of the resource ({} bytes)",
                              at.to_string(), scenario.resource().size));
    }
  }

  // Sorted by kind, as kinds() lists them in "expected one of" errors.
  const std::map<std::string, ParamTable, std::less<>> tables_{
      {"corrupt", {keys::kCorrupt}},        {"drop", {keys::kDrop}},
      {"latency", {keys::kLatency}},        {"stall", {keys::kStall}},
      {"status", {keys::kStatus}},          {"throttle", {keys::kThrottle, "rate"}},
      {"wrong_range", {keys::kWrongRange}},
  };
};

// The one catalogue the model's tests load against, and a scenario loaded as "t.yaml".
inline const TestCatalog kCatalog;

inline Scenario load(const std::string& text) {
  return load_string(text, "t.yaml", kCatalog);
}

}  // namespace sisyphus::model::testing
