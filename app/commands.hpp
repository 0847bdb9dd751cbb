#pragma once
// Each subcommand lives in its own file and registers itself on the root CLI11 app.
// A command parses flags only and calls a library; it stores its exit code in `exit_code`.
#include <CLI/CLI.hpp>

namespace sisyphus::app {

// Exit codes shared by every subcommand (DESIGN.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

void add_serve_command(CLI::App& root, int& exit_code);
void add_proxy_command(CLI::App& root, int& exit_code);
void add_get_command(CLI::App& root, int& exit_code);
void add_run_command(CLI::App& root, int& exit_code);
void add_compare_command(CLI::App& root, int& exit_code);
void add_list_command(CLI::App& root, int& exit_code);
void add_report_command(CLI::App& root, int& exit_code);
void add_schema_command(CLI::App& root, int& exit_code);
void add_admin_command(CLI::App& root, int& exit_code);

}  // namespace sisyphus::app
