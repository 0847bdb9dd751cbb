#include "subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

extern char** environ;

namespace sisyphus::runner::detail {
namespace {

using Clock = std::chrono::steady_clock;

// The process groups being waited for. A group leaves the set (under the lock) before its
// leader is reaped, so kill_all_processes() never signals a reused pid.
struct LiveGroups {
  std::mutex mutex;
  std::set<pid_t> groups;
  bool stopping = false;
};
LiveGroups& live() {
  static LiveGroups l;
  return l;
}

// RAII for the spawn attribute objects: every exit path destroys them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attr{};
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

void check(int rc, const char* what) {
  if (rc != 0) throw std::system_error(rc, std::generic_category(), what);
}

// True once the leader has exited; it stays a zombie (WNOWAIT) so that its pid, which is
// the group id, cannot be reused before the group is killed.
bool leader_exited(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

}  // namespace

ProcessResult run_process(const ProcessSpec& spec, Duration deadline) {
  if (spec.argv.empty()) throw std::invalid_argument("run_process: empty argv");
  SpawnSetup s;
  check(posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0), "stdin");
  check(posix_spawn_file_actions_addopen(&s.actions, 1, spec.log.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644),
        "stdout");
  check(posix_spawn_file_actions_adddup2(&s.actions, 1, 2), "stderr");
  check(posix_spawn_file_actions_addclosefrom_np(&s.actions, 3), "closefrom");
  if (!spec.cwd.empty()) {
    check(posix_spawn_file_actions_addchdir_np(&s.actions, spec.cwd.c_str()), "chdir");
  }
  check(posix_spawnattr_setpgroup(&s.attr, 0), "setpgroup");
  // The runner's signal dispositions and mask are not the client's business.
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  check(posix_spawnattr_setsigmask(&s.attr, &none), "sigmask");
  check(posix_spawnattr_setsigdefault(&s.attr, &all), "sigdefault");
  check(posix_spawnattr_setflags(
            &s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF),
        "flags");

  std::vector<char*> argv;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  const auto start = Clock::now();
  pid_t pid = 0;
  int rc = 0;
  {
    // Spawned and registered under one lock: a client starts running (and may be seen
    // running) before posix_spawnp returns, and a signal's kill_all_processes() followed by
    // the program's end must not fall between the two and leave it behind.
    std::lock_guard lock(live().mutex);
    rc = ::posix_spawnp(&pid, argv[0], &s.actions, &s.attr, argv.data(), environ);
    if (rc == 0) {
      live().groups.insert(pid);
      if (live().stopping) ::kill(-pid, SIGKILL);
    }
  }
  if (rc != 0) {
    throw std::system_error(rc, std::generic_category(), "cannot start '" + spec.argv[0] + "'");
  }

  ProcessResult result;
  const auto end = start + deadline;
  auto pause = std::chrono::milliseconds(1);
  while (!leader_exited(pid)) {
    if (Clock::now() >= end) {
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(10));
  }
  // Whatever the leader left behind in its group goes with it.
  {
    std::lock_guard lock(live().mutex);
    ::kill(-pid, SIGKILL);
    live().groups.erase(pid);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.elapsed = std::chrono::duration_cast<Duration>(Clock::now() - start);
  if (WIFEXITED(status) && !result.timed_out) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

void kill_all_processes() {
  std::lock_guard lock(live().mutex);
  live().stopping = true;
  for (pid_t pid : live().groups) ::kill(-pid, SIGKILL);
}

std::string tail_of(const std::filesystem::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const auto size = static_cast<std::size_t>(in.tellg());
  const std::size_t from = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(from));
  std::string text(size - from, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (from > 0) {
    const auto nl = text.find('\n');
    if (nl != std::string::npos && nl + 1 < text.size()) text.erase(0, nl + 1);
  }
  return text;
}

std::string shell_quote(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789@%+=:,./_-") == std::string_view::npos;
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace sisyphus::runner::detail
