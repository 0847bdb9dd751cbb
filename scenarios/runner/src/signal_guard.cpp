#include "sisyphus/runner/signal_guard.hpp"

#include <pthread.h>
#include <signal.h>

#include <ctime>

#include "subprocess.hpp"

namespace sisyphus::runner {
namespace {

sigset_t watched() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

SignalGuard::SignalGuard() {
  const sigset_t set = watched();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this, set] {
    // A timed wait, so that the destructor can end the thread without a signal of its own.
    const timespec tick{0, 100'000'000};
    while (!done_) {
      const int sig = sigtimedwait(&set, nullptr, &tick);
      if (sig <= 0) continue;
      detail::kill_all_processes();
      // The default action of the signal, as if nobody had caught it.
      signal(sig, SIG_DFL);
      pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
      raise(sig);
    }
  });
}

SignalGuard::~SignalGuard() {
  done_ = true;
  watcher_.join();
  const sigset_t set = watched();
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

}  // namespace sisyphus::runner
