#pragma once
// A small fault catalogue for the loader's tests. It stands in for the proxy's fault
// registry (which this library must not depend on): the same kinds, validated with the
// same Params calls, so that errors raised inside validate() carry file positions.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sisyphus/model/loader.hpp"

namespace sisyphus::model::testing {

class TestCatalog final : public FaultCatalog {
 public:
  std::vector<std::string> kinds() const override {
    return {"corrupt", "drop", "latency", "stall", "status", "throttle", "wrong_range"};
  }
  bool knows(std::string_view kind) const override {
    auto all = kinds();
    return std::find(all.begin(), all.end(), kind) != all.end();
  }
  void validate(const FaultSpec& spec, const Scenario& scenario) const override {
    const Params& p = spec.params;
    if (spec.kind == "drop") {
      p.allow_only({"at", "after", "how"});
      if (p.has("at") == p.has("after")) p.fail("drop needs exactly one of 'at' or 'after'");
      if (p.has("at")) offset_in_resource(p, "at", scenario);
      if (p.has("after")) p.size("after");
      if (p.has("how")) p.choice("how", {"close", "reset", "stall"});
    } else if (spec.kind == "status") {
      p.allow_only({"code", "retry_after"});
      auto code = p.unsigned_integer("code");
      if (code < 100 || code > 599)
        p.fail("code", fmt::format("expected an HTTP status from 100 to 599, got {}", code));
      p.optional_duration("retry_after");
    } else if (spec.kind == "latency") {
      p.allow_only({"first_byte", "per_chunk", "jitter"});
      p.optional_duration("first_byte");
      p.optional_duration("per_chunk");
      p.optional_duration("jitter");
    } else if (spec.kind == "throttle") {
      if (p.is_scalar()) {
        try {
          parse_rate(p.scalar("a rate such as 1MiB/s"));
        } catch (const ScenarioError&) {
          throw;
        } catch (const ParseError& e) {
          p.fail(e.what());
        }
      } else {
        p.allow_only({"rate"});
        p.rate("rate");
      }
    } else if (spec.kind == "stall") {
      p.allow_only({"at", "for"});
      offset_in_resource(p, "at", scenario);
      p.duration("for");
    } else if (spec.kind == "corrupt") {
      p.allow_only({"at", "bytes"});
      offset_in_resource(p, "at", scenario);
      p.optional_unsigned("bytes");
    } else if (spec.kind == "wrong_range") {
      p.allow_only({"shift"});
      p.signed_size("shift");
    }
  }

 private:
  static void offset_in_resource(const Params& p, std::string_view key, const Scenario& scenario) {
    SizeSpec at = p.size(key);
    if (at.resolve(scenario.resource.size) > scenario.resource.size) {
      p.fail(key, fmt::format("offset {} is beyond the end of the resource ({} bytes)",
                              at.to_string(), scenario.resource.size));
    }
  }
};

}  // namespace sisyphus::model::testing
