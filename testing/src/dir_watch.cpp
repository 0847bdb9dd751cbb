#include "sisyphus/testing/dir_watch.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sisyphus::testing {

DirWatch::DirWatch(const std::filesystem::path& dir) {
  fd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd_ < 0) throw std::runtime_error(std::string("inotify_init1: ") + std::strerror(errno));
  if (::inotify_add_watch(fd_, dir.c_str(), IN_CREATE | IN_MODIFY | IN_MOVED_TO | IN_DELETE) < 0) {
    const int err = errno;
    ::close(fd_);
    throw std::runtime_error("inotify_add_watch " + dir.string() + ": " + std::strerror(err));
  }
}

DirWatch::~DirWatch() {
  if (fd_ >= 0) ::close(fd_);
}

bool DirWatch::wait_until(const std::function<bool(const FileEvent&)>& done,
                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Hand out whole events; a name is padded with NULs to the event's length.
    while (pending_.size() >= sizeof(inotify_event)) {
      inotify_event head{};
      std::memcpy(&head, pending_.data(), sizeof head);
      const std::size_t whole = sizeof head + head.len;
      if (pending_.size() < whole) break;
      const char* name = pending_.data() + sizeof head;
      FileEvent event{std::string(name, ::strnlen(name, head.len)), head.mask};
      pending_.erase(0, whole);
      if (event.mask & IN_Q_OVERFLOW) throw std::runtime_error("inotify queue overflowed");
      if (done(event)) return true;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[64 * 1024];
    const ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) throw std::runtime_error(std::string("inotify read: ") + std::strerror(errno));
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace sisyphus::testing
