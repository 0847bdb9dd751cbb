#pragma once
// Test helpers for running a command (sisyphus serve/proxy, curl) as a real subprocess.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sisyphus::test {

// A child process (argv[0] is a path, no PATH search) with stdin from /dev/null and stdout
// and stderr captured to files; killed (SIGKILL) if still running when destroyed.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::filesystem::path& out,
        const std::filesystem::path& err);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }  // -1 when it could not be started
  // The exit code once the process ends within `timeout` (-1 for a signal), else nullopt.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// The whole file ("" when it cannot be read).
std::string read_file(const std::filesystem::path& p);

}  // namespace sisyphus::test
