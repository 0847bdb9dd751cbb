// `sisyphus list [scenarios [FILE|DIR ...] | faults | clients]`: what can be run.
#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/runner/client_adapter.hpp"
#include "sisyphus/runner/selection.hpp"

namespace sisyphus::app {
namespace {

// Two columns: names padded to the longest one.
template <typename Row>
void print_rows(const std::vector<Row>& rows) {
  std::size_t width = 0;
  for (const auto& [name, text] : rows) width = std::max(width, name.size());
  for (const auto& [name, text] : rows) fmt::print("{:<{}}  {}\n", name, width, text);
}

int list_scenarios(const std::vector<std::string>& inputs) {
  const std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const runner::Loaded loaded = runner::load_scenarios(paths);
  for (const auto& e : loaded.errors) fmt::print(stderr, "{}\n", e);
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& s : loaded.scenarios) rows.emplace_back(s.name, s.description);
  print_rows(rows);
  return loaded.errors.empty() ? kExitOk : kExitUsage;
}

int list_faults() {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto* kind : proxy::FaultRegistry::instance().all()) {
    rows.emplace_back(std::string(kind->name), std::string(kind->summary));
  }
  print_rows(rows);
  return kExitOk;
}

int list_clients() {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto* kind : runner::client_kinds()) {
    rows.emplace_back(std::string(kind->name), std::string(kind->summary));
  }
  print_rows(rows);
  return kExitOk;
}

}  // namespace

void add_list_command(CLI::App& root, int& exit_code) {
  auto* list = root.add_subcommand(
      "list", "List the built-in scenarios (or those in FILE/DIR), the fault kinds or the clients");
  list->require_subcommand(0, 1);

  auto inputs = std::make_shared<std::vector<std::string>>();
  auto* scen = list->add_subcommand(
      "scenarios", "Scenario names and descriptions: the built-in catalogue, or FILE/DIR ...");
  scen->add_option("FILE", *inputs, "Scenario files or directories of them");
  scen->callback([inputs, &exit_code] { exit_code = list_scenarios(*inputs); });

  auto* faults = list->add_subcommand("faults", "Fault kinds a scenario can use");
  faults->callback([&exit_code] { exit_code = list_faults(); });

  auto* clients = list->add_subcommand("clients", "Clients `sisyphus run --client` can run");
  clients->callback([&exit_code] { exit_code = list_clients(); });

  list->callback([list, &exit_code] {
    if (list->get_subcommands().empty()) exit_code = list_scenarios({});
  });
}

}  // namespace sisyphus::app
