#pragma once
// Watching what a child process does to the files of one directory (inotify), so that a test
// can act at a chosen moment of it: SIGKILL a download the instant its part file reaches a
// size or its state file is being replaced. Polling with stat() would miss windows that last
// microseconds; an inotify event arrives for every write, create and rename.
#include <sys/inotify.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace sisyphus::testing {

struct FileEvent {
  std::string name;    // the file's name inside the watched directory
  std::uint32_t mask;  // IN_CREATE, IN_MODIFY, IN_MOVED_TO or IN_DELETE
};

class DirWatch {
 public:
  // Watches `dir` for files created, written, renamed into it and removed. Throws
  // std::runtime_error when inotify cannot watch it.
  explicit DirWatch(const std::filesystem::path& dir);
  ~DirWatch();
  DirWatch(const DirWatch&) = delete;
  DirWatch& operator=(const DirWatch&) = delete;

  // Hands every event, in order, to `done` until it returns true (then true) or `timeout`
  // passes (false). Events after the one that ended the wait stay queued for the next call.
  bool wait_until(const std::function<bool(const FileEvent&)>& done,
                  std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string pending_;  // events read but not yet handed out
};

}  // namespace sisyphus::testing
