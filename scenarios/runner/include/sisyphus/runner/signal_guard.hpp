#pragma once
// Ctrl-C during `sisyphus run` must not leave client processes behind: they run in their
// own process groups, so the terminal's SIGINT does not reach them.
#include <atomic>
#include <thread>

namespace sisyphus::runner {

// While it lives, SIGINT, SIGTERM and SIGHUP are taken by a watcher thread, which kills
// every client process group the runner has started (and any it starts later), then lets
// the signal end the program as it would have. Construct it before starting other threads:
// they inherit the blocked signal mask.
class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace sisyphus::runner
