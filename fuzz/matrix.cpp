// The matrix loader (model::load_matrix_string) with the real fault registry: the input is a
// matrix file, loaded as `sisyphus compare` loads one. A matrix it refuses is refused with a
// ScenarioError naming the matrix (or the scenario file the matrix names, when that exists);
// a matrix it accepts
//  - has 1..1000 strategies with distinct names, and 1..1,000,000 trials,
//  - gives each strategy a client that is a valid scenario client: the scenario with that
//    client writes as JSON that loads again (as `sisyphus run` would load it) into an
//    equivalent scenario,
//  - has bounds only on its strategies or `all`, rates within 0..1, other limits >= 0,
//  - loads again into the same strategies and bounds (no state between loads).
#include "sisyphus/model/matrix.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <typeinfo>

#include "check.hpp"
#include "sisyphus/model/loader.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace {

using namespace sisyphus;

// In a directory that does not exist: a relative `scenario:` (and an inline scenario's file
// resource) is never found, so inputs do not read the files around the fuzzer.
constexpr std::string_view kName = "/nonexistent-sisyphus-fuzz/fuzz.yaml";
// A strategy's client is checked through a scenario round trip; a few suffice per input.
constexpr std::size_t kCheckedStrategies = 8;

model::Scenario load_served(std::string_view text, std::string_view name) {
  return model::load_string(text, name, proxy::FaultRegistry::instance());
}

void check_strategy_client(const model::Matrix& m, const model::Strategy& strategy) {
  model::Scenario s = m.scenario;
  s.client = strategy.client;
  std::string json;
  try {
    json = model::to_json(s);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "strategy '{}': its scenario cannot be written as JSON: {}", strategy.name,
               e.what());
  }
  model::Scenario back;
  try {
    back = load_served(json, "strategy.json");
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "strategy '{}': its client is not a valid scenario client: {}\n{}",
               strategy.name, e.what(), json);
  }
  FUZZ_CHECK(model::equivalent(s, back), "strategy '{}': its scenario changed in a round trip:\n{}",
             strategy.name, json);
}

void check_accepted(const model::Matrix& m) {
  FUZZ_CHECK(!m.strategies.empty() && m.strategies.size() <= 1000, "{} strategies",
             m.strategies.size());
  FUZZ_CHECK(m.trials >= 1 && m.trials <= 1'000'000, "{} trials", m.trials);
  std::set<std::string> names;
  for (const auto& s : m.strategies) {
    FUZZ_CHECK(!s.name.empty() && s.name != "all", "strategy name '{}'", s.name);
    FUZZ_CHECK(names.insert(s.name).second, "duplicate strategy name '{}'", s.name);
  }
  for (std::size_t i = 0; i < m.strategies.size(); ++i) {
    if (i < kCheckedStrategies || i + 1 == m.strategies.size())
      check_strategy_client(m, m.strategies[i]);
  }
  for (const auto& b : m.expect) {
    FUZZ_CHECK(b.strategy == "all" || names.count(b.strategy) == 1,
               "a bound on '{}', which is no strategy", b.strategy);
    FUZZ_CHECK(b.limit >= 0, "bound {} of '{}' is {}", to_string(b.key), b.strategy, b.limit);
    FUZZ_CHECK(b.key.kind == BoundKey::Kind::statistic || b.limit <= 1,
               "rate bound {} of '{}' is {}", to_string(b.key), b.strategy, b.limit);
    FUZZ_CHECK(!b.written.empty(), "bound {} of '{}' has no text", to_string(b.key), b.strategy);
  }
}

void check_same(const model::Matrix& a, const model::Matrix& b) {
  FUZZ_CHECK(a.strategies.size() == b.strategies.size() && a.expect.size() == b.expect.size(),
             "a second load differs in size");
  for (std::size_t i = 0; i < a.strategies.size(); ++i) {
    FUZZ_CHECK(a.strategies[i].name == b.strategies[i].name, "strategy {} is '{}' then '{}'", i,
               a.strategies[i].name, b.strategies[i].name);
  }
  for (std::size_t i = 0; i < a.expect.size(); ++i) {
    FUZZ_CHECK(a.expect[i].key == b.expect[i].key && a.expect[i].limit == b.expect[i].limit,
               "bound {} differs in a second load", i);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto& registry = proxy::FaultRegistry::instance();
  model::Matrix m;
  try {
    m = model::load_matrix_string(text, kName, registry);
  } catch (const model::ScenarioError& e) {
    const std::string& file = e.where().file;
    std::error_code ec;
    FUZZ_CHECK(file == kName || std::filesystem::exists(file, ec),
               "error naming neither the matrix nor an existing scenario file: {}", e.what());
    return 0;
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, "the loader let a {} escape instead of a ScenarioError: {}", typeid(e).name(),
               e.what());
  }
  check_accepted(m);
  check_same(m, model::load_matrix_string(text, kName, registry));
  return 0;
}
