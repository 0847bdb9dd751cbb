#include "sisyphus/testing/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "sisyphus/testing/files.hpp"

extern char** environ;

namespace sisyphus::testing {
namespace {

namespace fs = std::filesystem;

std::runtime_error cannot_start(const std::string& program, int err) {
  return std::runtime_error("cannot start " + program + ": " + std::strerror(err));
}

// argv[0] as a path to exec: as given when it holds a '/', else the first executable of
// that name in PATH (looked up here, before fork: the child may only make async-signal-safe
// calls).
std::string executable(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (true) {
    const auto colon = dirs.find(':');
    const std::string_view dir = dirs.substr(0, colon);
    const std::string candidate = (dir.empty() ? fs::path(".") : fs::path(dir)) / program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  throw cannot_start(program, ENOENT);
}

// This process's environment with `overrides` (NAME=value) replacing or added.
std::vector<std::string> environment(const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& o : overrides) replaced = replaced || o.substr(0, o.find('=')) == name;
    if (!replaced) out.emplace_back(entry);
  }
  out.insert(out.end(), overrides.begin(), overrides.end());
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// A descriptor that closes itself (the parent's copies of the child's stdio).
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int open_or_throw(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  return fd;
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err,
             const std::vector<std::string>& env) {
  if (argv.empty()) throw std::invalid_argument("Child: no program");
  const std::string program = executable(argv[0]);
  std::vector<std::string> args = argv;
  std::vector<std::string> vars = environment(env);
  const std::vector<char*> arg_ptrs = pointers(args);
  const std::vector<char*> env_ptrs = pointers(vars);
  const Fd in(open_or_throw("/dev/null", O_RDONLY));
  const Fd out_fd(open_or_throw(out, O_WRONLY | O_CREAT | O_TRUNC));
  const Fd err_fd(err == out ? -1 : open_or_throw(err, O_WRONLY | O_CREAT | O_TRUNC));
  const int stderr_fd = err == out ? out_fd.get() : err_fd.get();
  // exec failing is told through this pipe (close-on-exec: EOF means exec succeeded).
  int exec_error[2];
  if (::pipe2(exec_error, O_CLOEXEC) != 0) throw cannot_start(argv[0], errno);

  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    const int e = errno;
    ::close(exec_error[0]);
    ::close(exec_error[1]);
    throw cannot_start(argv[0], e);
  }
  if (pid_ == 0) {  // only async-signal-safe calls until exec
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent is gone already
    ::dup2(in.get(), 0);
    ::dup2(out_fd.get(), 1);
    ::dup2(stderr_fd, 2);
    for (int fd = 0; fd < 3; ++fd) ::fcntl(fd, F_SETFD, 0);  // dup2(fd, fd) keeps CLOEXEC
    ::execve(program.c_str(), arg_ptrs.data(), env_ptrs.data());
    const int e = errno;
    (void)!::write(exec_error[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(exec_error[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_error[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(exec_error[0]);
  if (n > 0) {
    wait_status(std::chrono::seconds(5));
    throw cannot_start(argv[0], child_errno);
  }
}

Child::~Child() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

void Child::signal(int sig) const {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

std::optional<int> Child::wait_status(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0 && !status_) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = status;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

std::optional<int> Child::wait(std::chrono::milliseconds timeout) {
  const std::optional<int> status = wait_status(timeout);
  if (!status) return std::nullopt;
  return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

void Child::stop(std::chrono::milliseconds grace) {
  signal(SIGTERM);
  if (!wait_status(grace)) {
    signal(SIGKILL);
    wait_status(std::chrono::hours(1));
  }
}

RunResult run(const std::vector<std::string>& argv, const fs::path& dir,
              std::chrono::milliseconds timeout, const std::vector<std::string>& env) {
  static std::atomic<int> counter = 0;
  const int n = ++counter;
  const auto out = dir / ("stdout-" + std::to_string(n));
  const auto err = dir / ("stderr-" + std::to_string(n));
  RunResult r;
  {
    Child child(argv, out, err, env);
    r.exit_code = child.wait(timeout);
  }
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

}  // namespace sisyphus::testing
