// `sisyphus list [scenarios [FILE|DIR ...] | matrices [FILE|DIR ...] | faults | clients]`: what
// can be run.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "sisyphus/model/param_table.hpp"
#include "sisyphus/proxy/fault.hpp"
#include "sisyphus/runner/client_adapter.hpp"
#include "sisyphus/runner/compare.hpp"
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

int list_matrices(const std::vector<std::string>& inputs) {
  const std::vector<std::filesystem::path> paths(inputs.begin(), inputs.end());
  const runner::LoadedMatrices loaded = runner::load_matrices(paths);
  for (const auto& e : loaded.errors) fmt::print(stderr, "{}\n", e);
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& m : loaded.matrices) {
    // A herd's size is the first strategy's (an axis of clients gives several).
    const std::string herd =
        m.herd ? fmt::format(" x {} clients", m.strategies.front().clients) : std::string();
    rows.emplace_back(m.name, fmt::format("{} strategies x {} trials{}: {}", m.strategies.size(),
                                          m.trials, herd, m.description));
  }
  print_rows(rows);
  return loaded.errors.empty() ? kExitOk : kExitUsage;
}

// A kind's keys from its table, one a line under its summary: name, type, default (or
// "required", or "-" for none), doc line.
void print_keys(const model::ParamTable& table, std::size_t indent) {
  if (table.keys.empty()) {
    fmt::print("{:{}}no parameters\n", "", indent);
    return;
  }
  std::vector<std::array<std::string, 4>> rows;
  for (const auto& key : table.keys) {
    std::string fallback = key.required                ? "required"
                           : key.default_value.empty() ? "-"
                                                       : std::string(key.default_value);
    rows.push_back(
        {std::string(key.name), model::type_label(key), std::move(fallback), std::string(key.doc)});
  }
  std::array<std::size_t, 3> width{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < width.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& [name, type, fallback, doc] : rows) {
    fmt::print("{:{}}{:<{}}  {:<{}}  {:<{}}  {}\n", "", indent, name, width[0], type, width[1],
               fallback, width[2], doc);
  }
}

int list_faults() {
  const auto& kinds = proxy::FaultRegistry::instance().all();
  std::size_t width = 0;
  for (const auto* kind : kinds) width = std::max(width, kind->name.size());
  for (const auto* kind : kinds) {
    fmt::print("{:<{}}  {}\n", kind->name, width, kind->summary);
    print_keys(kind->params, width + 2);
  }
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
      "list",
      "List the built-in scenarios or matrices (or those in FILE/DIR), the fault kinds or the "
      "clients");
  list->require_subcommand(0, 1);

  auto inputs = std::make_shared<std::vector<std::string>>();
  auto* scen = list->add_subcommand(
      "scenarios", "Scenario names and descriptions: the built-in catalogue, or FILE/DIR ...");
  scen->add_option("FILE", *inputs, "Scenario files or directories of them");
  scen->callback([inputs, &exit_code] { exit_code = list_scenarios(*inputs); });

  auto matrix_inputs = std::make_shared<std::vector<std::string>>();
  auto* matrices = list->add_subcommand(
      "matrices",
      "Strategy comparisons `sisyphus compare` runs: the built-in ones, or FILE/DIR ...");
  matrices->add_option("FILE", *matrix_inputs, "Matrix files or directories of them");
  matrices->callback([matrix_inputs, &exit_code] { exit_code = list_matrices(*matrix_inputs); });

  auto* faults = list->add_subcommand(
      "faults", "Fault kinds a scenario can use, each with its keys: type, default, meaning");
  faults->callback([&exit_code] { exit_code = list_faults(); });

  auto* clients = list->add_subcommand("clients", "Clients `sisyphus run --client` can run");
  clients->callback([&exit_code] { exit_code = list_clients(); });

  list->callback([list, &exit_code] {
    if (list->get_subcommands().empty()) exit_code = list_scenarios({});
  });
}

}  // namespace sisyphus::app
