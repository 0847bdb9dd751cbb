#pragma once
// A small file system that a test can fill up: a tmpfs of a given size, mounted in a mount
// namespace of its own by a holder process (`unshare --user --map-root-user --mount`, which
// needs no privilege where the kernel allows user namespaces; `unshare --mount` as root), so
// nothing is mounted where the rest of the machine could see it, and the mount goes away with
// the holder even when the test binary crashes (the holder is a Child). This process and the
// programs it starts reach the mount through /proc/HOLDER/root/..., so they need no namespace
// of their own.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "sisyphus/testing/process.hpp"
#include "sisyphus/testing/temp_dir.hpp"

namespace sisyphus::testing {

class SmallFileSystem {
 public:
  // A tmpfs of `size` bytes, or nullptr with `why` saying what was tried and why it failed
  // (for GTEST_SKIP: no unshare, user namespaces disabled, not allowed to mount).
  static std::unique_ptr<SmallFileSystem> make(std::uint64_t size, std::string& why);
  SmallFileSystem(const SmallFileSystem&) = delete;
  SmallFileSystem& operator=(const SmallFileSystem&) = delete;

  // The root of the mounted file system as this process sees it.
  std::filesystem::path path() const;
  std::filesystem::path operator/(const std::string& name) const { return path() / name; }

 private:
  SmallFileSystem() : mount_point_("small-fs") {}

  TempDir mount_point_;          // an empty directory out here; the tmpfs inside the namespace
  std::optional<Child> holder_;  // ends before the mount point is removed
};

}  // namespace sisyphus::testing
