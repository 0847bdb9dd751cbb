#pragma once
// A client process: its own process group, stdin from /dev/null, stdout and stderr to one
// log file, no inherited descriptors (another scenario's sockets must not stay open in it),
// and SIGKILL to the whole group at the deadline or once the leader is gone.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sisyphus/core/units.hpp"

namespace sisyphus::runner::detail {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::filesystem::path cwd;
  std::filesystem::path log;  // stdout + stderr
};

struct ProcessResult {
  std::optional<int> exit_code;  // null when killed by a signal
  std::optional<int> signal;
  bool timed_out = false;  // killed at the deadline
  Duration elapsed{0};
};

// Throws std::system_error when the process cannot be started (e.g. the program is missing).
ProcessResult run_process(const ProcessSpec& spec, Duration deadline);

// SIGKILL to the group of every process run_process() is waiting for, and to every one it
// starts from now on (the program is being interrupted: no client may outlive it).
void kill_all_processes();

// The last `max_bytes` of a file (whole lines when it can), "" when it cannot be read.
std::string tail_of(const std::filesystem::path& file, std::size_t max_bytes = 4096);

// 'single-quoted' for /bin/sh, unless the word needs no quoting.
std::string shell_quote(std::string_view word);

}  // namespace sisyphus::runner::detail
