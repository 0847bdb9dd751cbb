#pragma once
// Child processes for the tests (the built `sisyphus` binary, curl, nginx, openssl, python3):
// started with their output in files, waited for with a deadline, killed when they overstay.
// Nothing outlives a test: a Child that is still running when it goes is killed and reaped,
// and every child is killed by the kernel when the thread that started it ends
// (PR_SET_PDEATHSIG), so even a test binary that crashes leaves none behind. Start a child
// from the thread that owns it (a test, a SetUpTestSuite()), not from a short-lived one.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sisyphus::testing {

class Child {
 public:
  // Starts `argv`: argv[0] is a path, or a bare name looked up in PATH. stdin is /dev/null;
  // stdout and stderr go to the files `out` and `err` (truncated; "/dev/null" discards; the
  // same path for both gives one file in the order written, as 2>&1). `env` holds NAME=value
  // entries that replace or extend this process's environment for the child. Throws
  // std::runtime_error when the program cannot be started (exec failing included).
  Child(const std::vector<std::string>& argv, const std::filesystem::path& out,
        const std::filesystem::path& err, const std::vector<std::string>& env = {});
  ~Child();  // SIGKILL and reap, unless it has been reaped already
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `sig`, unless the child has been reaped (then its pid may be someone else's).
  void signal(int sig) const;

  // The exit code once the child has ended within `timeout`; a death by signal N is
  // 128 + N, as a shell reports it. nullopt: still running after `timeout` (it is left
  // running). Once it has ended, every call returns the same.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // The same as waitpid()'s raw status, for WIFSIGNALED()/WTERMSIG() checks.
  std::optional<int> wait_status(std::chrono::milliseconds timeout);
  // SIGTERM, up to `grace` to exit, then SIGKILL; reaped either way.
  void stop(std::chrono::milliseconds grace);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;  // waitpid() status once reaped
};

struct RunResult {
  std::optional<int> exit_code;  // as Child::wait(); nullopt: killed after the timeout
  std::string out, err;
};

// Runs `argv` (as Child) to its end, or kills it after `timeout`; stdout and stderr are
// captured in files in `dir` (named stdout-N, stderr-N, a new N each call).
RunResult run(const std::vector<std::string>& argv, const std::filesystem::path& dir,
              std::chrono::milliseconds timeout, const std::vector<std::string>& env = {});

}  // namespace sisyphus::testing
