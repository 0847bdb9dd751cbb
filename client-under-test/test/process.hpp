#pragma once
// Child processes for the tests (`sisyphus get`, nginx, openssl): spawn with stdout and
// stderr in files, wait with a deadline, kill what overstays. Nothing outlives a test.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

extern char** environ;

namespace sisyphus::client::test {

class Child {
 public:
  // argv[0] is a path; stdout and stderr go to the given files.
  Child(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // The exit code, or nullopt when it did not exit in time (then it is killed). A death by
  // signal is reported as 128 + signal, as a shell does.
  std::optional<int> wait(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        if (WIFEXITED(status)) return WEXITSTATUS(status);
        return 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }

 private:
  pid_t pid_ = -1;
};

struct RunResult {
  std::optional<int> exit_code;  // nullopt: killed after the timeout
  std::string out, err;
};

inline RunResult run_process(const std::vector<std::string>& argv, const fs::path& dir,
                             std::chrono::milliseconds timeout) {
  static int counter = 0;
  const auto out = dir / ("stdout-" + std::to_string(++counter));
  const auto err = dir / ("stderr-" + std::to_string(counter));
  RunResult r;
  {
    Child child(argv, out, err);
    r.exit_code = child.wait(timeout);
  }
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace sisyphus::client::test
