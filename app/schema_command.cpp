// `sisyphus schema scenario|matrix`: the JSON Schema of scenario or matrix files, made from the
// fault kinds' key tables (proxy/faults/) and the loader's key lists (model/json_schema.hpp).
#include <fmt/format.h>

#include "commands.hpp"
#include "sisyphus/model/json_schema.hpp"
#include "sisyphus/proxy/fault.hpp"

namespace sisyphus::app {

void add_schema_command(CLI::App& root, int& exit_code) {
  auto* schema = root.add_subcommand(
      "schema",
      "Print the JSON Schema (draft-07) of scenario or matrix files, for editors and linters");
  schema->require_subcommand(1, 1);
  auto* scenario =
      schema->add_subcommand("scenario", "The schema of scenario files (scenarios/catalogue/)");
  scenario->callback([&exit_code] {
    fmt::print("{}", model::scenario_schema(proxy::FaultRegistry::instance()));
    exit_code = kExitOk;
  });
  auto* matrix =
      schema->add_subcommand("matrix", "The schema of matrix files (scenarios/matrices/)");
  matrix->callback([&exit_code] {
    fmt::print("{}", model::matrix_schema(proxy::FaultRegistry::instance()));
    exit_code = kExitOk;
  });
}

}  // namespace sisyphus::app
