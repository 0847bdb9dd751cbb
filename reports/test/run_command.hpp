#pragma once
// Runs a shell command and returns its stdout and exit status (tests use it to check the
// reports with independent parsers such as python3's xml.etree).
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace sisyphus::reports::testing {

struct CommandResult {
  int status = -1;
  std::string out;
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace sisyphus::reports::testing
