#include <fmt/format.h>

#include <cstdlib>
#include <exception>

#include "commands.hpp"
#include "sisyphus/core/version.hpp"

int main(int argc, char** argv) {
  CLI::App root{
      "sisyphus: fault-injection HTTP server/proxy and test harness for resumable downloads"};
  root.set_version_flag("--version", std::string("sisyphus ") + sisyphus::kVersion);
  root.require_subcommand(0, 1);
  root.fallthrough(false);
  int exit_code = sisyphus::app::kExitOk;

  // commands.inc lists the commands this build has; see app/CMakeLists.txt.
#define SISYPHUS_ADD(name) sisyphus::app::add_##name##_command(root, exit_code);
#include "commands.inc"
#undef SISYPHUS_ADD

  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = root.exit(e);
    return rc == 0 ? 0 : sisyphus::app::kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "sisyphus: {}\n", e.what());
    return sisyphus::app::kExitUsage;
  }
  if (root.get_subcommands().empty()) {
    fmt::print("{}", root.help());
    return sisyphus::app::kExitOk;
  }
  return exit_code;
}
