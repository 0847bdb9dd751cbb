#include "sisyphus/testing/small_file_system.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sisyphus/testing/files.hpp"

namespace sisyphus::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::unique_ptr<SmallFileSystem> SmallFileSystem::make(std::uint64_t size, std::string& why) {
  std::vector<std::vector<std::string>> ways{
      {"unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"}};
  if (::geteuid() == 0) ways.push_back({"unshare", "--mount", "--propagation", "private"});
  std::unique_ptr<SmallFileSystem> fsys(new SmallFileSystem);
  const fs::path err = fsys->mount_point_.path().string() + ".err";
  why.clear();
  for (auto argv : ways) {
    std::string tried;
    for (const auto& a : argv) tried += (tried.empty() ? "" : " ") + a;
    // The holder mounts, says so with a file inside the mount, and waits to be killed.
    argv.insert(argv.end(), {"sh", "-c",
                             fmt::format("mount -t tmpfs -o size={} sisyphus \"$0\" && "
                                         ": > \"$0/.ready\" && exec sleep 3600",
                                         size),
                             fsys->mount_point_.path().string()});
    try {
      fsys->holder_.emplace(argv, "/dev/null", err);
    } catch (const std::exception& e) {
      why += fmt::format("{}: {}; ", tried, e.what());
      fsys->holder_.reset();
      continue;
    }
    const fs::path ready = fsys->path() / ".ready";
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    bool up = false;
    while (!up && std::chrono::steady_clock::now() < deadline) {
      std::error_code ec;
      up = fs::exists(ready, ec);
      if (!up && fsys->holder_->wait(5ms).has_value()) break;  // it failed and ended
    }
    if (up) {
      fs::remove(ready);
      fs::remove(err);
      why.clear();
      return fsys;
    }
    fsys->holder_.reset();
    std::string message = read_file(err);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    why += fmt::format("{}: {}; ", tried, message.empty() ? "did not mount" : message);
  }
  fs::remove(err);
  if (why.size() >= 2) why.resize(why.size() - 2);
  return nullptr;
}

fs::path SmallFileSystem::path() const {
  if (!holder_) throw std::logic_error("SmallFileSystem without its holder");
  return fs::path(fmt::format("/proc/{}/root", holder_->pid())) /
         mount_point_.path().relative_path();
}

}  // namespace sisyphus::testing
